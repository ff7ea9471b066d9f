//! The smallest useful setup: one app-wide policy.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Then, from another terminal, play the browser:
//!
//! ```text
//! curl -i -X OPTIONS http://127.0.0.1:8080/api/items/7 \
//!      -H 'Origin: https://app.example' -H 'Access-Control-Request-Method: PUT' \
//!      -H 'Access-Control-Request-Headers: content-type'
//! ```
//!
//! (The example prints these lines, for its port.)
//!
//! Why a request is refused is in the `cors-actix-explanation` header of the refusal (in
//! debug builds only), and in the log with `RUST_LOG=cors_actix=debug`.

use actix_web::{get, put, web, App, HttpResponse, HttpServer, Responder};
use cors_actix::{Cors, Policy};

#[get("/api/items")]
async fn list_items() -> impl Responder {
    HttpResponse::Ok().insert_header(("x-request-id", "1")).json(["apple", "pear"])
}

#[put("/api/items/{id}")]
async fn put_item(id: web::Path<u32>) -> impl Responder {
    HttpResponse::Ok().body(format!("stored item {id}"))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();

    let policy = Policy::builder()
        .allow_origins(["https://app.example", "https://*.app.example", "http://localhost:*"])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .expose_headers(["x-request-id"])
        .max_age(600)
        .build()
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    println!("cors-actix quickstart on http://127.0.0.1:{port}/api/items");
    println!("play the browser from another terminal: the preflight for a PUT, then the PUT itself");
    println!(
        "  curl -i -X OPTIONS http://127.0.0.1:{port}/api/items/7 -H 'Origin: https://app.example' \\\n    \
         -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'"
    );
    println!(
        "  curl -i -X PUT http://127.0.0.1:{port}/api/items/7 -H 'Origin: https://app.example' \\\n    \
         -H 'Content-Type: text/plain' --data 'pear'"
    );
    println!("an origin the policy does not allow (try Origin: https://evil.example) gets a 403 preflight,");
    println!("whose cors-actix-explanation header says which rule refused it and what the browser will do");

    // A development aid: refusals say why in a response header, in debug builds only (it
    // tells any client which rule refused it).
    let cors = Cors::new(policy);
    let cors = if cfg!(debug_assertions) { cors.explain_refusals() } else { cors };
    HttpServer::new(move || App::new().wrap(cors.clone()).service(list_items).service(put_item))
        .workers(2)
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
