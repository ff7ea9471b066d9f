//! Origins that change while the server runs: a multi-tenant API whose allowed origins live
//! in a SQL table, asked by an asynchronous origin check whose answers are cached.
//!
//! ```text
//! cargo run --example tenant_origins
//! ```
//!
//! It listens on 127.0.0.1, port `PORT` (default 8080). With no set-up it keeps its tenants in a SQLite file in the system's temporary directory
//! (`cors-actix-tenant-origins.sqlite`); `DATABASE_URL` names another database. It creates its
//! table on start (`CREATE TABLE IF NOT EXISTS tenants`) and seeds one tenant,
//! `https://shop.example`. The queries are portable SQL run through sqlx's `Any` driver, so
//! the same code runs on PostgreSQL when the examples are built with the `postgres` feature:
//!
//! ```text
//! DATABASE_URL=postgres://user:password@127.0.0.1/tenants cargo run --example tenant_origins --features postgres
//! ```
//!
//! Register another tenant at run time (`POST /tenants` with the origin as the body) and its
//! next preflight is allowed, without a restart: the handler drops the origin's cached
//! refusal with `Policy::forget_origin`. The example prints `curl` lines to try.
//!
//! The check is what a server facing the open internet needs: answers cached by origin
//! (`cache_origin_checks`, feature `cache`), so that a flood of made-up origins costs one
//! query per distinct origin and not one per request; a deadline (`origin_check_deadline`),
//! past which a slow store's answer is a refusal rather than a request left waiting; and a
//! limit on queries in flight (`origin_check_limit`). `GET /stats` answers
//! `{"store_queries":N}`, the number of times the check asked the store.
//!
//! Knobs for measuring (`scripts/flood.sh` sets them), not for production:
//!
//! - `TENANT_CACHE=off`: no cache, every check queries the store;
//! - `STORE_DELAY_MS=N`: every query first waits `N` ms, a store slower than the deadline;
//! - `STORE_FAST_QUERIES=N`: the first `N` queries do not wait, so that the origins asked
//!   first are in the cache before the store turns slow.
//!
//! Set `RUST_LOG=cors_actix=debug` to see why a request is refused.

use std::{io, time::Duration};

use actix_web::HttpServer;

mod app;

use app::{app, tenant_policy, TenantStore, SEEDED_TENANT};

/// `name` read as a number, `default` when unset.
fn env_number(name: &str, default: u64) -> io::Result<u64> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => value.parse().map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{name}={value:?} is not a number"))
        }),
    }
}

/// `DATABASE_URL`, or a SQLite file in the temporary directory, created when missing.
fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        let file = std::env::temp_dir().join("cors-actix-tenant-origins.sqlite");
        format!("sqlite://{}?mode=rwc", file.display())
    })
}

#[actix_web::main]
async fn main() -> io::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();

    let cache = match std::env::var("TENANT_CACHE").as_deref() {
        Ok("off") => false,
        Ok("on") | Err(_) => true,
        Ok(other) => {
            let message = format!("TENANT_CACHE={other:?}: expected on or off");
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
    };
    let delay = Duration::from_millis(env_number("STORE_DELAY_MS", 0)?);
    let fast_queries = env_number("STORE_FAST_QUERIES", 0)?;
    let port = u16::try_from(env_number("PORT", 8080)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "PORT is not a port number"))?;

    let url = database_url();
    let store = TenantStore::open(&url).await.map_err(io::Error::other)?.slowed(delay, fast_queries);
    let policy = tenant_policy(store.clone(), cache)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;

    let base = format!("http://127.0.0.1:{port}");
    let database = url.split_once('@').map_or(url.as_str(), |(_, host)| host);
    println!("cors-actix tenant_origins on {base}/api/orders, tenants in {database}");
    if !cache || !delay.is_zero() {
        println!(
            "measuring: cache {}, store delay {delay:?} after {fast_queries} queries",
            if cache { "on" } else { "off" }
        );
    }
    println!("a tenant in the store: allowed");
    println!(
        "  curl -i -X OPTIONS {base}/api/orders -H 'Origin: {SEEDED_TENANT}' -H 'Access-Control-Request-Method: GET'"
    );
    println!("a tenant not yet registered: 403, then register it and ask again");
    println!(
        "  curl -i -X OPTIONS {base}/api/orders -H 'Origin: https://books.example' -H 'Access-Control-Request-Method: GET'"
    );
    println!("  curl -i -X POST {base}/tenants --data 'https://books.example'");
    println!("how often the store was asked:");
    println!("  curl {base}/stats");

    HttpServer::new(move || app(store.clone(), policy.clone()))
        .workers(2)
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
