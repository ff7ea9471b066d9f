use actix_web::get;
use cors_actix::cors;

#[cors(origins = ["https://App.Example/", "*"], credentials = true, methods = ["delete"], headers = ["x api"], max_age = -1, colour = "red")]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
