//! The origin oracle: what a browser can put in `Origin`, written from the standards.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A serialized origin, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The scheme, lower-case.
    pub scheme: String,
    /// The host as serialized: a domain, a dotted IPv4 address or a bracketed IPv6 one.
    pub host: String,
    /// The port, absent when it is the scheme's default.
    pub port: Option<u16>,
}

/// The default port of a special scheme, which a serialized origin omits.
pub fn default_port_of(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// `Some(parts)` when `bytes` is exactly the ASCII serialization of a tuple origin: lower-case
/// scheme and host, the default port omitted, no userinfo, path, query or fragment, a host
/// that is a domain of valid labels, a dotted-decimal IPv4 address or a compressed IPv6 one.
pub fn oracle(bytes: &[u8]) -> Option<Parts> {
    if bytes.is_empty() || bytes.len() > 512 || !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let (scheme, rest) = text.split_once("://")?;
    let mut scheme_bytes = scheme.bytes();
    if !scheme_bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        || !scheme_bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b))
    {
        return None;
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return None;
    }
    let (host, port_text) = if rest.starts_with('[') {
        let close = rest.find(']')?;
        let after = &rest[close + 1..];
        match after.strip_prefix(':') {
            Some(port) => (&rest[..=close], Some(port)),
            None if after.is_empty() => (rest, None),
            None => return None,
        }
    } else {
        match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    let port = match port_text {
        None => None,
        Some(digits) => {
            let canonical = (1..=5).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'));
            let value: u32 = if canonical { digits.parse().ok()? } else { return None };
            let value = u16::try_from(value).ok()?;
            if default_port_of(scheme) == Some(value) {
                return None;
            }
            Some(value)
        }
    };
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        let address: Ipv6Addr = inner.parse().ok()?;
        if url_standard_ipv6(address) != inner {
            return None;
        }
    } else {
        if host.is_empty() || host.len() > 253 {
            return None;
        }
        let labels_ok = host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        });
        if !labels_ok {
            return None;
        }
        let last = host.rsplit('.').next().unwrap_or(host);
        if last.bytes().all(|b| b.is_ascii_digit()) {
            let address: Ipv4Addr = host.parse().ok()?;
            if address.to_string() != host {
                return None;
            }
        }
    }
    Some(Parts { scheme: scheme.to_owned(), host: host.to_owned(), port })
}

/// The URL standard's IPv6 serialization, written for the model: every run of two or more
/// zero pieces is a candidate, the longest (then the first) becomes `::`; pieces in
/// lower-case hex; never a dotted IPv4 tail.
fn url_standard_ipv6(address: Ipv6Addr) -> String {
    let pieces = address.segments();
    let hex = |range: &[u16]| range.iter().map(|piece| format!("{piece:x}")).collect::<Vec<_>>().join(":");
    let mut best: Option<(usize, usize)> = None;
    for start in 0..8 {
        for end in start + 2..=8 {
            let zeros = pieces[start..end].iter().all(|&piece| piece == 0);
            if zeros && best.is_none_or(|(_, length)| end - start > length) {
                best = Some((start, end - start));
            }
        }
    }
    match best {
        Some((start, length)) => format!("{}::{}", hex(&pieces[..start]), hex(&pieces[start + length..])),
        None => hex(&pieces),
    }
}
