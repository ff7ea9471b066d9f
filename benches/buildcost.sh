#!/usr/bin/env bash
# Cold debug build time of a one-route app: plain actix-web, with actix-cors, and with
# cors-actix's #[cors] (this checkout, by path). Each app is built in an empty target
# directory, ROUNDS times, one after another; prints the seconds of wall time per build.
#
#   benches/buildcost.sh            # 2 rounds (~3 minutes on 2 cores)
#   ROUNDS=3 benches/buildcost.sh
#
# The apps use actix-web with `default-features = false, features = ["macros"]`, where an
# added dependency weighs the most. Needs the crates.io registry (or its local cache).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

app() { # name, extra dependency line, wrap expression, attribute line
    mkdir -p "$work/$1/src"
    cat >"$work/$1/Cargo.toml" <<TOML
[package]
name = "buildcost-$1"
version = "0.1.0"
edition = "2021"
publish = false
[workspace]
[dependencies]
actix-web = { version = "4.18", default-features = false, features = ["macros"] }
$2
TOML
    cat >"$work/$1/src/main.rs" <<RUST
$4
#[actix_web::get("/items")]
async fn items() -> &'static str {
    "items"
}
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    actix_web::HttpServer::new(|| actix_web::App::new()$3.service(items)).bind(("127.0.0.1", 8080))?.run().await
}
RUST
}
app plain "" "" ""
app actix-cors 'actix-cors = "0.7"' '.wrap(actix_cors::Cors::default().allowed_origin("https://app.example"))' ""
app cors-actix "cors-actix = { path = \"$repo/cors-actix\" }" "" '#[cors_actix::cors(origins = ["https://app.example"])]'

for name in plain actix-cors cors-actix; do
    (cd "$work/$name" && cargo generate-lockfile -q)
done
for round in $(seq "$ROUNDS"); do
    for name in plain actix-cors cors-actix; do
        rm -rf "$work/target-$name"
        start=$(date +%s.%N)
        (cd "$work/$name" && CARGO_TARGET_DIR="$work/target-$name" cargo build -q)
        end=$(date +%s.%N)
        printf 'round %s  %-10s  %6.1f s\n' "$round" "$name" "$(echo "$end - $start" | bc)"
    done
done
