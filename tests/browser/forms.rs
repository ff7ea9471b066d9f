//! Cross-origin request protection as Chromium meets it: a protected server (a "bank" on
//! `http://localhost:PORT`, serving its own form page at `/`) and pages on other origins that
//! submit a form to it and send it a `no-cors` `fetch`. The server records what the browser
//! said about each request (`Sec-Fetch-Site`, `Sec-Fetch-Mode`, `Origin`), the status it
//! answered and how often the handler ran.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, PoisonError},
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header,
    middleware::{from_fn, Next},
    web, App, HttpRequest, HttpResponse, HttpServer,
};
use cors_actix::{Cors, Policy};

use crate::{
    servers::{run_on, Server},
    webdriver::Browser,
};

/// The form page template; `/*PAGE*/` becomes `{label, transfer}`.
const FORM_PAGE_TEMPLATE: &str = include_str!("forms.html");

/// The path of the state-changing handler.
pub(crate) const TRANSFER: &str = "/transfer";

/// The form page for `label`, submitting to `transfer`.
fn form_page(label: &str, transfer: &str) -> String {
    assert_eq!(FORM_PAGE_TEMPLATE.matches("/*PAGE*/").count(), 1);
    let page =
        serde_json::json!({ "label": label, "transfer": transfer }).to_string().replace('<', "\\u003c");
    FORM_PAGE_TEMPLATE.replace("/*PAGE*/", &page)
}

/// One request to [`TRANSFER`] as the server saw it, outside the `Cors` layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) sec_fetch_site: Option<String>,
    pub(crate) sec_fetch_mode: Option<String>,
    pub(crate) origin: Option<String>,
    pub(crate) status: u16,
}

/// What the protected server saw, per case (the `case` query parameter).
#[derive(Clone, Default)]
pub(crate) struct Ledger {
    requests: Arc<Mutex<BTreeMap<String, Vec<Seen>>>>,
    transfers: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl Ledger {
    /// The requests to [`TRANSFER`] of one case.
    pub(crate) fn seen(&self, case: &str) -> Vec<Seen> {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        requests.get(case).cloned().unwrap_or_default()
    }

    /// Runs of the [`transfer`] handler for one case.
    pub(crate) fn transfers(&self, case: &str) -> usize {
        let transfers = self.transfers.lock().unwrap_or_else(PoisonError::into_inner);
        transfers.get(case).copied().unwrap_or(0)
    }
}

pub(crate) fn case_of(request: &HttpRequest) -> String {
    web::Query::<BTreeMap<String, String>>::from_query(request.query_string())
        .ok()
        .and_then(|query| query.get("case").cloned())
        .unwrap_or_default()
}

/// A protected server: `cross_origin_protection(true)`, allowing `partner_origin` only.
pub(crate) struct Bank {
    pub(crate) origin: String,
    ledger: Ledger,
    _server: Server,
}

impl Bank {
    pub(crate) fn start(partner_origin: &str) -> Self {
        let policy = Policy::builder()
            .allow_origin(partner_origin)
            .allow_methods(["GET", "POST"])
            .cross_origin_protection(true)
            .build()
            .expect("a valid test policy");
        let ledger = Ledger::default();
        let data = web::Data::new(ledger.clone());
        let server = Server::spawn(move |listeners| {
            run_on!(
                HttpServer::new(move || App::new()
                    .app_data(data.clone())
                    .route("/", web::get().to(own_page))
                    .route(TRANSFER, web::post().to(transfer))
                    .wrap(Cors::new(policy.clone()).on_cross_origin_refusal(refused))
                    .wrap(from_fn(record_transfers))),
                listeners
            )
        });
        Self { origin: format!("http://localhost:{}", server.port), ledger, _server: server }
    }

    /// The requests to [`TRANSFER`] of one case.
    pub(crate) fn seen(&self, case: &str) -> Vec<Seen> {
        self.ledger.seen(case)
    }

    /// Runs of the handler for one case.
    pub(crate) fn transfers(&self, case: &str) -> usize {
        self.ledger.transfers(case)
    }

    /// Loads the bank's own form page in `browser`; see [`load_form_page`].
    pub(crate) fn load_own_page(&self, browser: &Browser) -> serde_json::Value {
        load_form_page(browser, &format!("{}/", self.origin))
    }
}

/// The bank's own page: its form posts to [`TRANSFER`] on the same origin.
pub(crate) async fn own_page() -> HttpResponse {
    html(form_page("own", TRANSFER))
}

/// The state-changing handler: counts its runs per case.
pub(crate) async fn transfer(request: HttpRequest, ledger: web::Data<Ledger>) -> HttpResponse {
    let case = case_of(&request);
    let mut transfers = ledger.transfers.lock().unwrap_or_else(PoisonError::into_inner);
    *transfers.entry(case.clone()).or_default() += 1;
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(format!("transferred 100 for {case}"))
}

pub(crate) fn refused(_: &HttpRequest) -> HttpResponse {
    HttpResponse::Forbidden()
        .content_type("text/plain; charset=utf-8")
        .body("refused: a transfer can only be sent from the bank's own pages or its partner")
}

/// Records every request to [`TRANSFER`], with the answer it got, outside the `Cors` layer.
pub(crate) async fn record_transfers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if request.path() != TRANSFER {
        return next.call(request).await;
    }
    let ledger = request.app_data::<web::Data<Ledger>>().expect("the ledger in app data").clone();
    let text = |name: &str| {
        request.headers().get(name).map(|value| value.to_str().unwrap_or("<non-ASCII>").to_owned())
    };
    let (sec_fetch_site, sec_fetch_mode, origin) =
        (text("sec-fetch-site"), text("sec-fetch-mode"), text("origin"));
    let (case, method) = (case_of(request.request()), request.method().to_string());
    let response = next.call(request).await?;
    let seen = Seen { method, sec_fetch_site, sec_fetch_mode, origin, status: response.status().as_u16() };
    ledger.requests.lock().unwrap_or_else(PoisonError::into_inner).entry(case).or_default().push(seen);
    Ok(response)
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// A page on another origin, not allowed by the bank's policy, whose form and `no-cors` fetch
/// target the bank at `bank_origin` (on `http://localhost:PORT`): on `http://127.0.0.1:PORT`
/// or `http://attacker.localhost:PORT` another site, on `http://localhost:PORT` the bank's own
/// site (a different port is a different origin of the same site).
pub(crate) struct OtherSite {
    pub(crate) origin: String,
    _server: Server,
}

impl OtherSite {
    pub(crate) fn start(label: &str, host: &str, bank_origin: &str) -> Self {
        let page = form_page(label, &format!("{bank_origin}{TRANSFER}"));
        let server = Server::spawn(move |listeners| {
            run_on!(
                HttpServer::new(move || {
                    let page = page.clone();
                    App::new().route("/", web::get().to(move || std::future::ready(html(page.clone()))))
                }),
                listeners
            )
        });
        Self { origin: format!("http://{host}:{}", server.port), _server: server }
    }

    /// Loads the page in `browser`; see [`load_form_page`].
    pub(crate) fn load(&self, browser: &Browser) -> serde_json::Value {
        load_form_page(browser, &format!("{}/", self.origin))
    }
}

/// Loads a form page in `browser` and returns its results by case name: for the form,
/// `{outcome: "loaded", readable, text}` (whether the answer's document is within the page's
/// reach, and its text if so); for the `no-cors` fetch, `{outcome: "resolved", type, status}`.
/// Neither is a CORS request, so Chromium must have logged no CORS error for the page.
pub(crate) fn load_form_page(browser: &Browser, url: &str) -> serde_json::Value {
    let page = browser.load_until_done(url);
    page.console.assert_no_cors_errors();
    let results: Vec<serde_json::Value> = serde_json::from_str(&page.results)
        .unwrap_or_else(|error| panic!("{error}; results: {}", page.results));
    let by_name = results.into_iter().map(|mut result| {
        let object = result.as_object_mut().expect("a result object");
        let name = object.remove("name").and_then(|name| name.as_str().map(str::to_owned));
        (name.expect("a named result"), result)
    });
    serde_json::Value::Object(by_name.collect())
}
