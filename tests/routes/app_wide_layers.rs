//! Routes among app-wide layers: authentication on the route or the app, and an app-wide `Cors`
//! whose policy yields to the route's.

use super::*;

// A preflight carries no credentials, so authentication must not see it: a route's own auth
// wrap never sees its preflights,
// and the auth error still reaches the page with the route's CORS headers.
#[actix_web::test]
async fn route_level_auth_does_not_block_preflights() {
    let (app, calls) = TestApp::init(routes_app()).await;
    route_auth_answers_its_preflight_and_decorates_its_401(&app, &calls).await;
}

/// The `/guarded` route's own authentication never sees its preflight, which the route's
/// policy answers, and its `401` reaches the page with the route's CORS headers.
async fn route_auth_answers_its_preflight_and_decorates_its_401<S, B>(app: &S, calls: &Calls)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
    B::Error: Into<actix_web::Error>,
{
    let response = test::call_service(
        app,
        preflight_with_headers("/guarded", ROUTE_ORIGIN, "GET", &["authorization"]).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    let error =
        app.call(actual(Method::GET, "/guarded", ROUTE_ORIGIN).to_request()).await.expect_err("auth refuses");
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), ROUTE_ORIGIN);
    assert_eq!(calls.count(), 0);
}

// Composition: the route's policy wins for its route, headers are never doubled, and every other
// preflight is answered by the app policy without running any handler, including handlers
// registered without a method guard and the default service.
#[actix_web::test]
async fn app_wide_cors_composes_with_route_policies() {
    let (app, calls) = TestApp::init(routes_app().wrap(Cors::new(
        policy! { origins = ["https://app.example"], methods = ["GET", "PUT", "DELETE"], max_age = 60 },
    )))
    .await;

    let response = test::call_service(&app, actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN), "the route's origin");
    cors_test::assert_allowed_with_credentials(&response, ROUTE_ORIGIN);
    assert!(cors_test::header_exposed(response.headers(), "x-request-id", true));
    assert_eq!(single(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(single(&response, "vary").as_deref(), Some("Origin"));
    let response = test::call_service(&app, actual(Method::GET, "/items/3", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), None, "the app's origin is not the route's");
    cors_test::assert_refused(&response, APP_ORIGIN);

    let response = test::call_service(&app, preflight("/items/3", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(single(&response, "access-control-max-age").as_deref(), Some("600"), "the route's max-age");
    let response = test::call_service(&app, preflight("/items/3", APP_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let calls_before = calls.count();
    for uri in ["/plain", "/open", "/nowhere", "/items/3"] {
        for method in ["GET", "PUT", "DELETE"] {
            if uri == "/items/3" && method == "GET" {
                continue;
            }
            let response = test::call_service(&app, preflight(uri, APP_ORIGIN, method).to_request()).await;
            assert_eq!(response.status(), StatusCode::NO_CONTENT, "{method} {uri}");
            assert_eq!(acao(&response).as_deref(), Some(APP_ORIGIN), "{method} {uri}");
            assert_eq!(
                single(&response, "access-control-max-age").as_deref(),
                Some("60"),
                "the app's max-age"
            );
            cors_test::assert_preflight_allowed(&response, APP_ORIGIN, method, &[]);
        }
    }
    assert_eq!(calls.count(), calls_before, "no preflight ran a handler");

    let response = test::call_service(&app, actual(Method::GET, "/open", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(APP_ORIGIN));
    let response = test::call_service(&app, actual(Method::GET, "/nowhere", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(APP_ORIGIN), "the default service's response is decorated");
}

// An app-wide `reject` policy must not forbid what a route's policy allows.
#[actix_web::test]
async fn app_wide_reject_does_not_override_a_route() {
    let (app, calls) = TestApp::init(
        routes_app().wrap(Cors::new(policy! { origins = "https://app.example", on_mismatch = "reject" })),
    )
    .await;
    let response = test::call_service(&app, actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    let response = test::call_service(&app, actual(Method::GET, "/plain", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.count(), 1);
}

// A preflight carries no credentials, so authentication must not see it. With an auth
// middleware on the whole App, inside the app-wide Cors, the Cors answers every preflight
// before auth. An async middleware such as `from_fn`'s runs only when awaited, so the copy the
// Cors routes to find a route's policy never gets past it: the app's own policy answers the
// route's preflights (fail closed). Authentication put on the route itself (`wrap = ..`) keeps
// the route's preflights its own.
#[actix_web::test]
async fn app_wide_cors_outside_app_auth() {
    let (app, calls) =
        TestApp::init(routes_app().wrap(from_fn(require_auth)).wrap(app_cors_with_auth_header())).await;
    let response = test::call_service(
        &app,
        preflight_with_headers("/items/3", ROUTE_ORIGIN, "GET", &["content-type"]).to_request(),
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "the app's policy answers: the route is out of sight"
    );
    assert_eq!(acao(&response), None);
    let response = test::call_service(
        &app,
        preflight_with_headers("/items/3", APP_ORIGIN, "GET", &["authorization"]).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "answered before auth, by the app's policy");
    let response = test::call_service(
        &app,
        preflight_with_headers("/plain", APP_ORIGIN, "GET", &["authorization"]).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "app preflight answered before auth");

    // The authentication layer answers before routing, so no route layer saw the request: the
    // app-wide layer, the innermost one the answer passes through, decorates it with its own
    // policy, which does not list the route's origin.
    let error =
        app.call(actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await.expect_err("auth refuses");
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("access-control-allow-origin").is_none());
    assert_eq!(response.headers().get("vary").unwrap(), "Origin");

    let error =
        app.call(actual(Method::GET, "/plain", APP_ORIGIN).to_request()).await.expect_err("auth refuses");
    assert_eq!(error.error_response().headers().get("access-control-allow-origin").unwrap(), APP_ORIGIN);

    let response = test::call_service(
        &app,
        actual(Method::GET, "/items/3", ROUTE_ORIGIN)
            .insert_header(("authorization", "Bearer t"))
            .to_request(),
    )
    .await;
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    assert_eq!(calls.count(), 1);
}

// The same app-wide Cors, with authentication on the route instead (its `wrap`): the copy
// reaches the route, whose policy answers its preflight before the route's auth could see it.
#[actix_web::test]
async fn app_wide_cors_with_route_level_auth() {
    let (app, calls) = TestApp::init(routes_app().wrap(app_cors_with_auth_header())).await;
    route_auth_answers_its_preflight_and_decorates_its_401(&app, &calls).await;
}

/// The app-wide layer of the authentication tests: the app's own origin, `Authorization` allowed.
fn app_cors_with_auth_header() -> Cors {
    Cors::new(policy! { origins = ["https://app.example"], headers = ["authorization"] })
}
