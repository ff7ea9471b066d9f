use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://app.example"], expose = ["set-cookie"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
