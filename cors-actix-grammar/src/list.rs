//! RFC 9110 §5.6.1 lists, as in `Access-Control-Request-Headers`.

/// The elements of a comma-separated list: each trimmed of optional whitespace (SP, HTAB),
/// empty elements skipped (RFC 9110 §5.6.1: "a recipient MUST accept empty list elements").
/// Borrows from `value`; allocates nothing.
pub fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').filter_map(|element| {
        let start = element.iter().position(|&b| b != b' ' && b != b'\t')?;
        let end = element.iter().rposition(|&b| b != b' ' && b != b'\t')?;
        Some(&element[start..=end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9110 §5.6.1: OWS around elements, empty elements ignored.
    #[test]
    fn rfc9110_list_elements() {
        let parsed: Vec<&[u8]> = list_elements(b" content-type ,,\tX-Api-Key, ,").collect();
        assert_eq!(parsed, [&b"content-type"[..], b"X-Api-Key"]);
        assert_eq!(list_elements(b"").count(), 0);
        assert_eq!(list_elements(b" , ,").count(), 0);
        assert_eq!(list_elements(b"a b").collect::<Vec<_>>(), [&b"a b"[..]]);
    }
}
