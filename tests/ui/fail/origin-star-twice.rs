fn main() {
    // A repeat, not `*` beside another origin.
    let _policy = cors_actix::policy! {
        origins = ["*", "*"],
    };
}
