#![deny(deprecated)]

use actix_web::get;
use cors_actix::{cors, policy};

// With credentials, a wildcard over a public suffix is an error.
#[cors(origins = ["https://*.github.io"], credentials = true)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

// Without, a warning on the route too.
#[cors(origins = ["https://*.co.uk"])]
#[get("/public")]
async fn public() -> &'static str {
    "ok"
}

fn main() {
    // Without, a warning (denied here, so that this test sees it).
    let _public = policy! { origins = ["https://app.example", "https://*.vercel.app"] };
}
