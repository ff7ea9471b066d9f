use actix_web::get;
use cors_actix::cors;

fn allow(origin: &str) -> bool {
    origin.ends_with(".example")
}

#[cors(origin_fn = allow)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
