use actix_web::get;
use cors_actix::cors;

#[cors(origin_async = "https://tenant.example")]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
