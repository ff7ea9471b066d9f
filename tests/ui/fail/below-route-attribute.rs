use actix_web::get;
use cors_actix::cors;

#[get("/")]
#[cors(origins = ["https://app.example"])]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
