use actix_web::{post, HttpResponse};
use cors_actix::cors;

#[cors(origins = ["https://app.example"], cross_origin_protection = "yes")]
#[post("/orders")]
async fn orders() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
