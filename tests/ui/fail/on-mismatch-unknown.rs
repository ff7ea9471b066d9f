use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://app.example"], on_mismatch = "ignore")]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
