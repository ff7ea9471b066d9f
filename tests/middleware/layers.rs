//! The middleware among other services: errors of inner services, an authentication layer, and
//! `Cors` on a scope or a resource.

use actix_web::{
    http::{Method, StatusCode},
    middleware::from_fn,
    HttpResponse,
};
use cors_actix_tests::require_auth;

use super::*;

// Errors must reach the page as themselves (404, 500, 400), not as a CORS failure.
#[actix_web::test]
async fn error_responses_of_inner_services_are_decorated() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(api_policy().build().unwrap()))
            .route(
                "/fail",
                web::get().to(|| async {
                    Err::<HttpResponse, _>(actix_web::error::ErrorInternalServerError("boom"))
                }),
            )
            .route("/number/{n}", web::get().to(|n: web::Path<u32>| async move { n.to_string() }))
            .service(
                web::resource("/json")
                    .route(web::post().to(|n: web::Json<u32>| async move { n.to_string() })),
            ),
    )
    .await;
    for (method, uri, status) in [
        (Method::GET, "/missing", StatusCode::NOT_FOUND),
        (Method::GET, "/fail", StatusCode::INTERNAL_SERVER_ERROR),
        (Method::GET, "/number/x", StatusCode::NOT_FOUND),
        (Method::POST, "/json", StatusCode::BAD_REQUEST),
        (Method::DELETE, "/json", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let request = TestRequest::default()
            .method(method)
            .uri(uri)
            .insert_header(("origin", "https://app.example"))
            .insert_header(("content-type", "application/json"))
            .set_payload("not json")
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), status, "{uri}");
        assert_eq!(
            header_value(&response, "access-control-allow-origin").as_deref(),
            Some("https://app.example"),
            "{uri}"
        );
        assert_eq!(vary_lines(&response), ["Origin"], "{uri}");
    }
}

// A preflight carries no credentials, so authentication must not see it: with Cors outside the
// auth layer, preflights
// are answered, and the auth layer's 401 (an Err) still reaches the page with CORS headers.
#[actix_web::test]
async fn auth_middleware_inside_cors() {
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(from_fn(require_auth))
            .wrap(Cors::new(api_policy().allow_header("authorization").build().unwrap()))
            .route("/items", web::to(counted)),
    )
    .await;
    let request =
        preflight_with_headers("/items", "https://app.example", "PUT", &["authorization"]).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let request = cross_origin(Method::GET, "/items", "https://app.example").to_request();
    let error = app.call(request).await.expect_err("the auth layer returns Err");
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error.to_string(), "no credentials");
    assert!(
        error.as_error::<actix_web::error::InternalError<&str>>().is_some(),
        "the auth layer's own error, not a wrapper: code outside Cors can still downcast it"
    );
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://app.example");
    assert_eq!(response.headers().get("access-control-allow-credentials").unwrap(), "true");
    assert_eq!(response.headers().get("vary").unwrap(), "Origin");
    assert_eq!(calls.count(), 0);
}

// `Cors` on a Scope and on a Resource, beside routes that have none.
#[actix_web::test]
async fn cors_on_a_scope_and_a_resource() {
    let open = || Policy::builder().allow_any_origin().build().unwrap();
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/public").wrap(Cors::new(open())).route("/a", web::get().to(HttpResponse::Ok)),
            )
            .service(
                web::resource("/private")
                    .wrap(Cors::new(Policy::builder().allow_origin("https://app.example").build().unwrap()))
                    .route(web::get().to(HttpResponse::Ok)),
            )
            .route("/plain", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let get = |uri: &str| cross_origin(Method::GET, uri, "https://app.example").to_request();
    assert_eq!(
        header_value(&test::call_service(&app, get("/public/a")).await, "access-control-allow-origin")
            .as_deref(),
        Some("*")
    );
    assert_eq!(
        header_value(&test::call_service(&app, get("/private")).await, "access-control-allow-origin")
            .as_deref(),
        Some("https://app.example")
    );
    assert_no_cors_headers(&test::call_service(&app, get("/plain")).await);
}
