#![deny(deprecated)]

use actix_web::get;
use cors_actix::cors;

// A route opted out of cross-origin reads: what it would tell a reader has no effect, a
// warning under each setting (denied here, so that this test sees it).
#[cors(origins = [], credentials = true, headers = ["x-api-key"])]
#[get("/admin")]
async fn admin() -> &'static str {
    "ok"
}

fn main() {}
