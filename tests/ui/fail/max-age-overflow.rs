#![deny(deprecated)]

use actix_web::get;
use cors_actix::cors;

// A max-age too large for any integer is cut like any long one: a warning (denied here, so
// that this test sees it).
#[cors(origins = ["https://app.example"], max_age = 99999999999999999999999)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
