use actix_web::get;
use cors_actix::cors;

#[cors(origins = "*", credentials = true)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
