#![deny(deprecated)]

fn main() {
    // A repeat, not `*` beside another origin: a warning (denied here, so that this test sees
    // it), not an error.
    let _policy = cors_actix::policy! {
        origins = ["*", "*"],
    };
}
