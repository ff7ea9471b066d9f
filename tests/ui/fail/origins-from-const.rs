use actix_web::get;
use cors_actix::cors;

const ORIGINS: [&str; 1] = ["https://app.example"];

#[cors(origins = ORIGINS)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
