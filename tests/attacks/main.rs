//! Known attacks on CORS configurations and implementations, one named test each,
//! through real actix-web apps, with exact statuses and header values. The threat model is in
//! SECURITY.md; the generated counterpart of these tests is the `properties` test binary.
//!
//! What "refused" looks like, everywhere below (README "The middleware"):
//! an actual request runs the handler (`on_mismatch = "omit"`) and gets no CORS header but
//! `Vary: Origin`; a preflight gets `403`, no CORS header, the preflight `Vary`, and never
//! runs the handler.

mod hostile_origins;
mod misconfiguration;
mod responses;
mod route_policies;
mod wire;

use std::collections::BTreeMap;

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{
        header::{self, HeaderValue},
        Method,
    },
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use cors_actix::{
    problem::ProblemKind,
    test::{self as cors_test, cross_origin},
    Cors, Policy, PolicyBuilder,
};
use cors_actix_tests::{counted, Calls, Seen, TestApp, PREFLIGHT_VARY};

/// A handler that sets CORS headers itself, as a careless one might.
async fn hostile(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
        .insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "x-secret"))
        .insert_header((header::VARY, "Accept-Encoding"))
        .body("secret body")
}

/// An app with `policy` app-wide: `/items` runs `counted` for every method (so a preflight that
/// reached it would run it), `/hostile` runs `hostile`.
async fn serve(
    policy: Policy,
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
    Calls,
) {
    TestApp::init(
        App::new()
            .wrap(Cors::new(policy))
            .service(web::resource("/items").to(counted))
            .service(web::resource("/hostile").to(hostile)),
    )
    .await
}

/// Sends `request` and reads what its response showed.
///
/// # Panics
/// When the response repeats an `access-control-*` header.
async fn send<S, B>(app: &S, calls: &Calls, request: TestRequest) -> Seen
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = calls.count();
    let response = test::call_service(app, request.to_request()).await;
    Seen::read(&response, calls.count() > before).unwrap_or_else(|problem| panic!("{problem}"))
}

fn value(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_bytes(bytes).expect("a value HeaderValue accepts")
}

/// `cors_actix::test`'s [`cross_origin`] `GET /items`, its `Origin` then replaced by any bytes:
/// hostile ones too, which a `&str` cannot always hold.
fn actual(origin: &[u8]) -> TestRequest {
    cross_origin(Method::GET, "/items", "null").insert_header((header::ORIGIN, value(origin)))
}

/// `cors_actix::test`'s [`cors_test::preflight`] for `method` on `/items`, its `Origin` then
/// replaced by any bytes.
fn preflight(origin: &[u8], method: &str) -> TestRequest {
    cors_test::preflight("/items", "null", method).insert_header((header::ORIGIN, value(origin)))
}

fn build(builder: PolicyBuilder) -> Policy {
    builder.build().expect("a valid test policy")
}

/// `https://app.example` with credentials: the policy that attacks go after.
fn exact_policy() -> Policy {
    build(
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_methods(["GET", "PUT"])
            .allow_credentials(true),
    )
}

/// `https://*.app.example` with credentials.
fn wildcard_policy() -> Policy {
    build(
        Policy::builder()
            .allow_origin("https://*.app.example")
            .allow_methods(["GET", "PUT"])
            .allow_credentials(true),
    )
}

fn allowed_actual(origin: &str) -> Seen {
    Seen {
        status: 200,
        handler_ran: true,
        cors: Seen::cors(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
        ]),
        vary: vec!["Origin".to_owned()],
    }
}

fn allowed_preflight(origin: &str) -> Seen {
    Seen {
        status: 204,
        handler_ran: false,
        cors: Seen::cors(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, PUT"),
        ]),
        vary: vec![PREFLIGHT_VARY.to_owned()],
    }
}

/// Sends each origin as an actual request and as a preflight, and checks both were refused.
async fn assert_all_refused(policy: Policy, origins: &[&[u8]]) {
    let (app, calls) = serve(policy).await;
    for origin in origins {
        let shown = String::from_utf8_lossy(origin);
        assert_eq!(send(&app, &calls, actual(origin)).await, Seen::refused_actual(), "actual from {shown:?}");
        assert_eq!(
            send(&app, &calls, preflight(origin, "PUT")).await,
            Seen::refused_preflight(),
            "preflight from {shown:?}"
        );
    }
}

/// Sends each origin as an actual request and as a preflight, and checks both were allowed.
async fn assert_all_allowed(policy: Policy, origins: &[&str]) {
    let (app, calls) = serve(policy).await;
    for origin in origins {
        assert_eq!(send(&app, &calls, actual(origin.as_bytes())).await, allowed_actual(origin), "{origin}");
        assert_eq!(
            send(&app, &calls, preflight(origin.as_bytes(), "PUT")).await,
            allowed_preflight(origin),
            "{origin}"
        );
    }
}

/// Each problem's value and kind.
fn problems(builder: PolicyBuilder) -> Vec<(Option<String>, ProblemKind)> {
    let error = builder.build().expect_err("the builder must refuse this policy");
    error
        .problems()
        .iter()
        .map(|problem| (problem.value().map(str::to_owned), problem.kind().clone()))
        .collect()
}
