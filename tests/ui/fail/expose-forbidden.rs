#![deny(deprecated)]

use actix_web::get;
use cors_actix::cors;

// `set-cookie`, which a browser never lets a page read, only has no effect: a warning
// (denied here, so that this test sees it), not an error.
#[cors(origins = ["https://app.example"], expose = ["set-cookie"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
