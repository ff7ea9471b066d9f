#![deny(deprecated)]

use actix_web::get;
use cors_actix::{cors, policy};

// Everything that only has no effect, at once: each a warning on its token (denied here, so
// that this test sees them), and the policy still compiles without `deny`.
#[cors(
    origins = ["https://app.example", "https://*.vercel.app", "https://app.example"],
    methods = ["GET", "TRACE"],
    headers = ["content-type", "cookie", "Content-Type"],
    expose = ["set-cookie"],
    max_age = 604800,
)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

policy! { static SHARED = { origins = ["https://*.github.io", "https://*.co.uk"], public_origins = ["https://api.example", "https://api.example"] } }

fn main() {
    let _ = &SHARED;
}
