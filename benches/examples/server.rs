//! Serves one variant of the app on 127.0.0.1 for `load.sh`.
//!
//! ```text
//! cargo run --release -p cors-actix-benches --example server -- VARIANT PORT [WORKERS]
//! ```
//!
//! `VARIANT` is `no-cors`, `actix-cors`, `app-wide` or `per-route`; `WORKERS` defaults to 1.

use std::process::ExitCode;

use actix_web::HttpServer;
use cors_actix_benches::{with_app, Variant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (variant, port, workers) = match args.as_slice() {
        [variant, port] => (variant, port, "1"),
        [variant, port, workers] => (variant, port, workers.as_str()),
        _ => {
            eprintln!("usage: server VARIANT PORT [WORKERS]");
            return ExitCode::FAILURE;
        }
    };
    let (Some(variant), Ok(port), Ok(workers)) =
        (Variant::parse(variant), port.parse::<u16>(), workers.parse::<usize>())
    else {
        eprintln!("unknown variant `{variant}`, bad port `{port}` or bad worker count `{workers}`");
        return ExitCode::FAILURE;
    };
    let served = actix_web::rt::System::new().block_on(async move {
        with_app!(variant, |make| {
            HttpServer::new(make).workers(workers).bind(("127.0.0.1", port))?.run().await
        })
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("server: {error}");
            ExitCode::FAILURE
        }
    }
}
