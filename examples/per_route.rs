//! Handlers with different `#[cors]` policies side by side, and an app-wide fallback policy
//! for every route without its own.
//!
//! ```text
//! cargo run --example per_route
//! ```
//!
//! | route | policy |
//! |---|---|
//! | `GET /public/status` | any origin may read it (`*`), no credentials |
//! | `GET /api/me` | `https://app.example` and its subdomains, with cookies |
//! | `POST /api/admin/purge` | only `https://admin.example`; anyone else gets `403` and the handler never runs |
//! | everything else | the app-wide policy: `https://app.example`, `GET`/`POST` |

use actix_web::{get, post, web, App, HttpResponse, HttpServer, Responder};
use cors_actix::{cors, policy, Cors};

/// Public, read-only: any page may read it.
#[cors(origins = "*", max_age = 3600)]
#[get("/public/status")]
async fn status() -> &'static str {
    "all systems nominal"
}

/// The signed-in user: readable with cookies by the app and its subdomains only.
#[cors(
    origins = ["https://app.example", "https://*.app.example"],
    headers = ["content-type", "authorization"],
    expose = ["x-request-id"],
    credentials = true,
    max_age = 600,
)]
#[get("/api/me")]
async fn me() -> impl Responder {
    HttpResponse::Ok().insert_header(("x-request-id", "r-1")).json(["alice", "admin"])
}

/// A side effect that a cross-site form must not trigger: disallowed origins get `403`
/// before the handler runs.
#[cors(origins = ["https://admin.example"], on_mismatch = "reject")]
#[post("/api/admin/purge")]
async fn purge() -> &'static str {
    "cache purged"
}

/// No policy of its own: the app-wide one applies.
async fn items() -> &'static str {
    "apple, pear"
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    println!("cors-actix per_route listening on http://127.0.0.1:{port}");
    println!("  GET  /public/status      #[cors(origins = \"*\")]");
    println!(
        "  GET  /api/me             #[cors(origins = [app.example, *.app.example], credentials = true)]"
    );
    println!("  POST /api/admin/purge    #[cors(origins = [admin.example], on_mismatch = \"reject\")]");
    println!("  GET  /api/items          app-wide policy (https://app.example)");
    println!(
        "try:   curl -i -X POST http://127.0.0.1:{port}/api/admin/purge -H 'Origin: https://evil.example'"
    );

    HttpServer::new(|| {
        App::new()
            .wrap(Cors::new(policy! { origins = ["https://app.example"], methods = ["GET", "POST"] }))
            .service(status)
            .service(me)
            .service(purge)
            .route("/api/items", web::get().to(items))
    })
    .workers(2)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
