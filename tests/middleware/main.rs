//! The `Cors` middleware through real actix-web apps (`test::init_service`): one behaviour per
//! test (preflights, actual requests, `Vary`, errors), with exact statuses and header values.

mod actual_requests;
mod explanations;
mod layers;
mod preflights;
mod presets;

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::header,
    test::{self, TestRequest},
    web, App,
};
use cors_actix::{
    test::{self as cors_test, cross_origin, preflight, preflight_with_headers},
    Cors, Policy, PolicyBuilder,
};
use cors_actix_tests::{counted, TestApp};

fn api_policy() -> PolicyBuilder {
    Policy::builder()
        .allow_origins(["https://app.example", "https://*.app.example"])
        .allow_methods(["GET", "PUT", "DELETE"])
        .allow_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(600)
}

fn header_value(response: &ServiceResponse<impl MessageBody>, name: &str) -> Option<String> {
    let mut values = response.headers().get_all(name);
    let first = values.next().map(|v| v.to_str().expect("ASCII header").to_owned());
    assert!(values.next().is_none(), "header {name} sent more than once");
    first
}

fn vary_lines(response: &ServiceResponse<impl MessageBody>) -> Vec<String> {
    response.headers().get_all(header::VARY).map(|v| v.to_str().unwrap().to_owned()).collect()
}

const CORS_HEADERS: [&str; 7] = [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
];

fn assert_no_cors_headers(response: &ServiceResponse<impl MessageBody>) {
    for name in CORS_HEADERS {
        assert!(
            !response.headers().contains_key(name),
            "unexpected {name}: {:?}",
            response.headers().get(name)
        );
    }
}
