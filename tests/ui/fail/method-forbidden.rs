#![deny(deprecated)]

use actix_web::get;
use cors_actix::cors;

// A method browsers never send only has no effect: a warning (denied here, so that this
// test sees it), not an error.
#[cors(origins = ["https://app.example"], methods = ["TRACE"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
