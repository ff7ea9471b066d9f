use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://app.example"], max_age = 99999999999999999999999)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
