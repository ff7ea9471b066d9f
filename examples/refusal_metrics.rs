//! Refusals counted by rule, for Prometheus: `Cors::on_refusal` counts each refusal the layer
//! decides in a `prometheus-client` counter labelled with the rule that refused it, and
//! `/metrics` serves the counters in the Prometheus text format.
//!
//! ```text
//! cargo run --example refusal_metrics
//! ```
//!
//! The example prints `curl` lines that a browser would send and the policy refuses, each by
//! another rule, then the line that scrapes `/metrics`:
//!
//! ```text
//! # HELP cors_refusals_total Requests cors-actix refused, by the rule that refused them.
//! # TYPE cors_refusals_total counter
//! cors_refusals_total{rule="origin"} 1
//! cors_refusals_total{rule="method"} 1
//! ```
//!
//! The hook is called only for refusals: an allowed request costs it at most a look at its
//! `Cookie` and `Authorization` headers (is it one a page could not read?). Keep `/metrics`
//! where only your Prometheus can reach it: this server binds `127.0.0.1`.

use std::sync::Arc;

use actix_web::{
    body::MessageBody,
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    get,
    http::header::ContentType,
    web, App, HttpResponse, HttpServer, Responder,
};
use cors_actix::{Cors, Explanation, Policy};
use prometheus_client::{
    encoding::{prometheus_text, EncodeLabelSet},
    metrics::{counter::Counter, family::Family},
    registry::Registry,
};

/// The labels of one counter: the rule that refused (`origin`, `method`, `headers`,
/// `credentials`, `private_network`, `cross_origin_request`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RefusalLabels {
    rule: &'static str,
}

/// The app's metrics: the registry `/metrics` renders, and the refusal counters in it.
#[derive(Debug, Clone)]
pub(crate) struct Metrics {
    registry: Arc<Registry>,
    refusals: Family<RefusalLabels, Counter>,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let refusals = Family::<RefusalLabels, Counter>::default();
        let mut registry = Registry::default();
        registry.register(
            "cors_refusals",
            "Requests cors-actix refused, by the rule that refused them",
            refusals.clone(),
        );
        Self { registry: Arc::new(registry), refusals }
    }

    /// Counts one refusal under its rule.
    fn count(&self, explanation: &Explanation) {
        let rule = explanation.rule.map_or("unknown", |rule| rule.as_str());
        self.refusals.get_or_create(&RefusalLabels { rule }).inc();
    }

    /// Every metric, in the Prometheus text format.
    fn render(&self) -> String {
        let mut text = String::new();
        prometheus_text::encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }
}

#[get("/api/items")]
async fn items() -> impl Responder {
    HttpResponse::Ok().json(["item-1", "item-2"])
}

#[get("/metrics")]
async fn scrape(metrics: web::Data<Metrics>) -> impl Responder {
    HttpResponse::Ok().content_type(prometheus_text::CONTENT_TYPE).body(metrics.render())
}

#[get("/")]
async fn index() -> impl Responder {
    HttpResponse::Ok().content_type(ContentType::plaintext()).body("see /api/items and /metrics\n")
}

/// The app: an API under a policy whose refusals `metrics` counts, and `/metrics`.
pub(crate) fn app(
    metrics: Metrics,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let policy = Policy::builder()
        .allow_origin("https://app.example")
        .allow_methods(["GET", "PUT"])
        .allow_header("content-type")
        .build()
        .expect("a valid policy");
    let counted = metrics.clone();
    let cors = Cors::new(policy).on_refusal(move |explanation| counted.count(explanation));
    App::new().app_data(web::Data::new(metrics)).wrap(cors).service(items).service(scrape).service(index)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let base = format!("http://127.0.0.1:{port}");
    println!("cors-actix refusal_metrics on {base}; refused requests, each by another rule:");
    println!("  curl -i {base}/api/items -H 'Origin: https://evil.example'");
    println!(
        "  curl -i -X OPTIONS {base}/api/items -H 'Origin: https://app.example' -H 'Access-Control-Request-Method: DELETE'"
    );
    println!(
        "  curl -i -X OPTIONS {base}/api/items -H 'Origin: https://app.example' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: x-secret'"
    );
    println!("  curl -i {base}/api/items -H 'Origin: https://app.example' -H 'Cookie: session=1'");
    println!("then the counters:");
    println!("  curl {base}/metrics");

    // One registry for every worker: the counters are shared, and `/metrics` sees them all.
    let metrics = Metrics::new();
    HttpServer::new(move || app(metrics.clone())).workers(2).bind(("127.0.0.1", port))?.run().await
}
