use actix_web::get;
use cors_actix::cors;

// A browser serializes an IPv4-mapped IPv6 host in hex pieces (the URL standard), not with
// Rust's dotted form.
#[cors(origins = ["http://[::ffff:127.0.0.1]:8080"])]
#[get("/")]
async fn index() -> &'static str {
    "ok"
}

fn main() {}
