use actix_web::{dev::RequestHead, http::header::HeaderValue, post, route, web, App};
use cors_actix::{cors, policy, Cors};

fn partner(origin: &HeaderValue, _head: &RequestHead) -> bool {
    origin.as_bytes().ends_with(b".partner.example")
}

fn tenant(origin: &HeaderValue, _head: &RequestHead) -> impl std::future::Future<Output = bool> + 'static {
    let origin = origin.clone();
    async move { origin == "https://shop.example" }
}

#[cors(
    origins = ["https://app.example", "https://*.app.example", "http://localhost:*"],
    origin_regex = ["^https://tenant-[0-9]+\\.example$"],
    origin_fn = partner,
    origin_async = tenant,
    methods = ["POST"],
    headers = ["content-type", "authorization"],
    expose = ["x-request-id"],
    credentials = true,
    max_age = 86400,
    private_network = true,
    on_mismatch = "reject",
    cross_origin_protection = true,
    public_origins = ["https://api.example"],
)]
#[post("/items/{id}", name = "create_item")]
async fn create_item(id: web::Path<u32>) -> String {
    id.to_string()
}

/// Documented handlers keep their docs.
#[cors(origins = "*", headers = "*", expose = "*")]
#[route("/public", method = "GET", method = "HEAD")]
pub async fn public() -> &'static str {
    "public"
}

fn main() {
    // What only has no effect compiles, with a compiler warning on each token (the `fail`
    // fixtures deny them to see them): the repeat is kept once and the max-age is cut to a day.
    let warned = policy! {
        origins = ["https://app.example", "https://app.example"],
        headers = ["content-type", "cookie"],
        expose = ["set-cookie"],
        max_age = 604800,
    };
    assert_eq!(warned.max_age(), Some(86400));
    assert_eq!(warned.allowed_headers(), ["content-type", "cookie"]);
    assert!(warned.warnings().is_empty(), "a macro's warnings are the compiler's");

    let _app = App::new()
        // `null` only without cross-origin request protection, which cannot trust it.
        .wrap(Cors::new(policy! { origins = ["https://admin.example", "null"], max_age = 0 }))
        .service(create_item)
        .service(web::scope("/v1").service(public));
}
