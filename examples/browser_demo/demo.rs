//! The browser demo's three servers. The real-browser test suite runs this example's binary
//! and checks every row of the page, so that what a person looks at is exactly what the tests
//! check.
//!
//! - the **page** at `http://localhost:PAGE`: a table of cross-origin `fetch` cases;
//! - the **API** at `http://127.0.0.1:API`: an app-wide policy allowing the page's origin,
//!   plus `#[cors]` routes with their own policies;
//! - an **other site** at `http://127.0.0.1:OTHER`, an origin the API does not allow, whose
//!   frame on the page tries the same requests.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, PoisonError},
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    get,
    http::{header, Method},
    middleware::{from_fn, Next},
    post, web, App, Error, HttpRequest, HttpResponse,
};
use cors_actix::{cors, Cors, Policy, PolicyError};

/// What the API saw of each case (keyed by the `case` query parameter): preflights, and
/// requests that reached a handler.
#[derive(Clone, Default)]
pub(crate) struct Counters(Arc<Mutex<BTreeMap<String, (usize, usize)>>>);

impl Counters {
    fn add(&self, case: &str, preflight: bool) {
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = counts.entry(case.to_owned()).or_default();
        if preflight {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }

    /// Counts a request that reached a handler.
    fn handled(&self, req: &HttpRequest) {
        if let Some(case) = case_of(req.query_string()) {
            self.add(case, false);
        }
    }

    /// Every case's counts, as JSON for the page.
    fn to_json(&self) -> String {
        let counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let entries: Vec<String> = counts
            .iter()
            .filter(|(case, _)| case.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .map(|(case, (preflights, runs))| format!("\"{case}\":[{preflights},{runs}]"))
            .collect();
        format!("{{{}}}", entries.join(","))
    }
}

/// The API's app-wide policy: the page's origin may read, with credentials, the methods and
/// headers the page uses; preflights are cached for ten minutes.
pub(crate) fn api_policy(page_origin: &str) -> Result<Policy, PolicyError> {
    Policy::builder()
        .allow_origin(page_origin)
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(600)
        .build()
}

/// A public, read-only route: any origin may read it, without credentials.
#[cors(origins = "*")]
#[get("/api/public")]
async fn public(req: HttpRequest, counters: web::Data<Counters>) -> HttpResponse {
    counters.handled(&req);
    HttpResponse::Ok().body("public data")
}

/// The signed-in user's account: any `http://localhost` page may read it with cookies.
#[cors(origins = ["http://localhost:*"], credentials = true)]
#[get("/api/account")]
async fn account(req: HttpRequest, counters: web::Data<Counters>) -> HttpResponse {
    counters.handled(&req);
    HttpResponse::Ok().body("your account")
}

/// An admin action only `https://admin.example` may trigger; others get 403 and the
/// handler never runs, not even for a "simple" request that needs no preflight.
#[cors(origins = ["https://admin.example"], on_mismatch = "reject")]
#[post("/api/admin/purge")]
async fn purge(req: HttpRequest, counters: web::Data<Counters>) -> HttpResponse {
    counters.handled(&req);
    HttpResponse::Ok().body("purged")
}

async fn items(
    req: HttpRequest,
    counters: web::Data<Counters>,
    method: Method,
    body: web::Bytes,
) -> HttpResponse {
    counters.handled(&req);
    let text = match method {
        Method::POST => format!("created {}", String::from_utf8_lossy(&body)),
        Method::PUT => "replaced".to_owned(),
        Method::DELETE => "deleted".to_owned(),
        Method::PATCH => "patched".to_owned(),
        _ => "apple, pear".to_owned(),
    };
    HttpResponse::Ok()
        .insert_header(("x-request-id", "req-42"))
        .insert_header(("x-internal", "not for pages"))
        // The page sends each case once per URL; keep HTTP caches out of the picture.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text)
}

/// Counts the preflights that reach the API, before CORS answers them.
async fn count_preflights(
    counters: web::Data<Counters>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    if req.method() == Method::OPTIONS && req.headers().contains_key("access-control-request-method") {
        if let Some(case) = case_of(req.query_string()) {
            counters.add(case, true);
        }
    }
    next.call(req).await
}

/// The `case` query parameter that tells the cases apart.
fn case_of(query: &str) -> Option<&str> {
    query.split('&').find_map(|pair| pair.strip_prefix("case="))
}

async fn stats(counters: web::Data<Counters>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("application/json")
        .body(counters.to_json())
}

/// The API app. `policy` is [`api_policy`] for the page's origin.
pub(crate) fn api_app(
    policy: Policy,
    counters: Counters,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(counters))
        .wrap(Cors::new(policy))
        .wrap(from_fn(count_preflights))
        .service(public)
        .service(account)
        .service(purge)
        .route("/api/items", web::to(items))
        .route("/api/items/{id}", web::to(items))
        .route("/stats", web::get().to(stats))
}

/// The page app: the demo page at `/`, and the frame the "other site" serves at `/frame`.
pub(crate) fn page_app(
    api_origin: String,
    other_origin: String,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let page = PAGE.replace("{API}", &api_origin).replace("{OTHER}", &other_origin);
    let frame = FRAME.replace("{API}", &api_origin);
    App::new()
        .route("/", web::get().to(move || html(page.clone())))
        .route("/frame", web::get().to(move || html(frame.clone())))
}

async fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// The demo page. Each case says what it tries, what the Fetch standard says must happen and
/// why; the script fills in what the browser actually did, and what the API saw.
const PAGE: &str = include_str!("page.html");

/// What the other site runs: the same kinds of request, reported to the page by `postMessage`.
const FRAME: &str = include_str!("frame.html");
