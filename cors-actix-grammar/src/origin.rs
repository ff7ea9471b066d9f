//! Serialized origins: RFC 6454 §6.2 and the URL standard's "ASCII serialization of an
//! origin", i.e. exactly what a browser puts in the `Origin` request header.

use std::{
    fmt,
    net::{Ipv4Addr, Ipv6Addr},
};

/// Longest `Origin` value considered at all. A DNS name is at most 253 bytes; scheme, `://`
/// and `:port` add a few more. Anything longer is not an origin a browser sends, and
/// refusing it early bounds the work done on hostile input.
pub const MAX_ORIGIN_LEN: usize = 512;

/// A serialized origin, `scheme "://" host [ ":" port ]`, borrowed from its text.
///
/// Parsing is strict: it accepts exactly the serialization a browser produces (lower-case
/// scheme and host, no default port, no path, no trailing slash), so that two origins are
/// equal exactly when their bytes are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<u16>,
}

/// Why a string is not a serialized origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginError {
    /// The value is empty.
    Empty,
    /// The value is longer than [`MAX_ORIGIN_LEN`].
    TooLong,
    /// The value contains a byte outside printable ASCII (browsers send hosts in punycode).
    NotAscii,
    /// The value contains whitespace.
    Whitespace,
    /// There is no `scheme://` in front of the host.
    MissingScheme,
    /// The scheme is not `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    InvalidScheme,
    /// The scheme has upper-case letters; browsers serialize it in lower case.
    UppercaseScheme,
    /// Nothing follows `://`.
    MissingHost,
    /// The origin has `user:password@` in front of the host.
    Userinfo,
    /// The host is not a valid domain name, IPv4 address or bracketed IPv6 address.
    InvalidHost,
    /// A valid IPv6 address, not written as browsers write it (the URL standard's form).
    Ipv6NotAsBrowsersWriteIt,
    /// The host has upper-case letters; browsers serialize it in lower case.
    UppercaseHost,
    /// The port is not a decimal number from 0 to 65535 without leading zeros.
    InvalidPort,
    /// The port is the scheme's default one, which browsers omit from the origin.
    DefaultPort,
    /// The value ends with `/`; an origin has no path, not even `/`.
    TrailingSlash,
    /// The value has a path after the host.
    Path,
    /// The value has a `?query`.
    Query,
    /// The value has a `#fragment`.
    Fragment,
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "an origin cannot be empty",
            Self::TooLong => "an origin is at most 512 bytes long",
            Self::NotAscii => {
                "an origin is ASCII only; write an internationalized host in punycode (`xn--...`)"
            }
            Self::Whitespace => "an origin contains no whitespace",
            Self::MissingScheme => "an origin starts with a scheme such as `https://`",
            Self::InvalidScheme => {
                "the scheme of an origin is a letter followed by letters, digits, `+`, `-` or `.`"
            }
            Self::UppercaseScheme => {
                "browsers send the scheme in lower case, so an upper-case scheme never matches"
            }
            Self::MissingHost => "an origin has a host after `://`",
            Self::Userinfo => "an origin has no `user@` part; browsers never send one",
            Self::InvalidHost => {
                "the host is not a valid domain name, IPv4 address or bracketed IPv6 address"
            }
            Self::Ipv6NotAsBrowsersWriteIt => {
                "browsers write an IPv6 host in the URL standard's form (lower-case hex pieces, the longest run of zeros as `::`, no dotted IPv4 tail), so this one never matches"
            }
            Self::UppercaseHost => {
                "browsers send the host in lower case, so an upper-case host never matches"
            }
            Self::InvalidPort => "the port is a number from 0 to 65535 without leading zeros",
            Self::DefaultPort => {
                "browsers omit the scheme's default port from the origin, so it never matches"
            }
            Self::TrailingSlash => {
                "an origin has no trailing slash; browsers send only `scheme://host[:port]`"
            }
            Self::Path => "an origin has no path; browsers send only `scheme://host[:port]`",
            Self::Query => "an origin has no query string",
            Self::Fragment => "an origin has no fragment",
        })
    }
}

impl std::error::Error for OriginError {}

/// The port a browser leaves out of the origin for `scheme`.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

impl<'a> Origin<'a> {
    /// Parses a serialized origin. `null` is not an origin here (it has no parts); callers
    /// treat it separately.
    ///
    /// # Errors
    /// Any deviation from the browser serialization, as an [`OriginError`].
    pub fn parse(input: &'a str) -> Result<Self, OriginError> {
        Self::parse_bytes(input.as_bytes())
    }

    /// [`Origin::parse`] on raw header bytes, which may be anything a client sent.
    ///
    /// # Errors
    /// As [`Origin::parse`]; also [`OriginError::NotAscii`] for bytes outside printable ASCII.
    pub fn parse_bytes(input: &'a [u8]) -> Result<Self, OriginError> {
        if input.is_empty() {
            return Err(OriginError::Empty);
        }
        if input.len() > MAX_ORIGIN_LEN {
            return Err(OriginError::TooLong);
        }
        if let Some(&byte) = input.iter().find(|b| !b.is_ascii_graphic()) {
            return Err(if byte == b' ' || byte == b'\t' || byte == b'\r' || byte == b'\n' {
                OriginError::Whitespace
            } else {
                OriginError::NotAscii
            });
        }
        // Every byte is printable ASCII from here on, so slicing at byte offsets is valid UTF-8.
        let text = std::str::from_utf8(input).map_err(|_| OriginError::NotAscii)?;

        let (scheme, rest) = text.split_once("://").ok_or(OriginError::MissingScheme)?;
        check_scheme(scheme)?;

        if rest.is_empty() {
            return Err(OriginError::MissingHost);
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        match tail.as_bytes().first() {
            None => {}
            Some(b'/') if tail.len() == 1 => return Err(OriginError::TrailingSlash),
            Some(b'/') => return Err(OriginError::Path),
            Some(b'?') => return Err(OriginError::Query),
            Some(_) => return Err(OriginError::Fragment),
        }
        if authority.contains('@') {
            return Err(OriginError::Userinfo);
        }
        let (host, port) = split_port(authority)?;
        check_host(host)?;
        if let Some(port) = port {
            if default_port(scheme) == Some(port) {
                return Err(OriginError::DefaultPort);
            }
        }
        Ok(Origin { scheme, host, port })
    }

    /// The scheme, e.g. `https`.
    pub fn scheme(&self) -> &'a str {
        self.scheme
    }

    /// The host: a lower-case domain, an IPv4 address, or an IPv6 address in brackets.
    pub fn host(&self) -> &'a str {
        self.host
    }

    /// The explicit port, `None` when the scheme's default is used.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

pub(crate) fn check_scheme(scheme: &str) -> Result<(), OriginError> {
    let mut bytes = scheme.bytes();
    match bytes.next() {
        Some(first) if first.is_ascii_alphabetic() => {}
        _ => return Err(OriginError::InvalidScheme),
    }
    if !bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
        return Err(OriginError::InvalidScheme);
    }
    if scheme.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(OriginError::UppercaseScheme);
    }
    Ok(())
}

/// Splits `host[:port]`, minding the colons inside a bracketed IPv6 address.
pub(crate) fn split_port(authority: &str) -> Result<(&str, Option<u16>), OriginError> {
    let colon = if authority.starts_with('[') {
        match authority.find(']') {
            Some(close) => match authority.as_bytes().get(close + 1) {
                None => None,
                Some(b':') => Some(close + 1),
                Some(_) => return Err(OriginError::InvalidHost),
            },
            None => return Err(OriginError::InvalidHost),
        }
    } else {
        authority.rfind(':')
    };
    match colon {
        None => Ok((authority, None)),
        Some(at) => Ok((&authority[..at], Some(parse_port(&authority[at + 1..])?))),
    }
}

pub(crate) fn parse_port(digits: &str) -> Result<u16, OriginError> {
    let canonical = !digits.is_empty()
        && digits.len() <= 5
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0'));
    if !canonical {
        return Err(OriginError::InvalidPort);
    }
    digits.parse().map_err(|_| OriginError::InvalidPort)
}

/// Checks a host as the URL standard's host serializer writes it.
pub(crate) fn check_host(host: &str) -> Result<(), OriginError> {
    if host.is_empty() {
        return Err(OriginError::MissingHost);
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(OriginError::InvalidHost)?;
        if inner.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(OriginError::UppercaseHost);
        }
        // Browsers write an IPv6 host as the URL standard serializes it; anything else would
        // never match a real request.
        let parsed: Ipv6Addr = inner.parse().map_err(|_| OriginError::InvalidHost)?;
        return if serialize_ipv6(parsed) == inner {
            Ok(())
        } else {
            Err(OriginError::Ipv6NotAsBrowsersWriteIt)
        };
    }
    check_domain(host)?;
    // A host whose last label is numeric is an IPv4 address to the URL parser, which
    // writes it in dotted-decimal form: `127.1` arrives as `127.0.0.1`.
    let last_label = host.rsplit('.').next().unwrap_or(host);
    if last_label.bytes().all(|b| b.is_ascii_digit()) {
        let parsed: Ipv4Addr = host.parse().map_err(|_| OriginError::InvalidHost)?;
        if parsed.to_string() != host {
            return Err(OriginError::InvalidHost);
        }
    }
    Ok(())
}

/// A domain as browsers serialize it: non-empty labels of lower-case letters, digits, `-`
/// and `_` (the URL standard does not forbid underscores), at most 253 bytes.
pub(crate) fn check_domain(domain: &str) -> Result<(), OriginError> {
    if domain.len() > 253 {
        return Err(OriginError::InvalidHost);
    }
    let mut uppercase = false;
    for label in domain.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(OriginError::InvalidHost);
        }
        for byte in label.bytes() {
            match byte {
                b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {}
                b'A'..=b'Z' => uppercase = true,
                _ => return Err(OriginError::InvalidHost),
            }
        }
    }
    if uppercase {
        Err(OriginError::UppercaseHost)
    } else {
        Ok(())
    }
}

/// An IPv6 address as the URL standard serializes it ("IPv6 serializer"): lower-case hex
/// pieces without leading zeros, the first longest run of two or more zero pieces written
/// `::`, and never a dotted IPv4 tail. Rust's `Ipv6Addr` display differs for IPv4-mapped
/// addresses (`::ffff:127.0.0.1`, where a browser sends `::ffff:7f00:1`).
pub(crate) fn serialize_ipv6(address: Ipv6Addr) -> String {
    let pieces = address.segments();
    // The first longest run of zero pieces, if it is at least two long.
    let mut compress: Option<(usize, usize)> = None;
    let mut index = 0;
    while index < pieces.len() {
        let start = index;
        while index < pieces.len() && pieces[index] == 0 {
            index += 1;
        }
        let length = index - start;
        if length >= 2 && compress.is_none_or(|(_, longest)| length > longest) {
            compress = Some((start, length));
        }
        index += usize::from(length == 0);
    }
    let mut output = String::with_capacity(39);
    let mut index = 0;
    while index < pieces.len() {
        if let Some((start, length)) = compress.filter(|&(start, _)| start == index) {
            output.push_str(if start == 0 { "::" } else { ":" });
            index += length;
            continue;
        }
        output.push_str(&format!("{:x}", pieces[index]));
        if index != pieces.len() - 1 {
            output.push(':');
        }
        index += 1;
    }
    output
}

/// The origin a browser would send for something a person wrote by hand, when that differs
/// from what they wrote: `HTTPS://App.Example:443/` becomes `https://app.example`, and
/// `app.example` becomes `https://app.example`. `None` when no such origin exists.
pub fn suggest_origin(written: &str) -> Option<String> {
    let trimmed = written.trim();
    let (scheme, rest) = match trimmed.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), trimmed),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rfind(':') {
        Some(at) if !authority[at..].contains(']') => (&authority[..at], Some(&authority[at + 1..])),
        _ => (authority, None),
    };
    let mut host = host.to_ascii_lowercase();
    if let Some(address) =
        host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).and_then(|h| h.parse().ok())
    {
        host = format!("[{}]", serialize_ipv6(address));
    }
    let port = port
        .and_then(|digits| digits.parse::<u16>().ok())
        .filter(|&port| default_port(&scheme) != Some(port));
    let candidate = match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    };
    (candidate != written && Origin::parse(&candidate).is_ok()).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> OriginError {
        Origin::parse(input).unwrap_err()
    }

    // RFC 6454 §6.2: scheme "://" host [ ":" port ].
    #[test]
    fn rfc6454_serialization_parses_into_its_parts() {
        let origin = Origin::parse("https://app.example:8443").unwrap();
        assert_eq!((origin.scheme(), origin.host(), origin.port()), ("https", "app.example", Some(8443)));
        assert_eq!(origin.to_string(), "https://app.example:8443");
        assert_eq!(Origin::parse("http://localhost").unwrap().port(), None);
    }

    // RFC 6454 §6.2: the default port is omitted from the serialization.
    #[test]
    fn rfc6454_default_port_is_not_a_serialization() {
        assert_eq!(err("https://app.example:443"), OriginError::DefaultPort);
        assert_eq!(err("http://app.example:80"), OriginError::DefaultPort);
        assert!(Origin::parse("http://app.example:443").is_ok());
    }

    // RFC 6454 §6.2: no path, so not even a trailing slash.
    #[test]
    fn rfc6454_path_query_fragment_are_rejected() {
        assert_eq!(err("https://app.example/"), OriginError::TrailingSlash);
        assert_eq!(err("https://app.example/x"), OriginError::Path);
        assert_eq!(err("https://app.example?x"), OriginError::Query);
        assert_eq!(err("https://app.example#x"), OriginError::Fragment);
    }

    // URL standard, host serializer: hosts are lower case, IPv4 dotted decimal, IPv6 compressed.
    #[test]
    fn url_standard_host_serialization() {
        assert_eq!(err("https://App.Example"), OriginError::UppercaseHost);
        assert_eq!(err("HTTPS://app.example"), OriginError::UppercaseScheme);
        assert!(Origin::parse("http://127.0.0.1:8080").is_ok());
        assert_eq!(err("http://127.1"), OriginError::InvalidHost);
        assert!(Origin::parse("http://[::1]:8080").is_ok());
        assert_eq!(Origin::parse("http://[::1]:8080").unwrap().host(), "[::1]");
        assert_eq!(err("http://[0:0:0:0:0:0:0:1]"), OriginError::Ipv6NotAsBrowsersWriteIt);
        assert_eq!(err("http://[::1"), OriginError::InvalidHost);
        assert!(Origin::parse("https://xn--bcher-kva.example").is_ok());
        assert!(Origin::parse("chrome-extension://abcdefghijklmnop").is_ok());
    }

    #[test]
    fn malformed_values_are_rejected_with_a_reason() {
        assert_eq!(err(""), OriginError::Empty);
        assert_eq!(err("app.example"), OriginError::MissingScheme);
        assert_eq!(err("https://"), OriginError::MissingHost);
        assert_eq!(err("https://user@app.example"), OriginError::Userinfo);
        assert_eq!(err("https://app.example@evil.example"), OriginError::Userinfo);
        assert_eq!(err("https://app..example"), OriginError::InvalidHost);
        assert_eq!(err("https://app.example."), OriginError::InvalidHost);
        assert_eq!(err("https://app.example%60.evil.com"), OriginError::InvalidHost);
        assert_eq!(err("https://app.example:"), OriginError::InvalidPort);
        assert_eq!(err("https://app.example:65536"), OriginError::InvalidPort);
        assert_eq!(err("https://app.example:0080"), OriginError::InvalidPort);
        assert_eq!(err("https://app.example:*"), OriginError::InvalidPort);
        assert_eq!(err(" https://app.example"), OriginError::Whitespace);
        assert_eq!(err("1https://app.example"), OriginError::InvalidScheme);
        assert_eq!(Origin::parse_bytes(b"https://b\xc3\xbccher.example"), Err(OriginError::NotAscii));
        assert_eq!(Origin::parse_bytes(&[b'a'; MAX_ORIGIN_LEN + 1]), Err(OriginError::TooLong));
    }

    // URL standard, "IPv6 serializer": the host a browser writes for an IPv6 address.
    #[test]
    fn url_standard_ipv6_serialization() {
        let serialized = |text: &str| serialize_ipv6(text.parse().unwrap());
        assert_eq!(serialized("::ffff:127.0.0.1"), "::ffff:7f00:1", "IPv4-mapped: hex pieces, never dotted");
        assert_eq!(serialized("::1"), "::1");
        assert_eq!(serialized("::"), "::");
        assert_eq!(serialized("1::"), "1::");
        assert_eq!(serialized("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1", "the first of two longest runs");
        assert_eq!(serialized("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1", "the longest run, not the first");
        assert_eq!(
            serialized("2001:db8:1:2:3:4:5:0"),
            "2001:db8:1:2:3:4:5:0",
            "a single zero is not compressed"
        );
        assert_eq!(serialized("FE80::ABCD"), "fe80::abcd");

        assert!(Origin::parse("http://[::ffff:7f00:1]").is_ok(), "what a browser sends");
        assert_eq!(
            err("http://[::ffff:127.0.0.1]"),
            OriginError::Ipv6NotAsBrowsersWriteIt,
            "what no browser sends"
        );
        assert_eq!(err("http://[0:0:0:0:0:0:0:1]:8080"), OriginError::Ipv6NotAsBrowsersWriteIt);
        assert_eq!(suggest_origin("http://[::ffff:127.0.0.1]").as_deref(), Some("http://[::ffff:7f00:1]"));
        assert_eq!(suggest_origin("http://[0:0:0:0:0:0:0:1]:8080").as_deref(), Some("http://[::1]:8080"));
    }

    #[test]
    fn suggestions_correct_hand_written_origins() {
        assert_eq!(suggest_origin("https://app.example/").as_deref(), Some("https://app.example"));
        assert_eq!(suggest_origin("https://app.example:443").as_deref(), Some("https://app.example"));
        assert_eq!(suggest_origin("https://App.Example").as_deref(), Some("https://app.example"));
        assert_eq!(suggest_origin("app.example").as_deref(), Some("https://app.example"));
        assert_eq!(
            suggest_origin("HTTP://App.Example:8080/path?q").as_deref(),
            Some("http://app.example:8080")
        );
        assert_eq!(suggest_origin("https://app.example"), None);
        assert_eq!(suggest_origin("https://bad host"), None);
    }
}
