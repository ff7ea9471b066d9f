//! What a browser can put in `Origin`, for the property tests of `cors-actix-grammar` and
//! `cors-actix`: an oracle written from the standards (RFC 6454 §6.2 and the URL standard's
//! host serializer), independently of the crates it judges, and the generators of origins
//! allowed, near-miss and malformed that both test suites draw from.

mod oracle;
mod strategies;

pub use oracle::{default_port_of, oracle, Parts};
pub use strategies::{aimed_origin, config, header_bytes, mutated_origin, pooled_origin};
