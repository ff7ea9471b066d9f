//! MIGRATING.md's example, before (actix-cors 0.7) and after (cors-actix): for every request a
//! page could make, a browser reads and sends exactly the same through both. Judged with
//! `cors_actix::test`'s implementations of Fetch's "CORS check" and "CORS-preflight fetch",
//! not by comparing bytes (the two answer refusals with different statuses and order headers
//! differently, which no browser sees).

use actix_web::{
    dev::{Service, ServiceResponse},
    http::Method,
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use cors_actix::{
    test::{cors_check, header_exposed, preflight_check},
    Cors, Policy,
};
use cors_actix_benches::status_and_headers;

fn before() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allowed_origin("https://app.example")
        .allowed_origin_fn(|origin, _head| {
            let origin = origin.as_bytes();
            origin.starts_with(b"https://") && origin.ends_with(b".app.example")
        })
        .allowed_methods(["GET", "POST", "PUT"])
        .allowed_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
        .max_age(600)
}

fn after() -> Cors {
    let policy = Policy::builder()
        .allow_origin("https://app.example")
        .allow_origin("https://*.app.example")
        .allow_methods(["GET", "POST", "PUT"])
        .allow_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(600)
        .build()
        .expect("MIGRATING.md's policy builds");
    Cors::new(policy)
}

async fn items() -> HttpResponse {
    HttpResponse::Ok().insert_header(("x-request-id", "7")).insert_header(("x-internal", "1")).body("items")
}

const ORIGINS: [&str; 9] = [
    "https://app.example",
    "https://eu.app.example",
    "https://a.b.app.example",
    "http://eu.app.example",
    "https://app.example.evil.example",
    "https://evilapp.example",
    "https://eu.app.example:8443",
    "https://evil.example",
    "null",
];

/// What a browser concludes from one answer: for a preflight, whether it sends the request;
/// for an actual request, whether the page reads it, and which of two headers it sees.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Preflight(bool),
    Actual { read: bool, request_id: bool, internal: bool },
}

async fn verdicts<S, B>(app: &S) -> Vec<(String, Verdict)>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let mut seen = Vec::new();
    for origin in ORIGINS {
        for (method, headers) in
            [("PUT", &["content-type"][..]), ("POST", &["x-api-key"]), ("DELETE", &[]), ("PUT", &["x-other"])]
        {
            let mut request = TestRequest::default()
                .method(Method::OPTIONS)
                .uri("/items")
                .insert_header(("origin", origin))
                .insert_header(("access-control-request-method", method));
            if !headers.is_empty() {
                request = request.insert_header(("access-control-request-headers", headers.join(",")));
            }
            let (status, answer) = status_and_headers(app, request).await;
            let sent = preflight_check(status, &answer, origin, method, headers, true).is_ok();
            seen.push((format!("preflight {method} {headers:?} from {origin}"), Verdict::Preflight(sent)));
        }
        let request = TestRequest::get().uri("/items").insert_header(("origin", origin));
        let (_, answer) = status_and_headers(app, request).await;
        let read = cors_check(&answer, origin, true).is_ok();
        let verdict = Verdict::Actual {
            read,
            request_id: read && header_exposed(&answer, "x-request-id", true),
            internal: read && header_exposed(&answer, "x-internal", true),
        };
        seen.push((format!("GET from {origin}"), verdict));
    }
    seen
}

#[actix_web::test]
async fn a_browser_sees_the_same_through_both() {
    let before = test::init_service(App::new().wrap(before()).route("/items", web::to(items))).await;
    let after = test::init_service(App::new().wrap(after()).route("/items", web::to(items))).await;
    let before = verdicts(&before).await;
    let after = verdicts(&after).await;
    let read =
        after.iter().filter(|(_, verdict)| matches!(verdict, Verdict::Actual { read: true, .. })).count();
    let sent = after.iter().filter(|(_, verdict)| *verdict == Verdict::Preflight(true)).count();
    assert_eq!((read, sent), (3, 6), "the matrix must hold both outcomes, or it proves nothing");
    for ((case, was), (_, is)) in before.iter().zip(&after) {
        assert_eq!(was, is, "{case}");
    }
}
