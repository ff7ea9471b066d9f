//! Without the `tracing` feature, a refusal is one `log` line at debug level, under the target
//! `cors_actix`, that says what the event's fields say.

use std::sync::{Mutex, OnceLock};

use actix_web::{test as actix_test, web, App, HttpResponse};

use crate::{Cors, Policy};

/// Every line logged under `cors_actix`, by every test of this process.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "cors_actix"
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            self.0.lock().unwrap().push(format!("{} {}", record.level(), record.args()));
        }
    }

    fn flush(&self) {}
}

/// The lines logged so far that mention `path`, each test using a path of its own.
fn lines_about(path: &str) -> Vec<String> {
    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();
    let capture = CAPTURE.get_or_init(|| {
        let capture: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(Vec::new()))));
        log::set_logger(capture).expect("the only logger of this test binary");
        log::set_max_level(log::LevelFilter::Debug);
        capture
    });
    capture.0.lock().unwrap().iter().filter(|line| line.contains(path)).cloned().collect()
}

fn partner_policy() -> std::sync::Arc<Policy> {
    std::sync::Arc::new(Policy::builder().allow_origin("https://partner.example").build().unwrap())
}

static LEDGER: crate::RouteCors =
    crate::RouteCors::new("my_app::ledger", "ledger", "/log-tests/ledger", &["GET"], partner_policy);

#[actix_web::test]
async fn a_refusal_is_one_line_with_its_status_and_who_answered() {
    lines_about("");
    let policy = Policy::builder().allow_origin("https://app.example").allow_method("PUT").build().unwrap();
    let app = actix_test::init_service(
        App::new()
            .wrap(Cors::new(policy))
            .route("/log-tests/items", web::to(HttpResponse::Accepted))
            .service(
                web::resource("/log-tests/ledger")
                    .wrap(Cors::for_route(&LEDGER))
                    .route(web::get().to(HttpResponse::Ok)),
            ),
    )
    .await;
    let requests = [
        actix_test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/log-tests/items")
            .insert_header(("origin", "https://app.example"))
            .insert_header(("access-control-request-method", "DELETE")),
        actix_test::TestRequest::get()
            .uri("/log-tests/items")
            .insert_header(("origin", "https://evil.example")),
        actix_test::TestRequest::get()
            .uri("/log-tests/items")
            .insert_header(("origin", "https://app.example"))
            .insert_header(("cookie", "session=1")),
        actix_test::TestRequest::get()
            .uri("/log-tests/ledger")
            .insert_header(("origin", "https://app.example")),
    ];
    for request in requests {
        actix_test::call_service(&app, request.to_request()).await;
    }
    let refusals: Vec<String> =
        lines_about("/log-tests/").into_iter().filter(|line| line.contains("refused by")).collect();
    assert_eq!(
        refusals,
        [
            "DEBUG preflight for DELETE /log-tests/items from `https://app.example`: refused by the method rule \
             (method `DELETE` not allowed); the browser will not send the DELETE, and fetch() rejects; answered \
             403 by cors-actix",
            "DEBUG GET /log-tests/items from `https://evil.example`: refused by the origin rule (origin not \
             allowed); the handler runs, but the browser keeps the response from the page; the app answered 202",
            "DEBUG GET /log-tests/items from `https://app.example`: refused by the credentials rule (the request \
             carries cookies or HTTP authentication, and the policy does not allow credentials); the handler runs, \
             but the browser keeps the response from the page; the app answered 202",
            "DEBUG GET /log-tests/ledger from `https://app.example`: refused by the origin rule (origin not \
             allowed); the handler runs, but the browser keeps the response from the page; the app answered 200; \
             policy of route my_app::ledger",
        ]
    );
}
