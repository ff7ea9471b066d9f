//! An exempt route beside a protected one on the same path: a protected bank (app-wide `Cors`
//! with `cross_origin_protection(true)`, on `http://localhost:PORT`) whose `POST /transfer` is
//! served by two handlers. The first registered is a partner API, exempt from the protection
//! by a `#[cors]` policy of its own without it, and taken only with an `x-api-key` header (its
//! guard); the second is the form handler the bank's own page posts to, under the app's
//! protected policy. A form from another site carries no API key, so routing gives it to the
//! form handler, and the exemption must not go with it.
//!
//! The server records what the browser said about each request and what it answered as the
//! bank of module `forms` does, and counts the runs of each handler.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, PoisonError},
};

use actix_web::{
    guard::GuardContext, http::header, middleware::from_fn, post, web, App, HttpRequest, HttpResponse,
    HttpServer,
};
use cors_actix::{cors, Cors, Policy};

use crate::{
    forms::{self, case_of, load_form_page, own_page, record_transfers, refused, Ledger, Seen},
    servers::{run_on, Server},
    webdriver::Browser,
};

/// The partner API's guard: only a request that carries an API key is the partner's. A form
/// cannot send the header; a script on another origin can only after a preflight.
fn has_api_key(ctx: &GuardContext<'_>) -> bool {
    ctx.head().headers().contains_key("x-api-key")
}

/// Runs of [`partner_api`] per case.
#[derive(Clone, Default)]
struct ApiCalls(Arc<Mutex<BTreeMap<String, usize>>>);

/// The partner API, exempt from the app's protection: its `#[cors]` policy allows the
/// partner's pages (a [`PageServer`](crate::servers::PageServer) serves them from
/// `http://127.0.0.1` on a port of its own) and has no cross-origin protection. Answers
/// `partner API: transferred 100 for CASE key=X-API-KEY`.
#[cors(origins = ["http://127.0.0.1:*"], headers = ["x-api-key"])]
#[post("/transfer", guard = "has_api_key")]
async fn partner_api(request: HttpRequest, calls: web::Data<ApiCalls>) -> HttpResponse {
    let case = case_of(&request);
    *calls.0.lock().unwrap_or_else(PoisonError::into_inner).entry(case.clone()).or_default() += 1;
    let key = request.headers().get("x-api-key").map(|key| key.to_str().unwrap_or("<non-ASCII>"));
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(format!("partner API: transferred 100 for {case} key={}", key.unwrap_or_default()))
}

/// The form handler the bank's own page posts to (a real bank's would go by the session
/// cookie), on the same path as [`partner_api`], under the app's protected policy:
/// [`forms::transfer`].
#[post("/transfer")]
async fn transfer_form(request: HttpRequest, ledger: web::Data<Ledger>) -> HttpResponse {
    forms::transfer(request, ledger).await
}

/// The protected bank with the exempt partner API on its [`TRANSFER`](forms::TRANSFER) path.
pub(crate) struct BankWithApi {
    pub(crate) origin: String,
    ledger: Ledger,
    api_calls: ApiCalls,
    _server: Server,
}

impl BankWithApi {
    pub(crate) fn start() -> Self {
        let ledger = Ledger::default();
        let api_calls = ApiCalls::default();
        let (ledger_data, calls_data) = (web::Data::new(ledger.clone()), web::Data::new(api_calls.clone()));
        let server = Server::spawn(move |listeners| {
            let port = listeners.first().expect("a listener").local_addr()?.port();
            // The app's policy trusts the bank's own origin only.
            let policy = Policy::builder()
                .allow_origin(format!("http://localhost:{port}"))
                .allow_methods(["GET", "POST"])
                .cross_origin_protection(true)
                .build()
                .expect("a valid test policy");
            run_on!(
                HttpServer::new(move || App::new()
                    .app_data(ledger_data.clone())
                    .app_data(calls_data.clone())
                    .route("/", web::get().to(own_page))
                    // The exempt route first, as the README asks of `#[cors]` routes.
                    .service(partner_api)
                    .service(transfer_form)
                    .wrap(Cors::new(policy.clone()).on_cross_origin_refusal(refused))
                    .wrap(from_fn(record_transfers))),
                listeners
            )
        });
        Self { origin: format!("http://localhost:{}", server.port), ledger, api_calls, _server: server }
    }

    /// The requests to [`TRANSFER`](forms::TRANSFER) of one case, preflights included.
    pub(crate) fn seen(&self, case: &str) -> Vec<Seen> {
        self.ledger.seen(case)
    }

    /// Runs of the form handler for one case.
    pub(crate) fn transfers(&self, case: &str) -> usize {
        self.ledger.transfers(case)
    }

    /// Runs of the partner API for one case.
    pub(crate) fn api_calls(&self, case: &str) -> usize {
        let calls = self.api_calls.0.lock().unwrap_or_else(PoisonError::into_inner);
        calls.get(case).copied().unwrap_or(0)
    }

    /// Loads the bank's own form page in `browser`; see [`load_form_page`].
    pub(crate) fn load_own_page(&self, browser: &Browser) -> serde_json::Value {
        load_form_page(browser, &format!("{}/", self.origin))
    }
}
