use actix_web::get;
use cors_actix::cors;

static NOT_A_POLICY: &str = "https://partner.example";

#[cors(policy = NOT_A_POLICY)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
