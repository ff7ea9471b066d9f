//! A route's own policy, without an app-wide `Cors`: every route attribute, preflights routed
//! to the route (scopes, path parameters, two routes on one path), and the attribute's
//! arguments.

use super::*;

// Fetch "CORS-preflight fetch" for each route attribute: the preflight reaches the route's own
// policy (no app-wide Cors here), in nested scopes and with path parameters; no handler runs.
#[actix_web::test]
async fn each_route_attribute_answers_its_own_preflights() {
    let (app, calls) = TestApp::init(routes_app()).await;
    let cases = [
        ("/items/3", "GET", "GET"),
        ("/echo", "POST", "POST"),
        ("/api/v1/things/1", "PUT", "PUT"),
        ("/api/v1/things/1", "DELETE", "DELETE"),
        ("/api/v1/things/1", "PATCH", "PATCH"),
        ("/api/v1/things/1", "HEAD", "HEAD"),
        ("/api/v1/multi", "PURGE", "GET, POST, PURGE"),
    ];
    for (uri, method, allow_methods) in cases {
        let origin = if uri == "/echo" { "https://anyone.example" } else { ROUTE_ORIGIN };
        let response = test::call_service(&app, preflight(uri, origin, method).to_request()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{method} {uri}");
        assert_eq!(
            single(&response, "access-control-allow-methods").as_deref(),
            Some(allow_methods),
            "{uri}"
        );
        let expected_origin = if uri == "/echo" { "*" } else { ROUTE_ORIGIN };
        assert_eq!(acao(&response).as_deref(), Some(expected_origin), "{uri}");
    }
    let response = test::call_service(&app, preflight("/items/3", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(single(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(single(&response, "access-control-allow-headers").as_deref(), Some("content-type"));
    assert_eq!(single(&response, "access-control-max-age").as_deref(), Some("600"));
    assert_eq!(calls.count(), 0, "a preflight never runs a handler");
}

#[actix_web::test]
async fn route_policies_decorate_actual_requests_of_every_method() {
    let (app, calls) = TestApp::init(routes_app()).await;
    for (method, uri) in [
        (Method::GET, "/items/3"),
        (Method::PUT, "/api/v1/things/1"),
        (Method::DELETE, "/api/v1/things/1"),
        (Method::PATCH, "/api/v1/things/1"),
        (Method::HEAD, "/api/v1/things/1"),
        (Method::POST, "/api/v1/multi"),
        (Method::from_bytes(b"PURGE").unwrap(), "/api/v1/multi"),
    ] {
        let response = test::call_service(&app, actual(method.clone(), uri, ROUTE_ORIGIN).to_request()).await;
        assert!(response.status().is_success(), "{method} {uri}: {}", response.status());
        assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN), "{method} {uri}");
        assert_eq!(single(&response, "vary").as_deref(), Some("Origin"));
    }
    let response = test::call_service(&app, actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(single(&response, "access-control-expose-headers").as_deref(), Some("x-request-id"));
    assert_eq!(test::read_body(response).await, "item 3");
    assert_eq!(calls.count(), 8);
}

// on_mismatch = "reject": a disallowed origin gets 403 and the handler never runs.
#[actix_web::test]
async fn route_reject_mode_forbids_disallowed_origins() {
    let (app, calls) = TestApp::init(routes_app()).await;
    let response =
        test::call_service(&app, actual(Method::POST, "/api/v1/multi", "https://evil.example").to_request())
            .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(acao(&response), None);
    assert_eq!(calls.count(), 0);
}

// A preflight for a method the route does not handle is not the route's.
#[actix_web::test]
async fn preflight_for_another_method_is_not_routed_to_the_route() {
    let (app, calls) = TestApp::init(routes_app()).await;
    let response = test::call_service(&app, preflight("/items/3", ROUTE_ORIGIN, "DELETE").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK, "the default service answered it");
    assert_eq!(acao(&response), None);
    assert_eq!(calls.count(), 1, "without an app-wide Cors, the default service is what routing finds");
}

#[actix_web::test]
async fn two_routes_on_one_path_keep_their_own_policies() {
    let calls = Calls::default();
    for app_wide in [false, true] {
        let app = TestApp::init_counting(
            routes_app().wrap(Cors::new(if app_wide {
                policy! { origins = "https://app.example" }
            } else {
                policy! { origins = "https://unused.example" }
            })),
            &calls,
        )
        .await;
        let response =
            test::call_service(&app, preflight("/doc", "https://reader.example", "GET").to_request()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "app-wide: {app_wide}");
        assert_eq!(acao(&response).as_deref(), Some("https://reader.example"));
        let response = test::call_service(
            &app,
            preflight_with_headers("/doc", "https://writer.example", "PUT", &["content-type"]).to_request(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "app-wide: {app_wide}");
        assert_eq!(acao(&response).as_deref(), Some("https://writer.example"));
        assert_eq!(single(&response, "access-control-allow-methods").as_deref(), Some("PUT"));
        let response =
            test::call_service(&app, preflight("/doc", "https://reader.example", "PUT").to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "the reader may not PUT");
        let response =
            test::call_service(&app, actual(Method::PUT, "/doc", "https://writer.example").to_request())
                .await;
        assert_eq!(acao(&response).as_deref(), Some("https://writer.example"));
    }
    assert_eq!(calls.count(), 2, "only the two actual PUTs ran");
}

#[actix_web::test]
async fn route_attribute_arguments_are_kept() {
    let (app, _) = TestApp::init(routes_app()).await;
    let response = test::call_service(
        &app,
        actual(Method::GET, "/named/1", ROUTE_ORIGIN).insert_header(("x-api-key", "k")).to_request(),
    )
    .await;
    assert_eq!(single(&response, "x-wrapped").as_deref(), Some("yes"), "wrap kept");
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    assert_eq!(test::read_body(response).await, "/named/42", "name kept: url_for works");

    let response = test::call_service(&app, actual(Method::GET, "/named/1", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(
        test::read_body(response).await,
        "counted",
        "guard kept: without x-api-key the default service answers"
    );

    let response = test::call_service(&app, preflight("/named/1", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(single(&response, "x-wrapped"), None, "the route's CORS layer is outside its wraps");
}
