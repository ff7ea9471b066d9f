#![deny(deprecated)]

use actix_web::get;
use cors_actix::cors;

// Browsers cut a max-age over a day: 86400 is sent, with a warning (denied here, so that
// this test sees it), not an error.
#[cors(origins = ["https://app.example"], max_age = 86401)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
