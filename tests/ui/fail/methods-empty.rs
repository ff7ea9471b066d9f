use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://app.example"], methods = [])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {
    let _policy = cors_actix::policy! {
        origins = "https://app.example",
        methods = [],
    };
}
