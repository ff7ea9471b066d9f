//! Wall-clock timings (divan), in process: each request kind through the app without CORS,
//! with actix-cors and with an app-wide `Cors`; `Policy::decide` alone; and origin matching as
//! the allow-list grows. The `#[cors]` route variant is in `per_route.rs`: mounting a `#[cors]`
//! route makes every app-wide layer of the process look up route policies, so it gets a
//! process of its own.
//!
//! ```text
//! cargo bench -p cors-actix-benches
//! ```
//!
//! Each request iteration builds the test request, sends it and drops the response; the
//! `harness` benchmark is the request building alone. Instruction counts, which are exact
//! where these timings are noisy, come from `benches/callgrind.sh`.

use std::hint::black_box;

use actix_web::{
    dev::RequestHead,
    http::header::{self, HeaderValue},
    test::TestRequest,
};
use cors_actix::Policy;
use cors_actix_benches::{actix_cors, Case};
use divan::Bencher;

mod support;

fn main() {
    divan::main();
}

/// A request through the whole app, by variant.
mod request {
    use super::*;

    #[divan::bench(args = Case::ALL)]
    fn no_cors(bencher: Bencher<'_, '_>, case: Case) {
        support::bench_app(bencher, cors_actix_benches::no_cors_app(), case);
    }

    #[divan::bench(args = Case::ALL)]
    fn actix_cors(bencher: Bencher<'_, '_>, case: Case) {
        support::bench_app(bencher, cors_actix_benches::no_cors_app().wrap(actix_cors!()), case);
    }

    #[divan::bench(args = Case::ALL)]
    fn app_wide(bencher: Bencher<'_, '_>, case: Case) {
        support::bench_app(bencher, cors_actix_benches::app_wide_app(), case);
    }

    /// Building the test request alone: part of every iteration above.
    #[divan::bench(args = Case::ALL)]
    fn harness(bencher: Bencher<'_, '_>, case: Case) {
        bencher.bench_local(|| black_box(case.test_request().to_request()));
    }
}

/// `Policy::decide` on the request's head, without actix around it.
#[divan::bench(args = Case::ALL)]
fn decide(bencher: Bencher<'_, '_>, case: Case) {
    let policy = cors_actix_benches::policy();
    let request = case.test_request().to_srv_request();
    let head = request.head();
    bencher.bench_local(|| cors_actix::__private::decide(&policy, black_box(head)));
}

/// Origin matching as the allow-list grows: exact origins are one hash lookup whatever
/// their number; patterns are tried in turn.
mod origins {
    use super::*;

    const SIZES: [usize; 5] = [1, 10, 100, 1000, 10_000];

    fn exact_policy(n: usize) -> Policy {
        Policy::builder()
            .allow_origins((0..n).map(|i| format!("https://app{i}.example")))
            .build()
            .expect("valid policy")
    }

    fn pattern_policy(n: usize) -> Policy {
        Policy::builder()
            .allow_origins((0..n).map(|i| format!("https://*.tenant{i}.example")))
            .build()
            .expect("valid policy")
    }

    fn head_with_origin(origin: String) -> RequestHead {
        let value = HeaderValue::from_str(&origin).expect("valid header value");
        TestRequest::get().insert_header((header::ORIGIN, value)).to_srv_request().head().clone()
    }

    fn bench_decide(bencher: Bencher<'_, '_>, policy: &Policy, head: &RequestHead) {
        bencher.bench_local(|| cors_actix::__private::decide(policy, black_box(head)));
    }

    /// The last origin listed.
    #[divan::bench(args = SIZES)]
    fn exact_allowed(bencher: Bencher<'_, '_>, n: usize) {
        let head = head_with_origin(format!("https://app{}.example", n - 1));
        bench_decide(bencher, &exact_policy(n), &head);
    }

    /// An origin that is not listed.
    #[divan::bench(args = SIZES)]
    fn exact_refused(bencher: Bencher<'_, '_>, n: usize) {
        bench_decide(bencher, &exact_policy(n), &head_with_origin("https://evil.example".into()));
    }

    /// A subdomain of the last of 100 patterns.
    #[divan::bench]
    fn patterns_100_allowed(bencher: Bencher<'_, '_>) {
        let head = head_with_origin("https://eu.tenant99.example".into());
        bench_decide(bencher, &pattern_policy(100), &head);
    }

    /// An origin none of 100 patterns matches.
    #[divan::bench]
    fn patterns_100_refused(bencher: Bencher<'_, '_>) {
        bench_decide(bencher, &pattern_policy(100), &head_with_origin("https://evil.example".into()));
    }
}
