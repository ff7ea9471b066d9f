//! A form `POST` from another site, refused by cross-origin request protection.
//!
//! CORS only decides which pages may *read* a response: a form `POST` needs no preflight, so a
//! page on any site can make a visitor's browser send one, cookies included, and the handler
//! runs even though that page never sees the answer. With `cross_origin_protection(true)` the
//! `Cors` layer refuses such a request with `403` before the handler, unless the browser says
//! it comes from this server's own origin (`Sec-Fetch-Site`, else `Origin`) or from an origin
//! the policy already allows; no token and no second list of origins.
//!
//! ```text
//! cargo run --example forms
//! ```
//!
//! then open the bank's page it prints and send a transfer, and open the other site's page: its
//! form submits itself to the bank and gets the refusal page. The example prints `curl` lines
//! that play both browsers too.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{
    get,
    http::{header, StatusCode},
    post, web, App, HttpRequest, HttpResponse, HttpServer,
};
use cors_actix::{Cors, Policy};

/// The one other origin the bank trusts: its partner's pages may post transfers and read the
/// answers.
const PARTNER: &str = "https://partner.example";

/// Transfers made so far.
#[derive(Default)]
struct Ledger {
    transfers: AtomicUsize,
}

fn html(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1>{body}</body></html>"
        ))
}

/// Header values are the client's to choose; keep them text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[get("/")]
async fn bank_page(ledger: web::Data<Ledger>) -> HttpResponse {
    let transfers = ledger.transfers.load(Ordering::SeqCst);
    html(
        StatusCode::OK,
        "Bank",
        &format!(
            "<p>Transfers so far: {transfers}.</p>\
             <form method=\"post\" action=\"/transfer\"><input name=\"amount\" value=\"100\"> \
             <button>Transfer</button></form>"
        ),
    )
}

/// The state-changing handler the protection guards.
#[post("/transfer")]
async fn transfer(ledger: web::Data<Ledger>) -> HttpResponse {
    let transfers = ledger.transfers.fetch_add(1, Ordering::SeqCst) + 1;
    html(
        StatusCode::OK,
        "Transferred",
        &format!("<p>Transfers so far: {transfers}.</p><p><a href=\"/\">Back</a></p>"),
    )
}

/// What a person whose browser was made to send a transfer sees instead of it.
fn refusal_page(request: &HttpRequest) -> HttpResponse {
    let said = |name: &str| {
        let value = request.headers().get(name).and_then(|value| value.to_str().ok());
        escape(value.unwrap_or("(not sent)"))
    };
    html(
        StatusCode::FORBIDDEN,
        "Refused",
        &format!(
            "<p>This transfer was sent by a page on another site (your browser said \
             <code>Sec-Fetch-Site: {}</code>, <code>Origin: {}</code>), so it was refused before \
             it ran. Nothing was transferred.</p><p>Transfers can be sent from the bank's own \
             pages and from {PARTNER} only.</p>",
            said("sec-fetch-site"),
            said("origin"),
        ),
    )
}

/// The other site: a page whose form submits itself to the bank as soon as it loads.
async fn other_site_page(bank: web::Data<String>) -> HttpResponse {
    html(
        StatusCode::OK,
        "You won a prize",
        &format!(
            "<p>Claiming it&hellip;</p><form method=\"post\" action=\"{}/transfer\">\
             <input type=\"hidden\" name=\"amount\" value=\"1000000\"></form>\
             <script>document.forms[0].submit();</script>",
            escape(bank.as_str())
        ),
    )
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let port =
        |name: &str, default: u16| std::env::var(name).ok().and_then(|p| p.parse().ok()).unwrap_or(default);
    let (bank_port, other_port) = (port("PORT", 8080), port("OTHER_PORT", 8081));
    // `127.0.0.1` and `localhost` are different sites, both served on the loopback address.
    let bank_origin = format!("http://127.0.0.1:{bank_port}");
    let other_origin = format!("http://localhost:{other_port}");

    let policy = Policy::builder()
        .allow_origin(PARTNER)
        .allow_methods(["GET", "POST"])
        .cross_origin_protection(true)
        .build()
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;

    println!("bank:       {bank_origin}/   <- open this, send a transfer");
    println!("other site: {other_origin}/   <- then this: its form posts to the bank by itself");
    println!("play the browsers from another terminal: the other site's form, then the partner's fetch");
    println!(
        "  curl -i -X POST {bank_origin}/transfer -H 'Sec-Fetch-Site: cross-site' \\\n    \
         -H 'Origin: {other_origin}' --data amount=100"
    );
    println!(
        "  curl -i -X POST {bank_origin}/transfer -H 'Sec-Fetch-Site: cross-site' \\\n    \
         -H 'Origin: {PARTNER}' --data amount=100"
    );

    let ledger = web::Data::new(Ledger::default());
    let cors = Cors::new(policy).on_cross_origin_refusal(refusal_page);
    let bank = HttpServer::new(move || {
        App::new().app_data(ledger.clone()).wrap(cors.clone()).service(bank_page).service(transfer)
    })
    .workers(1)
    .bind(("127.0.0.1", bank_port))?
    .run();
    let bank_for_pages = web::Data::new(bank_origin);
    let other_site = HttpServer::new(move || {
        App::new().app_data(bank_for_pages.clone()).route("/", web::get().to(other_site_page))
    })
    .workers(1)
    .bind(("127.0.0.1", other_port))?
    .run();
    // Both servers stop at Ctrl-C; the bank's end ends the example.
    actix_web::rt::spawn(other_site);
    bank.await
}
