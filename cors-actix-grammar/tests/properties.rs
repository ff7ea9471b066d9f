//! The origin grammar against an oracle written independently of it: every origin a browser
//! can serialize parses into its parts and prints back to itself, and from any string the
//! parser accepts exactly what the oracle accepts, without panicking.
//!
//! Raise `PROPTEST_CASES` to look harder (e.g.
//! `PROPTEST_CASES=50000 cargo test -p cors-actix-grammar --test properties`).

use std::net::{Ipv4Addr, Ipv6Addr};

use cors_actix_grammar::{Origin, OriginPattern};
use cors_actix_test_origins::{config, default_port_of, mutated_origin, oracle};
use proptest::prelude::*;

/// A browser-serialized origin, built from parts: scheme, a domain of labels (the last one
/// starting with a letter), a dotted-decimal IPv4 or a compressed IPv6 host, and an optional
/// non-default port.
fn structured_origin() -> impl Strategy<Value = String> {
    let domain = (prop::collection::vec("[a-z0-9_-]{1,12}", 0..4), "[a-z][a-z0-9_-]{0,11}").prop_map(
        |(mut labels, last)| {
            labels.push(last);
            labels.join(".")
        },
    );
    let ipv4 = any::<[u8; 4]>().prop_map(|octets| Ipv4Addr::from(octets).to_string());
    let ipv6 = any::<[u16; 8]>().prop_map(|segments| format!("[{}]", Ipv6Addr::from(segments)));
    let host = prop_oneof![6 => domain, 1 => ipv4, 1 => ipv6];
    let scheme = prop_oneof![
        3 => prop::sample::select(&["https", "http", "ws", "wss", "ftp"][..]).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9+.-]{0,10}",
    ];
    (scheme, host, prop::option::of(any::<u16>())).prop_map(|(scheme, host, port)| {
        match port.filter(|&p| default_port_of(&scheme) != Some(p)) {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        }
    })
}

proptest! {
    #![proptest_config(config(3_000))]

    /// Every serialized origin parses, into the parts it was built from, and prints back to
    /// itself.
    #[test]
    fn structured_origins_round_trip(text in structured_origin()) {
        let parsed = Origin::parse(&text);
        prop_assert!(parsed.is_ok(), "{:?} refused: {:?}", text, parsed);
        let origin = parsed.unwrap();
        prop_assert_eq!(origin.to_string(), text.clone());
        let parts = oracle(text.as_bytes()).expect("the oracle accepts what it is built from");
        prop_assert_eq!((origin.scheme(), origin.host(), origin.port()), (parts.scheme.as_str(), parts.host.as_str(), parts.port));
    }

    /// Whatever the parser accepts, from any string, prints back to itself; it accepts exactly
    /// what the oracle accepts; and neither it nor the pattern parser panics.
    #[test]
    fn accepted_raw_origins_round_trip(
        text in prop_oneof![
            "\\PC{0,40}",
            "[ -~]{0,40}",
            "[a-z]{1,6}://[a-z0-9.:_\\[\\]-]{0,30}",
            structured_origin().prop_flat_map(|s| (Just(s.clone()), 0..s.len(), any::<char>()))
                .prop_map(|(mut s, at, c)| { let at = (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0); s.insert(at, c); s }),
            mutated_origin().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ]
    ) {
        let parsed = Origin::parse(&text);
        if let Ok(origin) = parsed {
            prop_assert_eq!(origin.to_string(), text.clone());
        }
        prop_assert_eq!(parsed.is_ok(), oracle(text.as_bytes()).is_some(), "parser and oracle disagree on {:?}: {:?}", text, parsed);
        let _ = OriginPattern::parse(&text);
        prop_assert_eq!(Origin::parse_bytes(text.as_bytes()).is_ok(), parsed.is_ok());
    }
}
