//! Generated policies and hostile requests: mostly aimed at what the pools allow, with
//! near-miss, mutated, long and malformed values among them.

use cors_actix_test_origins::{aimed_origin, header_bytes, mutated_origin, pooled_origin};
use proptest::prelude::*;

use crate::{
    model::{HostChoice, Req, PATHS},
    policies::{Spec, ALLOW_HEADERS, EXPOSE_HEADERS, MAX_AGES, METHODS, ORIGIN_ENTRIES, REGEXES},
};

/// Long hosts: labels over 63 bytes, hosts over 253, values over 512.
fn long_origin() -> impl Strategy<Value = Vec<u8>> {
    (40usize..700, prop::bool::ANY).prop_map(|(n, dotted)| {
        let label = if dotted { "ab.".repeat(n / 3) } else { "a".repeat(n) };
        format!("https://{label}.app.example").into_bytes()
    })
}

fn origin_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => pooled_origin(),
        6 => aimed_origin(),
        5 => mutated_origin(),
        2 => header_bytes(48),
        1 => Just(b"null".to_vec()),
        1 => Just(b"".to_vec()),
        1 => long_origin(),
    ]
}

fn acrm_value() -> impl Strategy<Value = Vec<u8>> {
    const LIKELY: &[&str] = &["GET", "POST", "PUT", "DELETE"];
    const TOKENS: &[&str] = &[
        "GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "patch", "PURGE", "OPTIONS", "get", "CONNECT",
        "P(T", " PUT",
    ];
    prop_oneof![
        4 => prop::sample::select(LIKELY).prop_map(|t| t.as_bytes().to_vec()),
        4 => prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
        1 => header_bytes(16),
    ]
}

fn acrh_value() -> impl Strategy<Value = Vec<u8>> {
    const NAMES: &[&str] = &[
        "content-type",
        "Content-Type",
        "x-api-key",
        "X-API-KEY",
        "x-custom",
        "authorization",
        "Authorization",
        "x-other",
        "cookie",
        "x y",
        "",
    ];
    const SEPARATORS: &[&str] = &[",", ", ", " ,\t", ",,"];
    let list = (prop::collection::vec(prop::sample::select(NAMES), 0..4), prop::sample::select(SEPARATORS))
        .prop_map(|(names, sep)| names.join(sep).into_bytes());
    prop_oneof![
        3 => prop::sample::select(&NAMES[..5]).prop_map(|name| name.as_bytes().to_vec()),
        4 => list,
        1 => header_bytes(32),
    ]
}

pub(crate) fn request() -> impl Strategy<Value = Req> {
    const METHOD_NAMES: &[&str] = &[
        "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OPTIONS", "OPTIONS", "OPTIONS", "HEAD", "PURGE",
    ];
    let origins = prop_oneof![
        2 => Just(Vec::new()),
        12 => origin_value().prop_map(|o| vec![o]),
        1 => prop::collection::vec(origin_value(), 2..4),
    ];
    let host = prop_oneof![
        6 => Just(HostChoice::None),
        1 => prop::sample::select(&["api.example", "app.example", "app.example:443", "APP.EXAMPLE"][..])
            .prop_map(HostChoice::Fixed),
        1 => Just(HostChoice::FromOrigin),
        1 => Just(HostChoice::FromOriginWithPort),
    ];
    (
        prop::sample::select(METHOD_NAMES),
        prop::sample::select(&PATHS[..]),
        origins,
        prop::option::weighted(0.8, acrm_value()),
        prop_oneof![
            5 => Just(Vec::new()),
            5 => acrh_value().prop_map(|list| vec![list]),
            1 => prop::collection::vec(acrh_value(), 2..3),
        ],
        prop::option::weighted(
            0.2,
            prop_oneof![
                prop::sample::select(&["true", "TRUE", "false", ""][..]).prop_map(|v| v.as_bytes().to_vec()),
                header_bytes(8)
            ],
        ),
        prop::option::weighted(
            0.2,
            prop::sample::select(&["same-origin", "cross-site", "same-site", "none"][..]),
        ),
        host,
    )
        .prop_map(|(method, path, origins, acrm, acrh, pna, sec_fetch_site, host)| Req {
            method,
            path,
            origins,
            acrm,
            acrh,
            pna,
            sec_fetch_site,
            host,
        })
}

/// A policy drawn from the pools; mostly valid settings, so that most cases build.
pub(crate) fn spec() -> impl Strategy<Value = Spec> {
    let valid_origins: Vec<usize> =
        (1..ORIGIN_ENTRIES.len()).filter(|&i| ORIGIN_ENTRIES[i].1.is_some()).collect();
    let origin_index = prop_oneof![
        12 => prop::sample::select(valid_origins),
        1 => 0..ORIGIN_ENTRIES.len(),
    ];
    let regex_index = prop_oneof![6 => 0usize..4, 1 => 0..REGEXES.len()];
    let few = |max_valid: usize, all: usize| prop_oneof![8 => 0..max_valid, 1 => 0..all];
    // `*` cannot be mixed with other origins: draw star-only policies on their own.
    let origins_regexes_predicate = prop_oneof![
        1 => Just((vec![0], Vec::new(), false)),
        4 => (
            prop::collection::vec(origin_index, 1..6),
            prop::collection::vec(regex_index, 0..3),
            prop::bool::weighted(0.3),
        ),
    ];
    (
        origins_regexes_predicate,
        prop::collection::vec(few(7, METHODS.len()), 0..4),
        prop::collection::vec(few(5, ALLOW_HEADERS.len()), 0..3),
        prop::collection::vec(few(3, EXPOSE_HEADERS.len()), 0..3),
        prop::bool::ANY,
        few(4, MAX_AGES.len()),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.4),
    )
        .prop_map(
            |(
                (origins, regexes, predicate),
                methods,
                allow_headers,
                expose,
                credentials,
                max_age,
                private_network,
                reject,
            )| {
                Spec {
                    origins,
                    regexes,
                    predicate,
                    methods,
                    allow_headers,
                    expose,
                    credentials,
                    max_age,
                    private_network,
                    reject,
                }
            },
        )
}
