use actix_web::get;
use cors_actix::cors;

#[cors(headers = ["content-type"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
