//! Origins read at start-up, from a file or the environment, through the builder that
//! returns every problem as a `Result` instead of panicking.
//!
//! ```text
//! cargo run --example config_file -- examples/cors-origins.txt
//! CORS_ALLOWED_ORIGINS="https://app.example, http://localhost:*" cargo run --example config_file
//! CORS_ALLOWED_ORIGINS="https://App.Example/" cargo run --example config_file   # refused, with the fix
//! ```
//!
//! The file has one origin (or pattern, or `null`, or `*`) per line; `#` starts a comment.
//! `CORS_CREDENTIALS=true` and `CORS_MAX_AGE=600` are read too.

use std::process::ExitCode;

use actix_web::{web, App, HttpServer};
use cors_actix::{Cors, Policy, PolicyError};

/// Where the origins come from, as said on start-up.
enum Source {
    File(String),
    Environment,
}

fn read_origins() -> Result<(Source, Vec<String>), String> {
    if let Some(path) = std::env::args().nth(1) {
        let text = std::fs::read_to_string(&path).map_err(|error| format!("cannot read {path}: {error}"))?;
        let origins = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        return Ok((Source::File(path), origins));
    }
    let list = std::env::var("CORS_ALLOWED_ORIGINS").map_err(|_| {
        "give a file of origins as the first argument, or set CORS_ALLOWED_ORIGINS".to_owned()
    })?;
    Ok((
        Source::Environment,
        list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect(),
    ))
}

fn build_policy(origins: Vec<String>) -> Result<Policy, PolicyError> {
    let credentials = std::env::var("CORS_CREDENTIALS").is_ok_and(|value| value == "true");
    let mut builder = Policy::builder()
        .allow_origins(origins)
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers(["content-type"])
        .allow_credentials(credentials);
    if let Some(seconds) = std::env::var("CORS_MAX_AGE").ok().and_then(|value| value.parse().ok()) {
        builder = builder.max_age(seconds);
    }
    builder.build()
}

#[actix_web::main]
async fn main() -> ExitCode {
    let (source, origins) = match read_origins() {
        Ok(read) => read,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let from = match &source {
        Source::File(path) => format!("file {path}"),
        Source::Environment => "CORS_ALLOWED_ORIGINS".to_owned(),
    };
    let policy = match build_policy(origins) {
        Ok(policy) => policy,
        Err(error) => {
            // Every problem at once, each with the fix where there is one.
            eprintln!("error: the CORS configuration from {from} is refused\n{error}");
            return ExitCode::from(2);
        }
    };
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    println!("cors-actix config_file listening on http://127.0.0.1:{port}/ with origins from {from}");
    println!("policy: {policy:#?}");

    let cors = Cors::new(policy);
    let server = HttpServer::new(move || {
        App::new().wrap(cors.clone()).route("/", web::get().to(|| async { "hello" }))
    })
    .workers(2)
    .bind(("127.0.0.1", port));
    let result = match server {
        Ok(server) => server.run().await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
