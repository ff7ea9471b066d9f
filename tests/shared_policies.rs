//! A policy defined once with `policy! { static NAME = { ... } }` and named by routes with
//! `#[cors(policy = NAME)]`: each route gets it with its own methods, `routes()` lists them,
//! and the same policy serves an app-wide layer.

use actix_web::{
    http::{Method, StatusCode},
    test, web, App, HttpResponse,
};
use cors_actix::{
    cors, policy,
    test::{cross_origin as actual, preflight, preflight_with_headers},
    Cors,
};
use cors_actix_tests::{header_values, Calls, TestApp};

policy! {
    /// What partners' pages may do: no `methods`, so each route's own.
    static PARTNERS = { origins = ["https://partner.example"], headers = "content-type", credentials = true };
}

policy! {
    static READ_ONLY = { origins = "*", methods = ["GET"] };
}

#[cors(policy = PARTNERS)]
#[actix_web::get("/reports")]
async fn reports(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("reports")
}

#[cors(policy = PARTNERS)]
#[actix_web::route("/reports/{id}", method = "PUT", method = "DELETE")]
async fn change_report(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("changed")
}

#[cors(policy = READ_ONLY)]
#[actix_web::get("/catalog")]
async fn catalog(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("catalog")
}

#[actix_web::test]
async fn routes_share_a_policy_with_their_own_methods() {
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(Cors::new(policy! { origins = ["https://app.example"] }))
            .service(reports)
            .service(change_report)
            .service(catalog),
    )
    .await;
    for method in ["PUT", "DELETE"] {
        let request =
            preflight_with_headers("/reports/7", "https://partner.example", method, &["content-type"])
                .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{method}");
        assert_eq!(header_values(&response, "access-control-allow-methods"), ["PUT, DELETE"]);
        assert_eq!(header_values(&response, "access-control-allow-credentials"), ["true"]);
    }
    let response =
        test::call_service(&app, actual(Method::GET, "/reports", "https://partner.example").to_request())
            .await;
    assert_eq!(header_values(&response, "access-control-allow-origin"), ["https://partner.example"]);
    let response =
        test::call_service(&app, preflight("/reports/7", "https://app.example", "PUT").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the shared policy, not the app's");

    let response =
        test::call_service(&app, actual(Method::GET, "/catalog", "https://any.example").to_request()).await;
    assert_eq!(header_values(&response, "access-control-allow-origin"), ["*"]);
    assert_eq!(calls.count(), 2);

    let listed: Vec<_> = cors_actix::routes()
        .into_iter()
        .filter(|route| {
            route.handler().ends_with("::reports") || route.handler().ends_with("::change_report")
        })
        .collect();
    assert_eq!(listed.len(), 2, "both routes are in the table");
    for route in listed {
        assert!(route.policy().allows_credentials(), "{}", route.handler());
        assert_eq!(route.policy().allowed_headers(), ["content-type"]);
    }
}

#[actix_web::test]
async fn a_shared_policy_serves_an_app_wide_layer() {
    let policy = PARTNERS.policy();
    assert_eq!(
        policy.allowed_methods().iter().map(Method::as_str).collect::<Vec<_>>(),
        ["GET", "HEAD", "POST"]
    );
    let app =
        test::init_service(App::new().wrap(Cors::new(policy)).route("/x", web::get().to(HttpResponse::Ok)))
            .await;
    let response =
        test::call_service(&app, actual(Method::GET, "/x", "https://partner.example").to_request()).await;
    assert_eq!(header_values(&response, "access-control-allow-origin"), ["https://partner.example"]);
}
