use actix_web::get;
use cors_actix::cors;

#[cors(origin = ["https://app.example"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
