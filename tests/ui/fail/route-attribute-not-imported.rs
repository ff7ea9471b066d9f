use cors_actix::cors;

#[cors(origins = ["https://app.example"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
