use actix_web::{get, put, App, HttpResponse};
use cors_actix::{cors, policy, Cors};

policy! {
    /// Documented, public, and used by two routes and an app-wide layer.
    pub static PARTNERS = { origins = ["https://partner.example"], credentials = true };
}

policy! { static OPEN = { origins = "*", methods = ["GET"] } }

#[cors(policy = PARTNERS)]
#[get("/reports")]
async fn reports() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(policy = PARTNERS)]
#[put("/reports/{id}")]
async fn update() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(policy = self::OPEN)]
#[get("/open")]
async fn open() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _app = App::new().wrap(Cors::new(PARTNERS.policy())).service(reports).service(update).service(open);
}
