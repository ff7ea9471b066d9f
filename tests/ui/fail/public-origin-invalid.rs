use cors_actix::policy;

fn main() {
    let _trailing_slash = policy! {
        origins = ["https://app.example"],
        cross_origin_protection = true,
        public_origins = ["https://api.example/", "https://*.api.example", "https://api.example/"],
    };
}
