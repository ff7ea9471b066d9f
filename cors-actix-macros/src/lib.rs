//! Procedural macros of `cors-actix`. Use them through `cors_actix::{cors, policy}`.
