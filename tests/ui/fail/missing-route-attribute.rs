use cors_actix::cors;

#[cors(origins = ["https://app.example"])]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
