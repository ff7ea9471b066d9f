//! Origins that change while the server runs: a multi-tenant API whose allowed origins live
//! in a store (here in memory, answering after a delay as a database would), asked with an
//! asynchronous origin check.
//!
//! ```text
//! cargo run --example tenant_origins
//! ```
//!
//! The store starts with one tenant, `https://shop.example`. Register another at run time
//! (`POST /tenants` with the origin as the body) and its
//! next preflight is allowed, without a restart. The example prints `curl` lines to try.
//!
//! Set `RUST_LOG=cors_actix=debug` to see why a request is refused.

use std::{
    collections::HashSet,
    sync::{Arc, RwLock},
    time::Duration,
};

use actix_web::{get, post, web, App, HttpResponse, HttpServer, Responder};
use cors_actix::{cors, Cors, Policy};

/// The tenants' origins. A real app would query its database here; the delay stands in for
/// that round trip, and shows that a worker serves other requests while one waits.
#[derive(Clone, Default)]
struct TenantStore(Arc<RwLock<HashSet<String>>>);

impl TenantStore {
    async fn allows(&self, origin: &str) -> bool {
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).contains(origin)
    }

    fn add(&self, origin: String) {
        self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(origin);
    }
}

#[get("/api/orders")]
async fn orders() -> impl Responder {
    HttpResponse::Ok().json(["order-1", "order-2"])
}

/// Registers a tenant's origin. Checked with the same rules as a configured origin, so that
/// a typo (`https://shop.example/`) is refused here rather than never matching later. Of
/// cross-origin callers only the admin front end may call it: with `reject`, a form posted
/// from any other site is refused before the handler runs (a real app would also
/// authenticate the caller).
#[cors(origins = ["https://admin.example"], on_mismatch = "reject")]
#[post("/tenants")]
async fn add_tenant(store: web::Data<TenantStore>, origin: String) -> impl Responder {
    let origin = origin.trim().to_owned();
    if let Err(error) = Policy::builder().allow_origin(&origin).build() {
        return HttpResponse::BadRequest().body(format!("{error}\n"));
    }
    store.add(origin.clone());
    HttpResponse::Created().body(format!("{origin} may now read /api/orders\n"))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();

    let store = TenantStore::default();
    store.add("https://shop.example".to_owned());

    let checked = store.clone();
    let policy = Policy::builder()
        // The platform's own front end is known in advance: listed, answered without waiting.
        .allow_origin("https://app.example")
        // Everything else is a tenant's, asked of the store.
        .allow_origin_async(move |origin, _head| {
            let (store, origin) = (checked.clone(), origin.to_str().unwrap_or_default().to_owned());
            async move { store.allows(&origin).await }
        })
        .allow_methods(["GET", "POST"])
        .allow_headers(["content-type"])
        .allow_credentials(true)
        .build()
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let base = format!("http://127.0.0.1:{port}");
    println!("cors-actix tenant_origins on {base}/api/orders");
    println!("a tenant in the store: allowed");
    println!(
        "  curl -i -X OPTIONS {base}/api/orders -H 'Origin: https://shop.example' -H 'Access-Control-Request-Method: GET'"
    );
    println!("a tenant not yet registered: 403, then register it and ask again");
    println!(
        "  curl -i -X OPTIONS {base}/api/orders -H 'Origin: https://books.example' -H 'Access-Control-Request-Method: GET'"
    );
    println!("  curl -i -X POST {base}/tenants --data 'https://books.example'");

    let cors = Cors::new(policy);
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(store.clone()))
            .wrap(cors.clone())
            .service(orders)
            .service(add_tenant)
    })
    .workers(2)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
