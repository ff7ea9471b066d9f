//! Layers inside layers, decided after routing: a `#[cors]` route's layer or a `Cors` on a
//! scope inside an app-wide `Cors` governs what it wraps, the layers around it leave its
//! answer alone, and errors are decorated once. Each test builds the app as a user would,
//! counts handler runs, and asserts exact statuses and headers.

use actix_web::{
    dev::Service,
    http::{header, Method, StatusCode},
    middleware::from_fn,
    test, web, App, HttpResponse,
};
use cors_actix::{
    cors, policy,
    test::{cross_origin as actual, preflight_with_headers},
    Cors,
};
use cors_actix_tests::{
    allow_origin_values as acao, counted, header_values as all, require_auth, Calls, TestApp,
};

const APP_ORIGIN: &str = "https://app.example";
const PARTNER_ORIGIN: &str = "https://partner.example";

fn app_policy() -> Cors {
    Cors::new(policy! { origins = ["https://app.example"], credentials = true })
}

fn json_content_type(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head().headers().get(header::CONTENT_TYPE).is_some_and(|value| value == "application/json")
}

#[cors(origins = ["https://partner.example"], headers = ["content-type"])]
#[actix_web::post("/orders", guard = "json_content_type")]
async fn create_order(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Created().finish()
}

/// A route's own guard judges the actual request, not its preflight: a preflight carries
/// none of the actual request's headers. With and without an app-wide layer.
#[actix_web::test]
async fn a_route_guard_does_not_block_its_preflight() {
    for app_wide in [false, true] {
        let (app, calls) = TestApp::init(
            App::new()
                .wrap(actix_web::middleware::Condition::new(app_wide, app_policy()))
                .service(create_order),
        )
        .await;
        let request =
            preflight_with_headers("/orders", PARTNER_ORIGIN, "POST", &["content-type"]).to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "app-wide: {app_wide}");
        assert_eq!(acao(&response), [PARTNER_ORIGIN], "app-wide: {app_wide}");
        assert_eq!(all(&response, "access-control-allow-headers"), ["content-type"]);

        let response =
            test::call_service(&app, actual(Method::POST, "/orders", PARTNER_ORIGIN).to_request()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "the guard still refuses the actual request");
        let request = actual(Method::POST, "/orders", PARTNER_ORIGIN)
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(acao(&response), [PARTNER_ORIGIN]);
        assert_eq!(calls.count(), 1, "app-wide: {app_wide}");
    }
}

/// A `Cors` on a scope inside an app-wide `Cors`: the scope's policy governs the actual
/// requests of its resources, and the outer layer leaves its headers alone (no second
/// `Access-Control-Allow-Origin`, no second `Vary`). Outside the scope the app policy holds.
#[actix_web::test]
async fn a_scope_cors_governs_its_resources_inside_an_app_cors() {
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(app_policy())
            .service(
                web::scope("/public")
                    .wrap(Cors::new(policy! { origins = "*" }))
                    .route("/feed", web::get().to(counted)),
            )
            .route("/private", web::get().to(counted)),
    )
    .await;
    let response =
        test::call_service(&app, actual(Method::GET, "/public/feed", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(acao(&response), ["*"]);
    assert!(all(&response, "access-control-allow-credentials").is_empty(), "the app's credentials stay out");
    assert!(all(&response, "vary").is_empty(), "a `*` answer does not vary; the app's Vary stays out");

    let response =
        test::call_service(&app, actual(Method::GET, "/public/feed", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), ["*"], "the scope's policy, not the app's, for the app's own origin too");

    let response =
        test::call_service(&app, actual(Method::GET, "/private", PARTNER_ORIGIN).to_request()).await;
    assert!(acao(&response).is_empty());
    assert_eq!(all(&response, "vary"), ["Origin"]);
    let response = test::call_service(&app, actual(Method::GET, "/private", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), [APP_ORIGIN]);
    assert_eq!(all(&response, "access-control-allow-credentials"), ["true"]);
    assert_eq!(calls.count(), 4);
}

#[cors(origins = ["https://partner.example"], credentials = true)]
#[actix_web::get("/reports/{id}")]
async fn report(calls: web::Data<Calls>) -> Result<HttpResponse, actix_web::Error> {
    calls.hit();
    Err(actix_web::error::ErrorNotFound("no such report"))
}

/// Errors keep their type through every layer, and their response is decorated once, by the
/// innermost layer it passes through: a `#[cors]` route's error by the route's policy, an
/// authentication middleware's error (before routing) by the app-wide layer's.
#[actix_web::test]
async fn errors_keep_their_type_and_are_decorated_once() {
    let calls = Calls::default();
    let app = TestApp::init_counting(
        App::new().wrap(app_policy()).service(
            web::scope("/api")
                .wrap(Cors::new(policy! { origins = ["https://scope.example"] }))
                .service(report),
        ),
        &calls,
    )
    .await;
    // actix renders a handler's error into the route's response; the error stays attached.
    let response =
        test::call_service(&app, actual(Method::GET, "/api/reports/1", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let error = response.response().error().expect("the handler's error is attached");
    assert!(
        error.as_error::<actix_web::error::InternalError<&str>>().is_some(),
        "the handler's own error type"
    );
    assert_eq!(acao(&response), [PARTNER_ORIGIN], "the route's policy, once; not the scope's nor the app's");
    assert_eq!(all(&response, "access-control-allow-credentials"), ["true"]);
    assert_eq!(all(&response, "vary"), ["Origin"]);
    assert_eq!(calls.count(), 1);

    let app = TestApp::init_counting(
        App::new().wrap(from_fn(require_auth)).wrap(app_policy()).service(report),
        &calls,
    )
    .await;
    // Before routing, no route layer saw the request: the app-wide layer decorates the
    // authentication layer's error with its own policy.
    for (origin, allowed) in [(PARTNER_ORIGIN, None), (APP_ORIGIN, Some(APP_ORIGIN))] {
        let error = app
            .call(actual(Method::GET, "/reports/1", origin).to_request())
            .await
            .expect_err("the authentication middleware's error");
        assert!(error.as_error::<actix_web::error::InternalError<&str>>().is_some());
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let acao: Vec<_> = response.headers().get_all("access-control-allow-origin").collect();
        assert_eq!(acao, allowed.into_iter().collect::<Vec<_>>(), "{origin}");
    }
    assert_eq!(calls.count(), 1, "the handler did not run");
}

#[cors(origins = ["https://partner.example"], on_mismatch = "reject")]
#[actix_web::post("/admin/purge")]
async fn purge(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("purged")
}

/// A `#[cors]` route in `reject` mode refuses an origin the app-wide policy allows: its `403`
/// carries no CORS header (the page cannot read it), the handler does not run, and the
/// app-wide layer leaves the route's answer alone.
#[actix_web::test]
async fn a_routes_refusal_is_not_decorated_by_the_app_policy() {
    let (app, calls) = TestApp::init(App::new().wrap(app_policy()).service(purge)).await;
    let response =
        test::call_service(&app, actual(Method::POST, "/admin/purge", APP_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(acao(&response).is_empty(), "the route's refusal, not readable by the app's origin");
    assert!(all(&response, "access-control-allow-credentials").is_empty());
    assert_eq!(all(&response, "vary"), ["Origin"]);
    let response =
        test::call_service(&app, actual(Method::POST, "/admin/purge", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    assert_eq!(calls.count(), 1);
}
