//! `Vary` is a list that other layers write too: merge into it, never overwrite it.

use actix_web::http::header::{HeaderMap, HeaderValue, VARY};
use cors_actix_grammar::list_elements;

/// Adds the single field name `name` to the response's `Vary`, keeping what is there and
/// adding nothing when `name` (compared case-insensitively) or `*` is already listed.
/// Without an existing `Vary` this is one lookup and one append of a pre-rendered value.
pub(crate) fn merge_vary(headers: &mut HeaderMap, name: &HeaderValue) {
    for value in headers.get_all(VARY) {
        let listed = list_elements(value.as_bytes())
            .any(|element| element == b"*" || element.eq_ignore_ascii_case(name.as_bytes()));
        if listed {
            return;
        }
    }
    // Without a `Vary`, appending is inserting, minus the replaced values `insert` hands
    // back. With one, a second field line is the same list as one joined value (RFC 9110
    // §5.3), and appending it costs no allocation.
    headers.append(VARY, name.clone());
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderName;

    use super::*;

    fn vary_after(existing: &[&'static str]) -> Vec<String> {
        let mut headers = HeaderMap::new();
        for value in existing {
            headers.append(VARY, HeaderValue::from_static(value));
        }
        merge_vary(&mut headers, &HeaderValue::from_static("Origin"));
        headers.get_all(VARY).map(|v| v.to_str().unwrap().to_owned()).collect()
    }

    // RFC 9110 §12.5.5: Vary is a list; merging keeps every existing member.
    #[test]
    fn rfc9110_vary_is_merged_without_duplicates() {
        assert_eq!(vary_after(&[]), ["Origin"]);
        assert_eq!(vary_after(&["Accept-Encoding"]), ["Accept-Encoding", "Origin"]);
        assert_eq!(vary_after(&["accept-encoding, origin"]), ["accept-encoding, origin"]);
        assert_eq!(vary_after(&["Accept", "ORIGIN"]), ["Accept", "ORIGIN"]);
        assert_eq!(vary_after(&["*"]), ["*"]);
        let _ = HeaderName::from_static("vary");
    }
}
