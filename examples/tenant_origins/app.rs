//! The `tenant_origins` app: the tenants' table, the policy that asks it, the routes. Apart
//! from `main.rs` so that the integration tests build the same app on a SQLite file of their own.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    get,
    http::header::ContentType,
    post, web, App, HttpResponse, Responder,
};
use cors_actix::{cors, Cors, Policy, PolicyError};
use sqlx::{any::AnyPoolOptions, AnyPool};

/// How long a preflight may wait for the store: a browser waits with it, and a store slower
/// than this is down as far as CORS goes.
const CHECK_DEADLINE: Duration = Duration::from_millis(500);

/// Queries in flight at once; past them a check is refused at once, since a queue is what a
/// flood would fill.
const CHECK_LIMIT: usize = 32;

/// Origins kept in the cache: enough for every tenant and a flood of made-up origins, a few
/// megabytes at most.
const CACHE_CAPACITY: u64 = 50_000;

/// How long an answer is kept: a tenant's for five minutes, a refusal for one, so that a flood
/// of distinct origins costs one query per origin per minute.
const ALLOWED_TTL: Duration = Duration::from_secs(300);
const REFUSED_TTL: Duration = Duration::from_secs(60);

/// The tenant every new database starts with.
pub(crate) const SEEDED_TENANT: &str = "https://shop.example";

/// The tenants' origins in a SQL table, and how often the origin check asked for one.
#[derive(Clone)]
pub(crate) struct TenantStore {
    pool: AnyPool,
    queries: Arc<AtomicU64>,
    delay: Duration,
    fast_queries: u64,
}

impl TenantStore {
    /// Connects to `url`, creates the table if it is missing and seeds [`SEEDED_TENANT`].
    pub(crate) async fn open(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new().max_connections(8).connect(url).await?;
        sqlx::query("CREATE TABLE IF NOT EXISTS tenants (origin TEXT PRIMARY KEY)").execute(&pool).await?;
        let store = Self { pool, queries: Arc::default(), delay: Duration::ZERO, fast_queries: 0 };
        store.add(SEEDED_TENANT).await?;
        Ok(store)
    }

    /// Makes every query after the first `fast_queries` wait `delay` first: a store that
    /// turned slow while the server ran.
    pub(crate) fn slowed(self, delay: Duration, fast_queries: u64) -> Self {
        Self { delay, fast_queries, ..self }
    }

    /// Whether `origin` is a tenant's. A store error refuses: the check fails closed.
    async fn allows(&self, origin: &str) -> bool {
        let asked_before = self.queries.fetch_add(1, Ordering::Relaxed);
        if !self.delay.is_zero() && asked_before >= self.fast_queries {
            actix_web::rt::time::sleep(self.delay).await;
        }
        match sqlx::query("SELECT origin FROM tenants WHERE origin = $1")
            .bind(origin)
            .fetch_optional(&self.pool)
            .await
        {
            Ok(row) => row.is_some(),
            Err(error) => {
                log::error!("tenant store: {error}");
                false
            }
        }
    }

    /// Registers `origin`; registering it again changes nothing.
    pub(crate) async fn add(&self, origin: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO tenants (origin) VALUES ($1) ON CONFLICT (origin) DO NOTHING")
            .bind(origin)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many times the origin check asked the store.
    pub(crate) fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }
}

/// The API's policy: the platform's own front end listed, every other origin asked of the
/// store, the answers cached unless `cache` is false.
pub(crate) fn tenant_policy(store: TenantStore, cache: bool) -> Result<Policy, PolicyError> {
    let mut builder = Policy::builder()
        // Known in advance: listed, answered without asking the store.
        .allow_origin("https://app.example")
        .allow_origin_async(move |origin, _head| {
            let (store, origin) = (store.clone(), origin.to_str().unwrap_or_default().to_owned());
            async move { store.allows(&origin).await }
        })
        .origin_check_deadline(CHECK_DEADLINE)
        .origin_check_limit(CHECK_LIMIT)
        .allow_methods(["GET", "POST"])
        .allow_headers(["content-type"])
        .allow_credentials(true);
    if cache {
        builder = builder.cache_origin_checks(CACHE_CAPACITY).origin_check_ttl(ALLOWED_TTL, REFUSED_TTL);
    }
    builder.build()
}

#[get("/api/orders")]
async fn orders() -> impl Responder {
    HttpResponse::Ok().json(["order-1", "order-2"])
}

/// Registers a tenant's origin. Checked with the same rules as a configured origin, so that
/// a typo (`https://shop.example/`) is refused here rather than never matching later. Of
/// cross-origin callers only the admin front end may call it: with `reject`, a form posted
/// from any other site is refused before the handler runs (a real app would also
/// authenticate the caller).
#[cors(origins = ["https://admin.example"], on_mismatch = "reject")]
#[post("/tenants")]
async fn add_tenant(
    store: web::Data<TenantStore>,
    policy: web::Data<Policy>,
    origin: String,
) -> impl Responder {
    let origin = origin.trim().to_owned();
    if let Err(error) = Policy::builder().allow_origin(&origin).build() {
        return HttpResponse::BadRequest().body(format!("{error}\n"));
    }
    if let Err(error) = store.add(&origin).await {
        log::error!("tenant store: {error}");
        return HttpResponse::ServiceUnavailable().body("the tenant store is unavailable\n");
    }
    // The origin was probably asked before it was registered: without this its cached refusal
    // would stand until it expires.
    policy.forget_origin(&origin);
    HttpResponse::Created().body(format!("{origin} may now read /api/orders\n"))
}

/// How many times the origin check asked the store, for measuring what a flood costs.
#[get("/stats")]
async fn stats(store: web::Data<TenantStore>) -> impl Responder {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(format!("{{\"store_queries\":{}}}", store.queries()))
}

/// The app: the tenants' API under `policy`, `POST /tenants` and `GET /stats`.
pub(crate) fn app(
    store: TenantStore,
    policy: Policy,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(store))
        .app_data(web::Data::new(policy.clone()))
        .wrap(Cors::new(policy))
        .service(orders)
        .service(add_tenant)
        .service(stats)
}
