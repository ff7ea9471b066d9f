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
//!
//! Edit the file while the server runs and send it `SIGHUP` (`kill -HUP <pid>`; the example
//! prints the command): the file is read and checked again, and the new policy takes over for
//! every worker without a restart (cors-actix's `reload` feature). A file with a problem is
//! reported, and the policy in force stays.

use std::process::ExitCode;

use actix_web::{web, App, HttpServer};
use cors_actix::{Cors, Policy, PolicyConfig, PolicyHandle};

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
            Self::Cors(source, error) => write!(f, "the CORS policy of {source} is refused: {error}"),
        }
    }
}

fn load_policy() -> Result<(String, Policy), StartError> {
    let path = std::env::args().nth(1).ok_or(StartError::Usage)?;
    let policy = read_policy(&path)?;
    Ok((path, policy))
}

fn read_policy(path: &str) -> Result<Policy, StartError> {
    let text = std::fs::read_to_string(path).map_err(|error| StartError::Read(path.to_owned(), error))?;
    let mut config: PolicyConfig =
        toml::from_str(&text).map_err(|error| StartError::Parse(path.to_owned(), error))?;
    // Where the values come from, so that a problem names the place to fix it.
    let mut source = path.to_owned();
    if let Ok(list) = std::env::var("CORS_ALLOWED_ORIGINS") {
        let origins: Vec<String> =
            list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
        // An empty variable is a deployment mistake, refused as "no origin is allowed", not
        // the deliberate `origins = []` of a file.
        config.origins = (!origins.is_empty()).then_some(origins);
        source.push_str(" (its `origins` from the environment variable CORS_ALLOWED_ORIGINS)");
    }
    let policy = config.build().map_err(|error| StartError::Cors(source.clone(), error))?;
    // What only has no effect (a repeated origin, a max-age browsers cut) is not an error.
    for warning in policy.warnings() {
        eprintln!("warning: {source}: {warning}");
    }
    Ok(policy)
}

/// Reads the policy again at every `SIGHUP`; one with a problem leaves the one in force.
#[cfg(unix)]
async fn reload_on_hangup(path: String, handle: PolicyHandle) {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        eprintln!("warning: cannot listen for SIGHUP; the policy will not be reloaded");
        return;
    };
    while hangups.recv().await.is_some() {
        match read_policy(&path) {
            Ok(policy) => {
                drop(handle.replace(policy));
                println!("reloaded the policy of {path}");
            }
            Err(error) => eprintln!("error: {error}; the policy in force stays"),
        }
    }
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

    println!("reload after editing the file: kill -HUP {}", std::process::id());

    let (cors, handle) = Cors::reloadable(policy);
    #[cfg(unix)]
    actix_web::rt::spawn(reload_on_hangup(path.clone(), handle));
    #[cfg(not(unix))]
    drop((path, handle));
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
