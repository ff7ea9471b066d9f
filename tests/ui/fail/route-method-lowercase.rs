use actix_web::route;
use cors_actix::cors;

#[cors(origins = ["https://app.example"])]
#[route("/", method = "GET", method = "put")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
