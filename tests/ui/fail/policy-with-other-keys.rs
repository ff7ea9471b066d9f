use actix_web::get;
use cors_actix::{cors, policy};

policy! { static PARTNERS = { origins = ["https://partner.example"] } }

#[cors(policy = PARTNERS, credentials = true)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
