use actix_web::get;
use cors_actix::cors;

// An empty origin list says no origin is allowed; a regex beside it says some are.
#[cors(origins = [], origin_regex = ["^https://[a-z]+\\.app\\.example$"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
