use actix_web::{post, HttpResponse};
use cors_actix::cors;

#[cors(origins = ["https://app.example", "null"], cross_origin_protection = true)]
#[post("/orders")]
async fn orders() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
