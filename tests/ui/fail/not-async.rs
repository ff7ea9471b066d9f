use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://app.example"])]
#[get("/")]
fn index() -> &'static str {
    "ok"
}

fn main() {}
