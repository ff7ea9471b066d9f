//! With the `tracing` feature, a refusal is one `tracing` event whose fields say why.

use std::{
    collections::BTreeMap,
    fmt,
    sync::{Arc, Mutex},
};

use actix_web::{test as actix_test, web, App, HttpResponse};
use tracing::{
    field::{Field, Visit},
    span, Event, Metadata, Subscriber,
};

use crate::{Cors, Policy};

/// An event's target and its fields, rendered.
type Recorded = (String, BTreeMap<String, String>);

/// Records every event's target and fields.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Recorded>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }

    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}

    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push((event.metadata().target().to_owned(), fields));
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}

#[test]
fn a_refused_preflight_is_one_event_with_its_reasons() {
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        actix_web::rt::System::new().block_on(async {
            let policy = Policy::builder()
                .allow_origin("https://app.example")
                .allow_methods(["GET", "PUT"])
                .allow_header("content-type")
                .build()
                .unwrap();
            let app = actix_test::init_service(
                App::new().wrap(Cors::new(policy)).route("/items", web::to(HttpResponse::Ok)),
            )
            .await;
            let request = actix_test::TestRequest::default()
                .method(actix_web::http::Method::OPTIONS)
                .uri("/items")
                .insert_header(("origin", "https://app.example"))
                .insert_header(("access-control-request-method", "PUT"))
                .insert_header(("access-control-request-headers", "content-type,x-secret"))
                .to_request();
            assert_eq!(actix_test::call_service(&app, request).await.status(), 403);
            let request = actix_test::TestRequest::default()
                .method(actix_web::http::Method::OPTIONS)
                .uri("/items")
                .insert_header(("origin", "https://app.example"))
                .insert_header(("access-control-request-method", "DELETE"))
                .to_request();
            assert_eq!(actix_test::call_service(&app, request).await.status(), 403);
            let request = actix_test::TestRequest::get()
                .uri("/items")
                .insert_header((
                    "origin",
                    actix_web::http::header::HeaderValue::from_bytes(b"https://b\xfccher.example").unwrap(),
                ))
                .to_request();
            assert_eq!(actix_test::call_service(&app, request).await.status(), 200);
        });
    });
    let events = recorder.0.lock().unwrap();
    let refusals: Vec<&BTreeMap<String, String>> =
        events.iter().filter(|(target, _)| target == "cors_actix").map(|(_, fields)| fields).collect();
    assert_eq!(refusals.len(), 3, "{events:#?}");

    let preflight = refusals[0];
    assert_eq!(preflight["preflight"], "true");
    assert_eq!(preflight["method"], "PUT", "the method asked for, not OPTIONS");
    assert_eq!(preflight["path"], "/items");
    assert_eq!(preflight["origin"], "https://app.example");
    assert_eq!(preflight["requested_headers"], "content-type,x-secret");
    assert_eq!(preflight["rule"], "headers");
    assert_eq!(preflight["forbidden"], "true");
    assert_eq!(preflight["status"], "403");
    assert_eq!(preflight["answered_by"], "cors", "the layer answered, not the handler");
    assert_eq!(preflight["refused_header"], "x-secret", "the header refused, of those requested");
    assert!(!preflight.contains_key("refused_method"), "{preflight:?}");
    assert!(!preflight.contains_key("route"), "a layer's own policy refused, not a route's: {preflight:?}");
    assert!(preflight["message"].contains("request header `x-secret` not allowed"), "{preflight:?}");
    assert!(preflight["message"].ends_with("fetch() rejects; answered 403 by cors-actix"), "{preflight:?}");

    let method = refusals[1];
    assert_eq!((method["rule"].as_str(), method["status"].as_str()), ("method", "403"));
    assert_eq!(method["refused_method"], "DELETE");
    assert!(!method.contains_key("refused_header"), "{method:?}");

    let actual = refusals[2];
    assert_eq!((actual["preflight"].as_str(), actual["rule"].as_str()), ("false", "origin"));
    assert_eq!(actual["origin"], "https://b\\xfccher.example", "escaped, never the raw bytes");
    assert!(actual["message"].contains("malformed Origin"), "explained: {actual:?}");
    assert_eq!(actual["forbidden"], "false");
    assert_eq!(
        (actual["status"].as_str(), actual["answered_by"].as_str()),
        ("200", "app"),
        "the handler ran: its status, once known"
    );
    assert!(actual["message"].ends_with("; the app answered 200"), "{actual:?}");
    assert!(!actual.contains_key("refused_method") && !actual.contains_key("refused_header"), "{actual:?}");
}

/// The most asked-about mismatch: a request with cookies under a policy without credentials.
/// The policy allows it, the browser keeps the response from the page; the log says so.
#[test]
fn an_allowed_request_with_credentials_the_policy_does_not_allow_is_one_event() {
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        actix_web::rt::System::new().block_on(async {
            let policy = Policy::builder().allow_origin("https://app.example").build().unwrap();
            let app = actix_test::init_service(
                App::new().wrap(Cors::new(policy)).route("/items", web::to(HttpResponse::Created)),
            )
            .await;
            for cookie in [None, Some("session=1")] {
                let mut request = actix_test::TestRequest::get()
                    .uri("/items")
                    .insert_header(("origin", "https://app.example"));
                if let Some(cookie) = cookie {
                    request = request.insert_header(("cookie", cookie));
                }
                let response = actix_test::call_service(&app, request.to_request()).await;
                assert_eq!(response.status(), 201);
                assert_eq!(
                    response.headers().get("access-control-allow-origin").unwrap(),
                    "https://app.example"
                );
            }
        });
    });
    let events = recorder.0.lock().unwrap();
    let refusals: Vec<&BTreeMap<String, String>> =
        events.iter().filter(|(target, _)| target == "cors_actix").map(|(_, fields)| fields).collect();
    assert_eq!(refusals.len(), 1, "only the request with a cookie: {events:#?}");
    let refusal = refusals[0];
    assert_eq!(refusal["rule"], "credentials");
    assert_eq!((refusal["forbidden"].as_str(), refusal["preflight"].as_str()), ("false", "false"));
    assert_eq!((refusal["status"].as_str(), refusal["answered_by"].as_str()), ("201", "app"));
    assert!(!refusal.contains_key("route"), "{refusal:?}");
    assert!(
        refusal["message"].contains(
            "the request carries cookies or HTTP authentication, and the policy does not allow credentials"
        ),
        "{refusal:?}"
    );
}

fn partner_policy() -> Arc<Policy> {
    Arc::new(Policy::builder().allow_origin("https://partner.example").build().unwrap())
}

static REPORT: crate::RouteCors =
    crate::RouteCors::new("my_app::reports::report", "report", "/reports", &["GET"], partner_policy);

#[test]
fn a_refusal_by_a_routes_policy_names_the_route() {
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        actix_web::rt::System::new().block_on(async {
            let app = actix_test::init_service(
                App::new().service(
                    web::resource("/reports")
                        .wrap(Cors::for_route(&REPORT))
                        .route(web::get().to(HttpResponse::Ok)),
                ),
            )
            .await;
            let request = actix_test::TestRequest::get()
                .uri("/reports")
                .insert_header(("origin", "https://evil.example"))
                .to_request();
            assert_eq!(actix_test::call_service(&app, request).await.status(), 200);
        });
    });
    let events = recorder.0.lock().unwrap();
    let refusal = events.iter().find(|(target, _)| target == "cors_actix").map(|(_, fields)| fields);
    let refusal = refusal.expect("one refusal event");
    assert_eq!(refusal["route"], "my_app::reports::report");
    assert_eq!((refusal["status"].as_str(), refusal["answered_by"].as_str()), ("200", "app"));
    assert!(
        refusal["message"].ends_with("; the app answered 200; policy of route my_app::reports::report"),
        "{refusal:?}"
    );
}

/// An app-wide layer that would refuse a request a `#[cors]` route inside allows does not
/// report a refusal: the route's policy governs, and it allowed the request.
#[test]
fn a_layer_reports_no_refusal_of_a_request_a_route_inside_governs() {
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        actix_web::rt::System::new().block_on(async {
            let outer = Policy::builder().allow_origin("https://app.example").build().unwrap();
            let app = actix_test::init_service(
                App::new().wrap(Cors::new(outer)).service(
                    web::resource("/reports")
                        .wrap(Cors::for_route(&REPORT))
                        .route(web::get().to(HttpResponse::Ok)),
                ),
            )
            .await;
            for origin in ["https://partner.example", "https://evil.example"] {
                let request =
                    actix_test::TestRequest::get().uri("/reports").insert_header(("origin", origin));
                assert_eq!(actix_test::call_service(&app, request.to_request()).await.status(), 200);
            }
        });
    });
    let events = recorder.0.lock().unwrap();
    let refusals: Vec<&BTreeMap<String, String>> =
        events.iter().filter(|(target, _)| target == "cors_actix").map(|(_, fields)| fields).collect();
    assert_eq!(refusals.len(), 1, "only the origin the route refuses: {events:#?}");
    assert_eq!(refusals[0]["origin"], "https://evil.example");
    assert_eq!(refusals[0]["route"], "my_app::reports::report");
}

/// A middleware between a `Cors` and a layer inside it that awaits before calling its service
/// keeps the routing pass from the inner layer: the outer policy decides alone, and says so
/// once, with the fix.
#[test]
fn a_routing_pass_stopped_by_a_deferring_middleware_fails_closed_and_says_so_once() {
    async fn defer(
        req: actix_web::dev::ServiceRequest,
        next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
    ) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
        next.call(req).await
    }
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        actix_web::rt::System::new().block_on(async {
            let outer = Policy::builder().allow_origin("https://app.example").build().unwrap();
            let app = actix_test::init_service(
                App::new().wrap(actix_web::middleware::from_fn(defer)).wrap(Cors::new(outer)).service(
                    web::scope("/partner")
                        .wrap(Cors::from_shared(partner_policy()))
                        .route("/items", web::get().to(HttpResponse::Ok)),
                ),
            )
            .await;
            for _ in 0..2 {
                let request = actix_test::TestRequest::default()
                    .method(actix_web::http::Method::OPTIONS)
                    .uri("/partner/items")
                    .insert_header(("origin", "https://partner.example"))
                    .insert_header(("access-control-request-method", "GET"))
                    .to_request();
                assert_eq!(
                    actix_test::call_service(&app, request).await.status(),
                    403,
                    "the outer policy's answer"
                );
            }
        });
    });
    let events = recorder.0.lock().unwrap();
    let notes: Vec<&BTreeMap<String, String>> = events
        .iter()
        .filter(|(target, fields)| target == "cors_actix" && fields["message"].contains("routing pass"))
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(notes.len(), 1, "once per layer: {events:#?}");
    assert_eq!((notes[0]["method"].as_str(), notes[0]["path"].as_str()), ("OPTIONS", "/partner/items"));
    assert!(notes[0]["message"].contains("put that middleware on the routes"), "{:?}", notes[0]);
}
