//! Actual requests: the headers an allowed origin gets, what a refused or absent origin gets,
//! and `Vary`.

use actix_web::{
    http::{Method, StatusCode},
    HttpResponse,
};
use cors_actix::OnMismatch;

use super::*;

// Fetch ("HTTP responses", #http-responses): an allowed actual request gets ACAO, ACAC, ACEH and Vary: Origin.
#[actix_web::test]
async fn allowed_actual_request_is_decorated() {
    let (app, calls) = TestApp::items(api_policy()).await;
    let request = cross_origin(Method::GET, "/items", "https://eu.app.example").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_value(&response, "access-control-allow-origin").as_deref(),
        Some("https://eu.app.example")
    );
    assert_eq!(header_value(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(header_value(&response, "access-control-expose-headers").as_deref(), Some("x-request-id"));
    assert_eq!(header_value(&response, "access-control-allow-methods"), None, "preflight-only header");
    assert_eq!(vary_lines(&response), ["Origin"]);
    cors_test::assert_allowed_with_credentials(&response, "https://eu.app.example");
    assert!(cors_test::header_exposed(response.headers(), "x-request-id", true));
    assert_eq!(test::read_body(response).await, "counted");
    assert_eq!(calls.count(), 1);
}

// Fetch ("CORS check", #concept-cors-check): without ACAO the browser blocks the read; the default runs the handler.
#[actix_web::test]
async fn disallowed_origin_is_omitted_by_default() {
    let (app, calls) = TestApp::items(api_policy()).await;
    let request = cross_origin(Method::GET, "/items", "https://evil.example").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_cors_headers(&response);
    assert_eq!(vary_lines(&response), ["Origin"], "caches must not serve this response to an allowed origin");
    cors_test::assert_refused(&response, "https://evil.example");
    cors_test::assert_varies_on_origin(&response);
    assert_eq!(calls.count(), 1);
}

#[actix_web::test]
async fn disallowed_origin_is_forbidden_with_reject() {
    let (app, calls) = TestApp::items(api_policy().on_mismatch(OnMismatch::Reject)).await;
    let request = cross_origin(Method::POST, "/items", "https://evil.example").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_no_cors_headers(&response);
    assert_eq!(vary_lines(&response), ["Origin"]);
    assert_eq!(calls.count(), 0);
}

// Same-origin requests carry Origin too (Chromium on POST); reject mode must not break them.
#[actix_web::test]
async fn same_origin_request_passes_reject_mode() {
    let (app, calls) = TestApp::items(api_policy().on_mismatch(OnMismatch::Reject)).await;
    let request = cross_origin(Method::POST, "/items", "https://api.example")
        .insert_header(("host", "api.example"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_cors_headers(&response);
    assert_eq!(calls.count(), 1);
}

// No Origin: not CORS; only Vary: Origin is added, because the response depends on it.
#[actix_web::test]
async fn request_without_origin_gets_only_vary() {
    let (app, calls) = TestApp::items(api_policy()).await;
    let response = test::call_service(&app, TestRequest::get().uri("/items").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_cors_headers(&response);
    assert_eq!(vary_lines(&response), ["Origin"]);
    assert_eq!(calls.count(), 1);
}

// `*` without credentials: the same answer for everyone, so no Vary: Origin anywhere.
#[actix_web::test]
async fn any_origin_answers_wildcard_without_vary() {
    let (app, _) = TestApp::items(Policy::builder().allow_any_origin()).await;
    let request = cross_origin(Method::GET, "/items", "https://anyone.example").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(header_value(&response, "access-control-allow-origin").as_deref(), Some("*"));
    assert_eq!(header_value(&response, "access-control-allow-credentials"), None);
    assert!(vary_lines(&response).is_empty());
    let response = test::call_service(&app, TestRequest::get().uri("/items").to_request()).await;
    assert!(vary_lines(&response).is_empty());
}

// RFC 9110 §12.5.5: Vary set by the handler is kept, and Origin is never listed twice.
#[actix_web::test]
async fn vary_is_merged_with_the_handlers() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(api_policy().build().unwrap()))
            .route(
                "/encoded",
                web::get()
                    .to(|| async { HttpResponse::Ok().insert_header(("vary", "Accept-Encoding")).finish() }),
            )
            .route(
                "/already",
                web::get().to(|| async {
                    HttpResponse::Ok().insert_header(("vary", "accept-encoding, origin")).finish()
                }),
            ),
    )
    .await;
    let request = cross_origin(Method::GET, "/encoded", "https://app.example").to_request();
    assert_eq!(vary_lines(&test::call_service(&app, request).await), ["Accept-Encoding", "Origin"]);
    let request = cross_origin(Method::GET, "/already", "https://app.example").to_request();
    assert_eq!(vary_lines(&test::call_service(&app, request).await), ["accept-encoding, origin"]);
}

// CORS headers a handler sets itself are replaced when allowed and removed when refused.
#[actix_web::test]
async fn handler_cors_headers_are_replaced_never_duplicated() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(Policy::builder().allow_origin("https://app.example").build().unwrap()))
            .route(
                "/",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("access-control-allow-origin", "*"))
                        .insert_header(("access-control-allow-credentials", "true"))
                        .insert_header(("access-control-expose-headers", "x-secret"))
                        .finish()
                }),
            ),
    )
    .await;
    let request = cross_origin(Method::GET, "/", "https://app.example").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(
        header_value(&response, "access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    assert_eq!(header_value(&response, "access-control-allow-credentials"), None);
    assert_eq!(header_value(&response, "access-control-expose-headers"), None);

    let request = cross_origin(Method::GET, "/", "https://evil.example").to_request();
    assert_no_cors_headers(&test::call_service(&app, request).await);
}

#[actix_web::test]
async fn malformed_origins_are_never_reflected() {
    let (app, _) = TestApp::items(api_policy()).await;
    let huge = format!("https://{}.app.example", "a".repeat(60_000));
    let values: Vec<actix_web::http::header::HeaderValue> = [
        "https://app.example/",
        "https://APP.example",
        "https://app.example.",
        "https://app.example@evil.example",
        "https://app.example%60.evil.example",
        "app.example",
        "",
        "null",
        huge.as_str(),
    ]
    .iter()
    .map(|v| actix_web::http::header::HeaderValue::from_str(v).unwrap())
    .chain([actix_web::http::header::HeaderValue::from_bytes(b"https://\xe2\x98\x83.app.example").unwrap()])
    .collect();
    for value in values {
        // An actual request and a preflight, each with `value` in place of its `Origin`.
        for request in [cross_origin(Method::GET, "/items", "null"), preflight("/items", "null", "PUT")] {
            let request = request.insert_header(("origin", value.clone()));
            let response = test::call_service(&app, request.to_request()).await;
            assert!(!response.status().is_server_error());
            assert_no_cors_headers(&response);
        }
    }
    let request = cross_origin(Method::GET, "/items", "https://app.example")
        .append_header(("origin", "https://evil.example"))
        .to_request();
    assert_no_cors_headers(&test::call_service(&app, request).await);
}
