//! The policy presets, judged as a browser judges their answers.

use actix_web::http::{Method, StatusCode};

use super::*;

// The development preset: a page of a dev server on this machine (any loopback origin, any
// port) may send any method and headers with credentials, judged as a browser judges the
// answers; any other site gets nothing.
#[actix_web::test]
async fn the_local_development_preset_allows_this_machine_only() {
    use cors_actix::test::{cors_check, preflight_check};
    // Any header, `Authorization` included (answered by mirroring).
    let policy = cors_actix::PolicyBuilder::local_development().build().unwrap();
    let (app, calls) = TestApp::items(policy).await;
    for origin in [
        "http://localhost:5173",
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
        "https://localhost:8443",
        "http://localhost",
    ] {
        let request =
            preflight_with_headers("/items", origin, "PATCH", &["content-type", "authorization", "x-trace"])
                .to_request();
        let response = test::call_service(&app, request).await;
        let headers = ["content-type", "authorization", "x-trace"];
        assert_eq!(
            preflight_check(response.status().as_u16(), response.headers(), origin, "PATCH", &headers, true),
            Ok(()),
            "{origin}"
        );
        let request = cross_origin(Method::GET, "/items", origin).to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(cors_check(response.headers(), origin, true), Ok(()), "{origin}");
    }
    for origin in
        ["https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.evil.example:80", "null"]
    {
        let response = test::call_service(&app, preflight("/items", origin, "PATCH").to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
        let request = cross_origin(Method::GET, "/items", origin).to_request();
        let response = test::call_service(&app, request).await;
        assert!(cors_check(response.headers(), origin, true).is_err(), "{origin}");
    }
    assert_eq!(calls.count(), 9, "actual requests ran, preflights did not");
}
