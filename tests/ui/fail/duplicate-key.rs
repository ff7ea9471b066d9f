use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://a.example"], origins = ["https://b.example"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {
    let _ = cors_actix::policy! { origins = "https://a.example", credentials = false, credentials = true };
}
