//! Wall-clock timings (divan) of the `#[cors]` route variant, in a process of its own: a `Cors`
//! layer built on a thread after another one (here, a route's) cannot tell whether that one
//! is inside it, and so claims every cross-origin request for layers inside (~200
//! instructions), which would change what `cors.rs` measures for the app-wide variant.
//!
//! ```text
//! cargo bench -p cors-actix-benches --bench per_route
//! ```

use cors_actix_benches::Case;
use divan::Bencher;

mod support;

fn main() {
    divan::main();
}

#[divan::bench(args = Case::ALL)]
fn per_route(bencher: Bencher<'_, '_>, case: Case) {
    support::bench_app(bencher, cors_actix_benches::per_route_app(), case);
}
