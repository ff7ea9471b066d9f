//! The CORS layer adds no heap allocation to a request: an allowed simple request and a
//! request without `Origin` allocate exactly as often through an app with cors-actix as through
//! the same app without CORS.
//!
//! Allocations are counted by a counting global allocator, so the counts are exact and
//! deterministic: each app is warmed up first (actix pools request and response heads, and
//! policies render their header values when built), then `REQUESTS` requests are counted,
//! and the totals must be equal. One extra allocation in a thousand requests fails the test.
//! Everything runs in one test function, on one thread, so no other test's allocations are
//! counted.

use std::alloc::System;

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse},
    http::header,
    test, App, Error,
};
use cors_actix_benches::{call, run, with_app, Case, Variant};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const WARM_UP: u64 = 200;
const REQUESTS: u64 = 1000;

/// Heap operations (allocations and reallocations) and bytes of `REQUESTS` requests. Only the
/// operations are compared: a `#[cors]` route's future is larger than the bare handler's, and
/// actix boxes a resource's future either way, so the same allocation is a little larger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Count {
    operations: usize,
    bytes: usize,
}

async fn count<S, B>(app: &S, case: Case) -> Count
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = Error>,
{
    run(app, case, WARM_UP).await;
    let region = Region::new(GLOBAL);
    run(app, case, REQUESTS).await;
    let stats = region.change();
    Count { operations: stats.allocations + stats.reallocations, bytes: stats.bytes_allocated }
}

async fn count_app<T, B>(app: App<T>, case: Case) -> Count
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    let app = test::init_service(app).await;
    count(&app, case).await
}

async fn count_variant(variant: Variant, case: Case) -> Count {
    with_app!(variant, |make| count_app(make(), case).await)
}

/// The CORS layer is really there: the allowed request gets its headers.
async fn assert_answers(variant: Variant) {
    with_app!(variant, |make| {
        let app = test::init_service(make()).await;
        let response = app.call(Case::SimpleAllowed.test_request().to_request()).await.unwrap();
        assert!(response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN), "{variant}");
        assert!(response.headers().contains_key(header::VARY), "{variant}");
        assert_eq!(call(&app, Case::NoOrigin).await, 200, "{variant}");
    })
}

const CASES: [Case; 2] = [Case::SimpleAllowed, Case::NoOrigin];

#[actix_web::test]
async fn the_cors_layer_adds_no_allocation() {
    // The counter sees what an app allocates: one boxed value per request shows up as (at
    // least) one operation per request. Without this, equal counts could be vacuous.
    let baseline = count_variant(Variant::NoCors, Case::NoOrigin).await;
    let allocating = cors_actix_benches::no_cors_app().wrap_fn(|req, service| {
        std::hint::black_box(Box::new(0_u64));
        service.call(req)
    });
    let allocating = count_app(allocating, Case::NoOrigin).await;
    assert!(
        allocating.operations >= baseline.operations + REQUESTS as usize,
        "the counting allocator missed a per-request allocation: {allocating:?} vs {baseline:?}"
    );

    // App-wide before any `#[cors]` route is mounted in the process, then per route; then an
    // app-wide layer in a process with `#[cors]` routes but none in its app, one whose app
    // has a `#[cors]` route beside the requested plain route, and one in front of the
    // requested `#[cors]` route. Actual requests are decided after routing: nothing is looked
    // up for them.
    let mut failures = Vec::new();
    for (label, variant) in [
        ("app-wide", Variant::AppWide),
        ("per-route", Variant::PerRoute),
        ("app-wide with #[cors] routes in the process, none in its app", Variant::AppWide),
        ("app-wide with a #[cors] route in the app, plain route requested", Variant::Mixed),
        ("app-wide in front of the requested #[cors] route", Variant::Composed),
        ("app-wide with cross-origin request protection", Variant::Protected),
    ] {
        assert_answers(variant).await;
        for case in CASES {
            let without = count_variant(Variant::NoCors, case).await;
            let with = count_variant(variant, case).await;
            if with.operations > without.operations {
                failures.push(format!(
                    "{label}, {case}: {} heap operations and {} bytes per {REQUESTS} requests, \
                     against {} and {} without CORS",
                    with.operations, with.bytes, without.operations, without.bytes,
                ));
            }
        }
    }
    assert!(failures.is_empty(), "the CORS layer allocates:\n{}", failures.join("\n"));
}
