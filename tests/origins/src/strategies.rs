//! Generators of `Origin` values and header bytes, and the case counts of the property tests.

use proptest::prelude::*;

/// A byte `HeaderValue::from_bytes` accepts: visible ASCII, SP, HTAB and obs-text.
fn header_byte() -> impl Strategy<Value = u8> {
    prop_oneof![8 => 0x20u8..0x7f, 1 => 0x80u8..=0xff, 1 => Just(b'\t')]
}

/// Up to `max` bytes of a header value, any of them.
pub fn header_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(header_byte(), 0..max)
}

const SCHEMES: &[&str] =
    &["https", "http", "ws", "wss", "HTTPS", "Https", "ftp", "chrome-extension", "1http"];
const HOSTS: &[&str] = &[
    "app.example",
    "a.app.example",
    "x.y.app.example",
    "app.example.evil.com",
    "evilapp.example",
    "app.example.",
    "App.example",
    "APP.EXAMPLE",
    "localhost",
    "localhost.evil.com",
    "127.0.0.1",
    "127.1",
    "[::1]",
    "[::ffff:7f00:1]",
    "[::ffff:127.0.0.1]",
    "[0:0:0:0:0:0:0:1]",
    "xn--bcher-kva.example",
    "b\u{fc}cher.example",
    "tenant-42.example",
    "tenant-.example",
    "abc.regex.example",
    "ABC.regex.example",
    "dyn-abc.example",
    "dyn-ab1.example",
    "mixed.example",
    "MIXED.EXAMPLE",
    "x.lan.example",
    "lan.example",
    "_srv.app.example",
    "-.app.example",
    "app..example",
    "app.example@evil.com",
    "app.example%60.evil.com",
];
const PORTS: &[&str] = &[
    "", ":80", ":443", ":21", ":3000", ":8080", ":8443", ":65535", ":65536", ":0", ":08080", ":0443", ":",
    ":*",
];

/// `scheme://host[:port]` from the pools above: allowed, near-miss and malformed origins.
pub fn pooled_origin() -> impl Strategy<Value = Vec<u8>> {
    (prop::sample::select(SCHEMES), prop::sample::select(HOSTS), prop::sample::select(PORTS))
        .prop_map(|(scheme, host, port)| format!("{scheme}://{host}{port}").into_bytes())
}

/// Origins that some policy of the cors-actix property tests allows, so that allowed answers are
/// common too.
const AIMED: &[&str] = &[
    "https://app.example",
    "http://app.example",
    "https://app.example:8443",
    "https://a.app.example",
    "https://x.y.app.example",
    "https://a.app.example:8443",
    "https://a.app.example:9000",
    "ws://a.app.example",
    "http://localhost",
    "http://localhost:3000",
    "http://127.0.0.1:8080",
    "http://[::1]:8080",
    "http://[::ffff:7f00:1]",
    "http://[::ffff:127.0.0.1]",
    "https://xn--bcher-kva.example",
    "http://x.lan.example:9000",
    "https://tenant-42.example",
    "https://abc.regex.example",
    "https://abc.regex.example:8080",
    "https://mixed.example",
    "https://dyn-abc.example",
    "null",
];

/// One of the origins the property tests' policies allow.
pub fn aimed_origin() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(AIMED).prop_map(|origin| origin.as_bytes().to_vec())
}

/// A pooled or aimed origin with one edit: a case flip, an inserted or removed byte, or an appended or
/// prepended trick.
pub fn mutated_origin() -> impl Strategy<Value = Vec<u8>> {
    const APPENDS: &[&str] =
        &["/", ".", ":", ".evil.com", "@evil.com", "%60.evil.com", " ", "\t", ":443", "/x", "?x", "#x", ","];
    const PREPENDS: &[&str] = &[" ", "\t", "x", "https://", "null,", "https://app.example, "];
    (
        prop_oneof![pooled_origin(), aimed_origin()],
        0usize..5,
        any::<prop::sample::Index>(),
        header_byte(),
        0..APPENDS.len(),
        0..PREPENDS.len(),
    )
        .prop_map(|(mut origin, edit, at, byte, append, prepend)| {
            let i = at.index(origin.len());
            match edit {
                0 => {
                    origin[i] =
                        if origin[i].is_ascii_lowercase() { origin[i].to_ascii_uppercase() } else { byte }
                }
                1 => origin.insert(i, byte),
                2 => {
                    origin.remove(i);
                }
                3 => origin.extend_from_slice(APPENDS[append].as_bytes()),
                _ => origin.splice(0..0, PREPENDS[prepend].bytes()).for_each(drop),
            }
            origin
        })
}

/// `cases` cases, or `PROPTEST_CASES` when set (to look harder); no failure files, shrinking
/// bounded.
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}
