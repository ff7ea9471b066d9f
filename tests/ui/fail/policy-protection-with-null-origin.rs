fn main() {
    let _policy = cors_actix::policy! {
        origins = ["null", "https://app.example"],
        methods = ["GET", "POST"],
        cross_origin_protection = true,
    };
}
