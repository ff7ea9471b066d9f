//! `Cors::explain_refusals`, the development aid: a refusal carries the policy's explanation
//! in a response header, the `cors_actix::test` assertions quote it when they fail, and
//! nothing of it is sent without the opt-in or on an allowed request.

use actix_web::{
    http::{Method, StatusCode},
    test::{self, TestRequest},
    web, App,
};
use cors_actix::{test as cors_test, Cors, Explanation, Policy};
use cors_actix_tests::{Calls, TestApp};

use crate::api_policy;

fn explanation_of(
    response: &actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
) -> Option<String> {
    response.headers().get(Explanation::HEADER).map(|value| value.to_str().unwrap().to_owned())
}

#[actix_web::test]
async fn refusals_carry_the_policys_explanation_only_when_asked() {
    let policy = api_policy().build().unwrap();
    for explain in [false, true] {
        let cors =
            if explain { Cors::new(policy.clone()).explain_refusals() } else { Cors::new(policy.clone()) };
        let (app, _) = TestApp::items(cors).await;
        let cases = [
            cors_test::preflight("/items", "https://app.example", "PATCH"),
            cors_test::preflight("/items", "https://evil.example", "PUT"),
            cors_test::cross_origin(Method::GET, "/items", "https://evil.example"),
            cors_test::cross_origin(Method::GET, "/items", "null"),
        ];
        for request in cases {
            let request = request.to_request();
            let expected = policy.explain(request.head()).to_string();
            let response = test::call_service(&app, request).await;
            assert!(response.headers().get("access-control-allow-origin").is_none());
            assert_eq!(explanation_of(&response), explain.then_some(expected));
        }
        let allowed = cors_test::preflight("/items", "https://app.example", "PUT").to_request();
        let response = test::call_service(&app, allowed).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(explanation_of(&response), None, "an allowed preflight needs no explanation");
        let allowed = cors_test::cross_origin(Method::GET, "/items", "https://app.example").to_request();
        assert_eq!(explanation_of(&test::call_service(&app, allowed).await), None);
        let not_cors = TestRequest::get().uri("/items").to_request();
        assert_eq!(explanation_of(&test::call_service(&app, not_cors).await), None);
    }
}

#[actix_web::test]
async fn a_failed_assertion_quotes_the_explanation() {
    let policy = Policy::builder().allow_origin("https://app.example").allow_method("PUT").build().unwrap();
    let (app, _) = TestApp::items(Cors::new(policy).explain_refusals()).await;
    let request = cors_test::preflight_with_headers("/items", "https://app.example", "PUT", &["x-api-key"])
        .to_request();
    let response = test::call_service(&app, request).await;
    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        cors_test::assert_preflight_allowed(&response, "https://app.example", "PUT", &["x-api-key"]);
    }))
    .expect_err("the preflight was refused");
    let message = failure.downcast_ref::<String>().expect("a formatted panic message");
    assert!(
        message.ends_with(
            "the policy says: preflight for PUT /items from `https://app.example`: refused by the headers rule \
             (request header `x-api-key` not allowed); the browser will not send the PUT, and fetch() rejects"
        ),
        "{message}"
    );
}

#[cors_actix::cors(origins = ["https://partner.example"], methods = ["GET", "POST"], cross_origin_protection = true)]
#[actix_web::route("/partner/orders", method = "GET", method = "POST")]
async fn partner_orders(calls: web::Data<Calls>) -> actix_web::HttpResponse {
    calls.hit();
    actix_web::HttpResponse::Ok().finish()
}

fn refused_page(_: &actix_web::HttpRequest) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Forbidden().body("only from our own pages")
}

/// A `#[cors]` route inside a layer with development explanations and its own refusal page
/// answers its own refusals as the layer would.
#[actix_web::test]
async fn routes_inside_answer_their_refusals_as_the_layer_does() {
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(
                Cors::new(Policy::builder().allow_origin("https://app.example").build().unwrap())
                    .explain_refusals()
                    .on_cross_origin_refusal(refused_page),
            )
            .service(partner_orders),
    )
    .await;
    // Refused by the route's own policy, after routing: the app's origin is not the route's.
    let request = cors_test::cross_origin(Method::POST, "/partner/orders", "https://app.example")
        .insert_header(("sec-fetch-site", "cross-site"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let explanation = explanation_of(&response).expect("the route's refusal explains itself");
    assert!(explanation.contains("refused by the cross_origin_request rule"), "{explanation}");
    assert_eq!(test::read_body(response).await, "only from our own pages");
    assert_eq!(calls.count(), 0);
    // Refused by the route's origins after its handler ran (`omit`): explained too.
    let request = cors_test::cross_origin(Method::GET, "/partner/orders", "https://app.example").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let explanation = explanation_of(&response).expect("the route's refusal explains itself");
    assert!(
        explanation.starts_with("GET /partner/orders from `https://app.example`: refused by the origin rule"),
        "{explanation}"
    );
    assert_eq!(calls.count(), 1);
}
