//! The browser demo: one process serving a page on one origin and an API on another, so a
//! person can watch, in a real browser, what CORS allows and blocks, and why.
//!
//! ```text
//! cargo run --example browser_demo
//! ```
//!
//! then open the printed page URL. The same servers run in the real-browser test suite,
//! which checks every row of the page.

use actix_web::HttpServer;

mod demo;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let port =
        |name: &str, default: u16| std::env::var(name).ok().and_then(|p| p.parse().ok()).unwrap_or(default);
    let (page_port, api_port, other_port) =
        (port("PAGE_PORT", 8080), port("API_PORT", 8081), port("OTHER_PORT", 8082));

    // `localhost` and `127.0.0.1` are different origins, as are different ports.
    let page_origin = format!("http://localhost:{page_port}");
    let api_origin = format!("http://127.0.0.1:{api_port}");
    let other_origin = format!("http://127.0.0.1:{other_port}");

    let policy = demo::api_policy(&page_origin)
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;
    println!("page:  {page_origin}/   <- open this");
    println!("api:   {api_origin}   (app-wide policy below, plus #[cors] routes /api/public, /api/account, /api/admin/purge)");
    println!("other: {other_origin}   (an origin the API does not allow)");
    println!("policy: {policy:#?}");

    let counters = demo::Counters::default();
    let api = HttpServer::new(move || demo::api_app(policy.clone(), counters.clone()))
        .workers(1)
        .bind(("127.0.0.1", api_port))?
        .run();
    let pages = {
        let (api_origin, other_origin) = (api_origin.clone(), other_origin.clone());
        HttpServer::new(move || demo::page_app(api_origin.clone(), other_origin.clone()))
            .workers(1)
            .bind(("127.0.0.1", page_port))?
            .bind(("127.0.0.1", other_port))?
            .run()
    };
    let (api, pages) = futures_join(api, pages).await;
    api.and(pages)
}

/// Runs both servers until both stop (Ctrl-C stops both).
async fn futures_join(
    api: actix_web::dev::Server,
    pages: actix_web::dev::Server,
) -> (std::io::Result<()>, std::io::Result<()>) {
    let api = actix_web::rt::spawn(api);
    let pages = actix_web::rt::spawn(pages);
    let flatten = |joined: Result<std::io::Result<()>, actix_web::rt::task::JoinError>| {
        joined.unwrap_or_else(|error| Err(std::io::Error::other(error)))
    };
    (flatten(api.await), flatten(pages.await))
}
