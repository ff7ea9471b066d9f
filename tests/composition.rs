//! Which policy governs a request when an app-wide `Cors` meets `#[cors]` routes and
//! `Cors` layers on scopes. Each test builds the app as a user would, counts handler runs,
//! and asserts exact statuses and headers.

use actix_web::{
    dev::{Service, ServiceResponse},
    http::{header, Method, StatusCode},
    middleware::from_fn,
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use cors_actix::{cors, policy, Cors};
use cors_actix_tests::{counted, require_auth, Calls};

const APP_ORIGIN: &str = "https://app.example";
const PARTNER_ORIGIN: &str = "https://partner.example";

fn app_policy() -> Cors {
    Cors::new(policy! { origins = ["https://app.example"], credentials = true })
}

fn preflight(uri: &str, origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri(uri)
        .insert_header((header::ORIGIN, origin.to_owned()))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method.to_owned()))
}

fn actual(method: Method, uri: &str, origin: &str) -> TestRequest {
    TestRequest::default().method(method).uri(uri).insert_header((header::ORIGIN, origin.to_owned()))
}

fn all(response: &ServiceResponse<impl actix_web::body::MessageBody>, name: &str) -> Vec<String> {
    response.headers().get_all(name).map(|value| value.to_str().unwrap().to_owned()).collect()
}

fn acao(response: &ServiceResponse<impl actix_web::body::MessageBody>) -> Vec<String> {
    all(response, "access-control-allow-origin")
}

/// Same-named handlers in different modules: actix names a resource after its handler, so
/// the two resources share a name. The plain one keeps the app policy, for its preflights
/// and its actual requests; the `#[cors]` one has its own.
mod plain {
    use super::*;

    #[actix_web::get("/things/admin")]
    pub(super) async fn thing(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("plain")
    }
}

mod with_cors {
    use super::*;

    #[cors(origins = ["https://partner.example"], credentials = true)]
    #[actix_web::get("/things/{id}")]
    pub(super) async fn thing(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("cors")
    }
}

#[actix_web::test]
async fn same_named_handlers_keep_their_own_policies() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(app_policy())
            .service(plain::thing)
            .service(with_cors::thing),
    )
    .await;

    let response =
        test::call_service(&app, preflight("/things/admin", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the plain route's preflight is the app's");
    assert!(acao(&response).is_empty());
    let response =
        test::call_service(&app, actual(Method::GET, "/things/admin", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(acao(&response).is_empty(), "no credentialed read of the plain route for the partner");
    assert!(all(&response, "access-control-allow-credentials").is_empty());
    let response =
        test::call_service(&app, actual(Method::GET, "/things/admin", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), [APP_ORIGIN]);

    let response = test::call_service(&app, preflight("/things/7", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response =
        test::call_service(&app, actual(Method::GET, "/things/7", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    assert_eq!(all(&response, "access-control-allow-credentials"), ["true"]);
    assert_eq!(calls.count(), 3, "preflights ran no handler");
}

#[cors(origins = ["https://partner.example"])]
#[actix_web::get("/doc")]
async fn read_doc(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("read")
}

#[cors(origins = ["https://editor.example"], methods = ["PUT", "DELETE"])]
#[actix_web::route("/doc", method = "PUT", method = "DELETE")]
async fn write_doc(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("written")
}

/// One route with several methods beside another route on the same path: each method's
/// preflight is answered from the policy of the route that handles the method.
#[actix_web::test]
async fn every_method_of_a_multi_method_route_finds_its_policy() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(app_policy())
            .service(read_doc)
            .service(write_doc),
    )
    .await;
    for method in ["PUT", "DELETE"] {
        let response =
            test::call_service(&app, preflight("/doc", "https://editor.example", method).to_request()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{method}");
        assert_eq!(acao(&response), ["https://editor.example"], "{method}");
        assert_eq!(all(&response, "access-control-allow-methods"), ["PUT, DELETE"], "{method}");
        let response = test::call_service(&app, preflight("/doc", APP_ORIGIN, method).to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method}: not the app policy");
    }
    let response = test::call_service(&app, preflight("/doc", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response =
        test::call_service(&app, actual(Method::DELETE, "/doc", "https://editor.example").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(acao(&response), ["https://editor.example"]);
    assert_eq!(calls.count(), 1);
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
        let calls = Calls::default();
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(calls.clone()))
                .wrap(actix_web::middleware::Condition::new(app_wide, app_policy()))
                .service(create_order),
        )
        .await;
        let request = preflight("/orders", PARTNER_ORIGIN, "POST")
            .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type"))
            .to_request();
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
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
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
/// innermost layer: a `#[cors]` route's error by the route's policy, an authentication
/// middleware's error (before routing) as the route it was for would.
#[actix_web::test]
async fn errors_keep_their_type_and_are_decorated_once() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new().app_data(web::Data::new(calls.clone())).wrap(app_policy()).service(
            web::scope("/api")
                .wrap(Cors::new(policy! { origins = ["https://scope.example"] }))
                .service(report),
        ),
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

    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(from_fn(require_auth))
            .wrap(app_policy())
            .service(report),
    )
    .await;
    let error = app
        .call(actual(Method::GET, "/reports/1", PARTNER_ORIGIN).to_request())
        .await
        .expect_err("the authentication middleware's error");
    assert!(error.as_error::<actix_web::error::InternalError<&str>>().is_some());
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers().get_all("access-control-allow-origin").collect::<Vec<_>>(),
        [PARTNER_ORIGIN],
        "the page of the route's origin reads the real 401"
    );
    assert_eq!(calls.count(), 1, "the handler did not run");
}
