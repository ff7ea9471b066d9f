#![deny(deprecated)]

//! No origin, on purpose: compiles without a warning, in `#[cors]` and `policy!`.

use actix_web::{get, post, App};
use cors_actix::{cors, policy, Cors};

#[cors(origins = [])]
#[get("/admin")]
async fn admin() -> &'static str {
    "ok"
}

#[cors(origins = [], on_mismatch = "reject")]
#[post("/admin/reset")]
async fn reset() -> &'static str {
    "ok"
}

fn main() {
    let same_origin_app = policy! { origins = [], cross_origin_protection = true };
    let _ = App::new().wrap(Cors::new(same_origin_app)).service(admin).service(reset);
}
