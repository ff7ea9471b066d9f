//! Compile-time checks of `#[cors]` and `policy!`: one fixture per error in `ui/fail`, each
//! with the exact compiler output it must produce beside it, and fixtures that must compile
//! in `ui/pass`. Regenerate the `.stderr` files with `TRYBUILD=overwrite` and review them
//! like documentation. The toolchain is pinned (the machine's stable rustc), so compiler
//! wording does not drift under them.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
    cases.pass("ui/pass/*.rs");
}
