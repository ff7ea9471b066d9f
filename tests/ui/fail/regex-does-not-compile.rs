use actix_web::get;
use cors_actix::cors;

#[cors(origin_regex = ["^https://(app$"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
