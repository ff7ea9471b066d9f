//! Property tests: over generated policies and hostile request heads, `cors-actix`
//! never panics, never answers 5xx, never runs a handler for a preflight, and never says
//! `Access-Control-Allow-Origin` for anything but `*` (without credentials) or the request's
//! own `Origin` when the policy allows it.
//!
//! Allowedness is judged by a model written here, independently of the crate: an origin
//! oracle (`cors-actix-test-origins`, what a browser can send), hand-written equivalents of
//! each generated pattern and regex, and a model of the whole decision (Fetch "CORS
//! protocol"), compared with what the middleware answers, header by header. Policies come from
//! pools of valid and invalid settings, so the builder's validation is checked against the
//! model too. The origin grammar's own round-trip properties are in `cors-actix-grammar`.
//!
//! Case counts keep the binary under a minute in a debug build; raise `PROPTEST_CASES` to look
//! harder (e.g. `PROPTEST_CASES=5000 cargo test -p cors-actix-tests --test properties`).

mod model;
mod policies;
mod strategies;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

// `test::{self}`, the module only: a plain `test` would also import actix's `#[test]`
// attribute macro, shadowing the one `proptest!` expands to.
use actix_web::{
    http::header,
    test::{self},
    web, App, HttpResponse,
};
use cors_actix::{
    __private::{decide, AllowOrigin, Decision},
    Cors, Policy,
};
use cors_actix_test_origins::{config, header_bytes, mutated_origin, oracle, pooled_origin};
use cors_actix_tests::{Calls, Seen, TestApp};
use proptest::{prelude::*, test_runner::TestCaseError};

use crate::{
    model::{check_invariants, expected_response, model, Expect},
    strategies::{request, spec},
};

async fn handler(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok()
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header(("x-request-id", "1"))
        .finish()
}

proptest! {
    #![proptest_config(config(400))]

    /// Through a real app (`init_service`/`call_service`), one app per generated policy and many
    /// hostile requests per app: every response equals the model's, and the invariants hold.
    #[test]
    fn middleware_never_answers_a_wrong_allow_origin(spec in spec(), requests in prop::collection::vec(request(), 1..40)) {
        let bad_predicate_calls = Arc::new(AtomicUsize::new(0));
        let built = spec.build(&bad_predicate_calls);
        prop_assert_eq!(built.is_ok(), spec.valid(), "build() disagrees with the model: {:?}", built.as_ref().err());
        let Ok(policy) = built else { return Ok(()) };
        prop_assert_eq!(policy.varies_with_origin(), !spec.any_origin());
        prop_assert!(!(policy.allows_any_origin() && policy.allows_credentials()));

        actix_web::rt::System::new().block_on(async move {
            let (app, calls) = TestApp::init(
                App::new()
                    .wrap(Cors::new(policy))
                    .service(web::resource("/any").to(handler))
                    .route("/get", web::get().to(handler)),
            )
            .await;
            for req in &requests {
                let before = calls.count();
                let response = test::call_service(&app, req.to_test_request().to_request()).await;
                let ran = calls.count() - before;
                prop_assert!(ran <= 1);
                let got = Seen::read(&response, ran == 1).map_err(TestCaseError::fail)?;
                check_invariants(&spec, req, &got)?;
                prop_assert_eq!(&got, &expected_response(&spec, req), "request {:?}", req);
            }
            prop_assert_eq!(bad_predicate_calls.load(Ordering::SeqCst), 0, "origin_fn saw `null` or a malformed origin");
            Ok::<(), TestCaseError>(())
        })?;
    }
}

proptest! {
    #![proptest_config(config(800))]

    /// The policy's decision alone, without actix's service stack: the decision equals the model's,
    /// and a refusal's log text is escaped and bounded.
    #[test]
    fn decide_matches_the_model(spec in spec(), requests in prop::collection::vec(request(), 1..24)) {
        let bad_predicate_calls = Arc::new(AtomicUsize::new(0));
        let Ok(policy) = spec.build(&bad_predicate_calls) else { return Ok(()) };
        let origin_of = |allow: AllowOrigin<'_>| match allow {
            AllowOrigin::Any => None,
            AllowOrigin::Origin(value) => Some(value.as_bytes().to_vec()),
        };
        for req in &requests {
            let http_request = req.to_test_request().to_http_request();
            let got = match decide(&policy, http_request.head()) {
                Decision::NotCors => Expect::NotCors,
                Decision::SameOrigin => Expect::SameOrigin,
                Decision::Pending => {
                    prop_assert!(false, "only a policy with an asynchronous origin check asks for it");
                    continue;
                }
                Decision::Actual(allow) => Expect::Actual(origin_of(allow)),
                Decision::Preflight(answer) => Expect::Preflight {
                    origin: origin_of(answer.allow_origin),
                    mirrored: answer.mirrored_headers.map(|v| v.as_bytes().to_vec()),
                    mirrored_method: answer.mirrored_method.map(|v| v.as_bytes().to_vec()),
                    private_network: answer.private_network,
                },
                Decision::Refused(refusal) => {
                    let reason = refusal.reason.to_string();
                    prop_assert!(reason.len() <= 400, "unbounded log text: {} bytes", reason.len());
                    prop_assert!(
                        reason.bytes().all(|b| (0x20..0x7f).contains(&b)),
                        "unescaped log text: {:?}",
                        reason
                    );
                    Expect::Rejected { preflight: refusal.preflight, forbid: refusal.forbid }
                }
            };
            prop_assert_eq!(got, model(&spec, req), "request {:?}", req);
        }
        prop_assert_eq!(bad_predicate_calls.load(Ordering::SeqCst), 0);
    }

    /// `build()` never panics on arbitrary strings, and an exact origin (no `*`, not `null`) is
    /// accepted exactly when the oracle says a browser can send it. Regexes are ASCII here:
    /// see `builder_never_panics_on_non_ascii_regexes` for the rest.
    #[test]
    fn builder_never_panics_and_accepts_exactly_serialized_origins(
        origin in prop_oneof![pooled_origin(), mutated_origin(), header_bytes(40)]
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        regex in prop_oneof!["[ -~]{0,24}", "\\^[ -~]{0,20}\\$"],
        method in "\\PC{0,10}",
        header_name in "\\PC{0,10}",
        max_age in any::<u64>(),
        credentials in any::<bool>(),
    ) {
        let result = Policy::builder()
            .allow_origin(origin.clone())
            .allow_origin_regex(regex)
            .allow_method(method)
            .allow_header(header_name.clone())
            .expose_header(header_name)
            .max_age(max_age)
            .allow_credentials(credentials)
            .build();
        if let Err(error) = &result {
            prop_assert!(!error.problems().is_empty());
            let _ = error.to_string();
        }
        if !origin.contains('*') && origin != "null" {
            let alone = Policy::builder().allow_origin(origin.clone()).build();
            prop_assert_eq!(alone.is_ok(), oracle(origin.as_bytes()).is_some(), "origin {:?}", origin);
        }
    }
}

proptest! {
    #![proptest_config(config(500))]

    /// `build()` never panics on any regex string: one that ends inside a multi-byte
    /// character (`^é`) has no char boundary where the anchor check expects its `$`, and must
    /// still come back as an `Err` (the named case:
    /// `attacks::misconfiguration::non_ascii_regex_is_an_error_not_a_panic`).
    #[test]
    fn builder_never_panics_on_non_ascii_regexes(regex in prop_oneof!["\\PC{0,24}", "\\^\\PC{0,20}", "(\\(\\?i\\))?\\^[a-z]{0,4}\\PC"]) {
        let result = std::panic::catch_unwind(|| {
            Policy::builder().allow_origin("https://app.example").allow_origin_regex(regex.clone()).build().is_ok()
        });
        prop_assert!(result.is_ok(), "build() panicked on regex {:?}", regex);
    }
}
