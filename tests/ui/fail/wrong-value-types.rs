use actix_web::get;
use cors_actix::cors;

#[cors(origins = 5, credentials = "yes", max_age = "600", origin_fn = "allow")]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
