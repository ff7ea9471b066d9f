//! A policy read from a TOML file with serde (cors-actix's `serde` feature). Every problem of
//! the file is reported at start-up, under its key, with the fix where there is one.
//!
//! ```text
//! cargo run --example config_file -- examples/cors.toml
//! cargo run --example config_file -- examples/cors-broken.toml   # refused: every problem, under its key
//! CORS_ALLOWED_ORIGINS="https://app.example, http://localhost:*" cargo run --example config_file -- examples/cors.toml
//! ```
//!
//! `CORS_ALLOWED_ORIGINS`, when set, replaces the file's origins (a deployment's environment
//! overriding a checked-in file).

use std::process::ExitCode;

use actix_web::{web, App, HttpServer};
use cors_actix::{Cors, Policy, PolicyConfig};

/// The application's own start-up errors: the CORS configuration's composes with them.
#[derive(Debug)]
enum StartError {
    Usage,
    Read(String, std::io::Error),
    Parse(String, toml::de::Error),
    Cors(String, cors_actix::ConfigError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Usage => {
                f.write_str("give the policy's TOML file as the first argument (examples/cors.toml)")
            }
            Self::Read(path, error) => write!(f, "cannot read {path}: {error}"),
            Self::Parse(path, error) => write!(f, "{path} is not a CORS policy: {error}"),
            Self::Cors(path, error) => write!(f, "the CORS policy in {path} is refused: {error}"),
        }
    }
}

fn load_policy() -> Result<(String, Policy), StartError> {
    let path = std::env::args().nth(1).ok_or(StartError::Usage)?;
    let text = std::fs::read_to_string(&path).map_err(|error| StartError::Read(path.clone(), error))?;
    let mut config: PolicyConfig =
        toml::from_str(&text).map_err(|error| StartError::Parse(path.clone(), error))?;
    if let Ok(list) = std::env::var("CORS_ALLOWED_ORIGINS") {
        config.origins =
            list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
    }
    let policy = config.build().map_err(|error| StartError::Cors(path.clone(), error))?;
    Ok((path, policy))
}

#[actix_web::main]
async fn main() -> ExitCode {
    let (path, policy) = match load_policy() {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    println!("cors-actix config_file on http://127.0.0.1:{port}/ with the policy of {path}");
    println!("try: curl -i http://127.0.0.1:{port}/ -H 'Origin: https://eu.app.example'   (allowed)");
    println!(
        "     curl -i http://127.0.0.1:{port}/ -H 'Origin: https://evil.example'      (no CORS headers)"
    );

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
