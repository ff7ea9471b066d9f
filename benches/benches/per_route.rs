//! Wall-clock timings (divan) of the `#[cors]` route variant, in a process of its own: once a
//! `#[cors]` route is mounted, every app-wide layer of the process looks up route policies,
//! which would change what `cors.rs` measures.
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
