//! Procedural macros of `cors-actix`: the `#[cors(...)]` route attribute and `policy!`.
//! Use them through `cors_actix::{cors, policy}`, whose documentation has the examples.
//!
//! Both parse their keys, check every value with the grammar the runtime builder uses
//! (`cors-actix-grammar`), report every mistake at once as a compile error on the offending
//! token, and only then expand.

mod ctxt;
mod expand;
mod policy_args;
mod route_attr;

use proc_macro::TokenStream;

/// Gives a route handler its own CORS policy, checked at compile time. Write it above the
/// route attribute (`#[get]`, `#[post]`, `#[put]`, `#[delete]`, `#[patch]`, `#[head]`,
/// `#[route]`). See `cors_actix::cors` for the keys and examples.
#[proc_macro_attribute]
pub fn cors(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::cors(args.into(), input.into()).into()
}

/// Builds a `cors_actix::Policy` from the same keys as `#[cors]`, checked at compile time.
/// See `cors_actix::policy!`.
#[proc_macro]
pub fn policy(input: TokenStream) -> TokenStream {
    expand::policy(input.into()).into()
}
