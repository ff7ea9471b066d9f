//! What a layer reports of its refusals, through real apps: `Cors::on_refusal` counts every
//! refusal once, by rule, whoever answers it (the layer, a `#[cors]` route inside, the handler,
//! an inner middleware's error); the allowed request with credentials a page cannot read is
//! one of them, explained with `explain_refusals`; and the `refusal_metrics` example's app
//! serves the counts at `/metrics` in the Prometheus text format.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{Method, StatusCode},
    middleware::from_fn,
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use cors_actix::test::{cross_origin as actual, preflight};
use cors_actix::{cors, Cors, Explanation, Policy, Verdict};
use cors_actix_tests::{counted, require_auth, Calls};

/// The example's app, built here in process as its `main` builds it for the server.
#[allow(dead_code)] // `main`, which serves the app, is the example's; this test builds the app only.
#[path = "../examples/refusal_metrics.rs"]
mod refusal_metrics;

/// What the hook saw: each refusal's rule and verdict, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, Verdict)>>>);

impl Seen {
    fn hook(&self) -> impl Fn(&Explanation) + Send + Sync + 'static {
        let seen = self.clone();
        move |explanation| {
            let rule = explanation.rule.map_or("none", |rule| rule.as_str()).to_owned();
            seen.0.lock().unwrap().push((rule, explanation.verdict));
        }
    }

    fn rules(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().map(|(rule, _)| rule.clone()).collect()
    }

    fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for rule in self.rules() {
            *counts.entry(rule).or_default() += 1;
        }
        counts
    }
}

fn explanation_of(response: &ServiceResponse<impl MessageBody>) -> Option<String> {
    response.headers().get(Explanation::HEADER).map(|value| value.to_str().unwrap().to_owned())
}

fn api_policy() -> Policy {
    Policy::builder()
        .allow_origin("https://app.example")
        .allow_methods(["GET", "POST", "PUT"])
        .allow_header("content-type")
        .cross_origin_protection(true)
        .build()
        .unwrap()
}

#[actix_web::test]
async fn every_refusal_is_counted_once_by_its_rule_and_allowed_requests_never() {
    let seen = Seen::default();
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(Cors::new(api_policy()).on_refusal(seen.hook()))
            .route("/items", web::to(counted)),
    )
    .await;
    let refused = [
        (actual(Method::GET, "/items", "https://evil.example"), StatusCode::OK),
        (preflight("/items", "https://app.example", "DELETE"), StatusCode::FORBIDDEN),
        (preflight("/items", "https://evil.example", "PUT"), StatusCode::FORBIDDEN),
        (
            preflight("/items", "https://app.example", "PUT")
                .insert_header(("access-control-request-headers", "x-secret")),
            StatusCode::FORBIDDEN,
        ),
        (
            actual(Method::GET, "/items", "https://app.example").insert_header(("cookie", "id=1")),
            StatusCode::OK,
        ),
        (
            actual(Method::POST, "/items", "https://evil.example")
                .insert_header(("sec-fetch-site", "cross-site")),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (request, status) in refused {
        assert_eq!(test::call_service(&app, request.to_request()).await.status(), status);
    }
    let allowed = [
        actual(Method::GET, "/items", "https://app.example"),
        preflight("/items", "https://app.example", "PUT"),
        TestRequest::get().uri("/items").insert_header(("cookie", "id=1")),
        TestRequest::get().uri("/items"),
    ];
    for request in allowed {
        assert!(test::call_service(&app, request.to_request()).await.status().is_success());
    }
    assert_eq!(
        seen.counts(),
        BTreeMap::from([
            ("credentials".to_owned(), 1),
            ("cross_origin_request".to_owned(), 1),
            ("headers".to_owned(), 1),
            ("method".to_owned(), 1),
            ("origin".to_owned(), 2),
        ])
    );
    let verdicts: Vec<Verdict> = seen.0.lock().unwrap().iter().map(|(_, verdict)| *verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Unreadable,
            Verdict::Forbidden,
            Verdict::Forbidden,
            Verdict::Forbidden,
            Verdict::Unreadable,
            Verdict::Forbidden
        ]
    );
}

#[cors(origins = ["https://partner.example"], methods = ["GET"])]
#[actix_web::get("/partner/orders")]
async fn partner_orders(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().finish()
}

/// The hook of an app-wide layer hears of the refusals of a `#[cors]` route inside it, decided
/// by the route's policy, and of no refusal the route's policy overrules.
#[actix_web::test]
async fn a_layers_hook_hears_the_refusals_of_the_routes_inside_it_and_only_theirs() {
    let seen = Seen::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(Cors::new(api_policy()).on_refusal(seen.hook()))
            .service(partner_orders)
            .route("/items", web::to(counted)),
    )
    .await;
    // The app's policy would refuse the partner; the route's allows it: no refusal.
    let request = actual(Method::GET, "/partner/orders", "https://partner.example").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), StatusCode::OK);
    let request = preflight("/partner/orders", "https://partner.example", "GET").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(seen.rules(), Vec::<String>::new());
    // The app's policy would allow its own origin; the route's refuses it.
    let request = actual(Method::GET, "/partner/orders", "https://app.example").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), StatusCode::OK);
    let request = preflight("/partner/orders", "https://partner.example", "GET")
        .insert_header(("access-control-request-headers", "x-secret"))
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(seen.rules(), ["origin", "headers"]);
}

/// A refused request whose inner middleware answers with an error is reported once, however
/// often actix makes the error's response.
#[actix_web::test]
async fn a_refusal_answered_by_an_inner_error_is_reported_once() {
    let seen = Seen::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(from_fn(require_auth))
            .wrap(Cors::new(api_policy()).on_refusal(seen.hook()).explain_refusals())
            .route("/items", web::to(counted)),
    )
    .await;
    let request = actual(Method::GET, "/items", "https://evil.example").to_request();
    let error = match test::try_call_service(&app, request).await {
        Err(error) => error,
        Ok(response) => panic!("expected the middleware's error, got {}", response.status()),
    };
    for _ in 0..2 {
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let explanation = response.headers().get(Explanation::HEADER).expect("explained each time");
        assert!(explanation.to_str().unwrap().contains("refused by the origin rule"), "{explanation:?}");
    }
    assert_eq!(seen.rules(), ["origin"]);
}

/// The most asked-about mismatch, in development: a request with a cookie under a policy
/// without credentials is explained, with the headers that allow it all the same.
#[actix_web::test]
async fn an_allowed_request_with_credentials_a_page_cannot_read_is_explained() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(Cors::new(api_policy()).explain_refusals())
            .route("/items", web::to(counted)),
    )
    .await;
    for (cookie, explained) in [(None, false), (Some("id=1"), true)] {
        let mut request = actual(Method::GET, "/items", "https://app.example");
        if let Some(cookie) = cookie {
            request = request.insert_header(("cookie", cookie));
        }
        let request = request.to_request();
        let expected = api_policy().explain(request.head());
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://app.example");
        let explanation = explanation_of(&response);
        assert_eq!(explanation.is_some(), explained, "{explanation:?}");
        if explained {
            assert_eq!(expected.verdict, Verdict::Unreadable);
            assert_eq!(explanation.unwrap(), expected.to_string());
        }
    }
}

#[actix_web::test]
async fn the_metrics_example_counts_refusals_by_rule() {
    let app = test::init_service(refusal_metrics::app(refusal_metrics::Metrics::new())).await;
    let refused = [
        actual(Method::GET, "/api/items", "https://evil.example"),
        actual(Method::GET, "/api/items", "https://other.example"),
        preflight("/api/items", "https://app.example", "DELETE"),
        preflight("/api/items", "https://app.example", "PUT")
            .insert_header(("access-control-request-headers", "x-secret")),
        actual(Method::GET, "/api/items", "https://app.example").insert_header(("cookie", "session=1")),
    ];
    for request in refused {
        app.call(request.to_request()).await.unwrap();
    }
    let allowed = actual(Method::GET, "/api/items", "https://app.example").to_request();
    assert_eq!(test::call_service(&app, allowed).await.status(), StatusCode::OK);

    let response = test::call_service(&app, TestRequest::get().uri("/metrics").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get("content-type").unwrap(), "text/plain; version=0.0.4; charset=utf-8");
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    let mut samples: Vec<&str> = body.lines().filter(|line| !line.starts_with('#')).collect();
    samples.sort_unstable();
    assert_eq!(
        samples,
        [
            r#"cors_refusals_total{rule="credentials"} 1"#,
            r#"cors_refusals_total{rule="headers"} 1"#,
            r#"cors_refusals_total{rule="method"} 1"#,
            r#"cors_refusals_total{rule="origin"} 2"#,
        ],
        "{body}"
    );
    assert!(body.contains("# TYPE cors_refusals_total counter"), "{body}");
}
