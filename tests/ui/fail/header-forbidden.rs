#![deny(deprecated)]

use actix_web::get;
use cors_actix::cors;

// Names a browser never lets a page send only have no effect: a warning (denied here, so
// that this test sees it), not an error.
#[cors(origins = ["https://app.example"], headers = ["cookie", "sec-fetch-mode"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
