use actix_web::get;
use cors_actix::{cors, policy};

// Every mistake of the definition is reported on its token, and the route that names the
// policy adds no error of its own.
policy! { static PARTNERS = { origins = ["https://partner.example/"], methods = ["get"] } }

#[cors(policy = PARTNERS)]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
