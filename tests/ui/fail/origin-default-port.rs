use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://app.example:443"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
