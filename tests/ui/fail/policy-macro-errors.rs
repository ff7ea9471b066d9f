fn main() {
    let _policy = cors_actix::policy! {
        origins = ["https://app.example:443", "https://*.com"],
        header = ["content-type"],
    };
}
