//! Origin patterns: `https://*.example.com`, `https://*.example.com:*`, `http://localhost:*`.
//!
//! A pattern is an origin whose leftmost host label may be `*` (one or more whole DNS labels)
//! and whose port may be `*` (any port, or none). Nothing else is a wildcard: not part of a
//! label, not the scheme, not the apex domain.

use std::fmt;

use crate::origin::{check_domain, check_host, check_scheme, default_port, split_port};
use crate::{Origin, OriginError};

/// A parsed origin pattern, borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginPattern<'a> {
    scheme: &'a str,
    host: HostPattern<'a>,
    port: PortPattern,
}

/// An [`OriginPattern`] that owns its text, for policies built at run time. Matching goes
/// through [`OwnedOriginPattern::as_pattern`], so there is one matching rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedOriginPattern {
    scheme: String,
    host: String,
    subdomains: bool,
    port: PortPattern,
}

impl OwnedOriginPattern {
    /// The borrowed pattern, for matching.
    pub fn as_pattern(&self) -> OriginPattern<'_> {
        OriginPattern {
            scheme: &self.scheme,
            host: if self.subdomains {
                HostPattern::Subdomains(&self.host)
            } else {
                HostPattern::Exact(&self.host)
            },
            port: self.port,
        }
    }
}

/// The host part of an [`OriginPattern`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostPattern<'a> {
    /// Exactly this host (the pattern's wildcard is in the port).
    Exact(&'a str),
    /// One or more labels in front of this suffix (given without its leading dot).
    Subdomains(&'a str),
}

/// The port part of an [`OriginPattern`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortPattern {
    /// No port in the origin: the scheme's default.
    Default,
    /// Exactly this port.
    Exact(u16),
    /// `:*`: any port, or none.
    Any,
}

/// Why a string is not an origin pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternError {
    /// `*` appears in the scheme.
    WildcardInScheme,
    /// `*` is part of a label (`*example.com`, `a*.example.com`) instead of a whole label.
    PartialLabelWildcard,
    /// `*` is not the leftmost label (`app.*.example`).
    WildcardNotLeftmost,
    /// `*.com`: the part after `*.` has a single label, which would match whole top-level domains.
    SuffixTooBroad,
    /// `*.0.1`: the part after `*.` ends in a number, so it is part of an IP address, not a
    /// domain with subdomains.
    NumericSuffix,
    /// Neither the host nor the port has a wildcard.
    NoWildcard,
    /// The rest of the pattern is not a valid origin.
    Origin(OriginError),
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WildcardInScheme => f.write_str("the scheme of an origin pattern cannot be a wildcard; list each scheme"),
            Self::PartialLabelWildcard => f.write_str("`*` must be a whole DNS label followed by a dot, as in `https://*.example.com`"),
            Self::WildcardNotLeftmost => f.write_str("`*` may only be the leftmost label of the host, as in `https://*.example.com`"),
            Self::SuffixTooBroad => f.write_str("`*.` must be followed by at least two labels (`*.example.com`); `*.com` would match every site under a top-level domain"),
            Self::NumericSuffix => f.write_str("`*.` must be followed by a domain name; a suffix ending in a number would match IP addresses"),
            Self::NoWildcard => f.write_str("an origin pattern needs `*.` in the host or `:*` as the port"),
            Self::Origin(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for PatternError {}

impl From<OriginError> for PatternError {
    fn from(error: OriginError) -> Self {
        Self::Origin(error)
    }
}

impl<'a> OriginPattern<'a> {
    /// Parses a pattern.
    ///
    /// # Errors
    /// A [`PatternError`] naming the first rule the text breaks.
    pub fn parse(input: &'a str) -> Result<Self, PatternError> {
        if input.len() > crate::MAX_ORIGIN_LEN {
            return Err(OriginError::TooLong.into());
        }
        if !input.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(if input.is_ascii() { OriginError::Whitespace } else { OriginError::NotAscii }.into());
        }
        let (scheme, rest) = input.split_once("://").ok_or(OriginError::MissingScheme)?;
        if scheme.contains('*') {
            return Err(PatternError::WildcardInScheme);
        }
        check_scheme(scheme)?;
        if let Some(tail_at) = rest.find(['/', '?', '#']) {
            // Reuse the origin parser's precise complaint about what follows the authority.
            let probe = format!("http://h{}", &rest[tail_at..]);
            return Err(Origin::parse(&probe).err().unwrap_or(OriginError::Path).into());
        }
        if rest.contains('@') {
            return Err(OriginError::Userinfo.into());
        }

        let (host_text, port) = match rest.strip_suffix(":*") {
            Some(host_text) => (host_text, PortPattern::Any),
            None => {
                let (host_text, port) = split_port(rest)?;
                if let Some(port) = port {
                    if default_port(scheme) == Some(port) {
                        return Err(OriginError::DefaultPort.into());
                    }
                }
                (host_text, port.map_or(PortPattern::Default, PortPattern::Exact))
            }
        };

        let host = if let Some(suffix) = host_text.strip_prefix("*.") {
            if suffix.contains('*') {
                return Err(PatternError::WildcardNotLeftmost);
            }
            check_domain(suffix)?;
            if suffix.rsplit('.').next().is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit())) {
                return Err(PatternError::NumericSuffix);
            }
            if !suffix.contains('.') {
                return Err(PatternError::SuffixTooBroad);
            }
            HostPattern::Subdomains(suffix)
        } else if host_text.contains('*') {
            let first_label = host_text.split('.').next().unwrap_or("");
            return Err(if first_label.contains('*') {
                PatternError::PartialLabelWildcard
            } else {
                PatternError::WildcardNotLeftmost
            });
        } else {
            check_host(host_text)?;
            if port != PortPattern::Any {
                return Err(PatternError::NoWildcard);
            }
            HostPattern::Exact(host_text)
        };
        Ok(OriginPattern { scheme, host, port })
    }

    /// Whether `origin` is one of the origins this pattern stands for.
    pub fn matches(&self, origin: &Origin<'_>) -> bool {
        if origin.scheme() != self.scheme {
            return false;
        }
        let port_ok = match self.port {
            PortPattern::Default => origin.port().is_none(),
            PortPattern::Exact(port) => origin.port() == Some(port),
            PortPattern::Any => true,
        };
        port_ok
            && match self.host {
                HostPattern::Exact(host) => origin.host() == host,
                // The origin's host was validated (non-empty labels), so a `.suffix` ending
                // with at least one byte in front of it means one or more whole labels.
                HostPattern::Subdomains(suffix) => origin
                    .host()
                    .strip_suffix(suffix)
                    .and_then(|front| front.strip_suffix('.'))
                    .is_some_and(|labels| !labels.is_empty()),
            }
    }

    /// Whether `origin` (the `Origin` header's bytes, unparsed) could match: its scheme and
    /// host have the pattern's text. A necessary condition, checked without parsing, so that
    /// an origin no pattern could match is refused without the cost of a parse; only a
    /// `true` needs [`OriginPattern::matches`] on the parsed origin.
    pub fn may_match(&self, origin: &[u8]) -> bool {
        let Some(authority) =
            origin.strip_prefix(self.scheme.as_bytes()).and_then(|rest| rest.strip_prefix(b"://"))
        else {
            return false;
        };
        // An IPv6 host is bracketed and holds colons itself; any other host ends at the port's.
        let host = match authority.iter().position(|&byte| byte == b']') {
            Some(end) if authority.first() == Some(&b'[') => &authority[..=end],
            _ => authority.split(|&byte| byte == b':').next().unwrap_or(authority),
        };
        match self.host {
            HostPattern::Exact(exact) => host == exact.as_bytes(),
            HostPattern::Subdomains(suffix) => host
                .strip_suffix(suffix.as_bytes())
                .and_then(|front| front.strip_suffix(b"."))
                .is_some_and(|labels| !labels.is_empty()),
        }
    }

    /// Copies the pattern out of the text it borrows.
    pub fn to_owned_pattern(&self) -> OwnedOriginPattern {
        let (host, subdomains) = match self.host {
            HostPattern::Exact(host) => (host, false),
            HostPattern::Subdomains(suffix) => (suffix, true),
        };
        OwnedOriginPattern {
            scheme: self.scheme.to_owned(),
            host: host.to_owned(),
            subdomains,
            port: self.port,
        }
    }

    /// The scheme the pattern requires.
    pub fn scheme(&self) -> &'a str {
        self.scheme
    }

    /// The host part.
    pub fn host(&self) -> HostPattern<'a> {
        self.host
    }

    /// The port part.
    pub fn port(&self) -> PortPattern {
        self.port
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, origin: &str) -> bool {
        let pattern = OriginPattern::parse(pattern).unwrap();
        Origin::parse(origin).is_ok_and(|origin| pattern.matches(&origin))
    }

    /// `may_match` is a necessary condition of `matches`: it never rules out an origin that
    /// matches.
    #[test]
    fn may_match_never_rules_out_a_match() {
        let origins = [
            "https://app.example.com",
            "https://a.b.example.com",
            "https://example.com",
            "http://app.example.com",
            "https://app.example.com:8443",
            "https://evil.com",
            "https://app.example.com.evil.com",
            "http://localhost:5173",
            "http://localhost",
            "https://xexample.com",
            "null",
            "https://app.example.com/",
            "http://[::1]:8080",
            "http://[::1]",
            "http://[::2]:8080",
            "http://127.0.0.1:3000",
        ];
        for pattern in [
            "https://*.example.com",
            "http://localhost:*",
            "https://*.example.com:*",
            "https://*.example.com:8443",
            "http://[::1]:*",
            "http://127.0.0.1:*",
        ] {
            let parsed = OriginPattern::parse(pattern).unwrap();
            let matching: Vec<&str> = origins.into_iter().filter(|origin| matches(pattern, origin)).collect();
            assert!(
                !matching.is_empty(),
                "{pattern} matches none of the origins: the check would be vacuous"
            );
            for origin in matching {
                assert!(parsed.may_match(origin.as_bytes()), "{pattern} {origin}");
            }
            assert!(!parsed.may_match(b"https://evil.com"), "{pattern}");
        }
    }

    #[test]
    fn subdomain_wildcard_matches_one_or_more_labels_but_never_the_apex() {
        assert!(matches("https://*.example.com", "https://app.example.com"));
        assert!(matches("https://*.example.com", "https://a.b.example.com"));
        assert!(!matches("https://*.example.com", "https://example.com"));
        assert!(!matches("https://*.example.com", "https://evilexample.com"));
        assert!(!matches("https://*.example.com", "https://app.example.com.evil.net"));
    }

    #[test]
    fn subdomain_wildcard_keeps_scheme_and_port() {
        assert!(!matches("https://*.example.com", "http://app.example.com"));
        assert!(!matches("https://*.example.com", "https://app.example.com:8443"));
        assert!(matches("https://*.example.com:8443", "https://app.example.com:8443"));
        assert!(matches("https://*.example.com:*", "https://app.example.com:8443"));
        assert!(matches("https://*.example.com:*", "https://app.example.com"));
    }

    #[test]
    fn any_port_pattern_on_an_exact_host() {
        assert!(matches("http://localhost:*", "http://localhost:3000"));
        assert!(matches("http://localhost:*", "http://localhost"));
        assert!(!matches("http://localhost:*", "http://localhost.evil.net:3000"));
        assert!(!matches("http://localhost:*", "https://localhost:3000"));
    }

    #[test]
    fn malformed_patterns_say_why() {
        let err = |p: &str| OriginPattern::parse(p).unwrap_err();
        assert_eq!(err("https://*example.com"), PatternError::PartialLabelWildcard);
        assert_eq!(err("https://a*.example.com"), PatternError::PartialLabelWildcard);
        assert_eq!(err("https://app.*.example.com"), PatternError::WildcardNotLeftmost);
        assert_eq!(err("https://*.*.example.com"), PatternError::WildcardNotLeftmost);
        assert_eq!(err("https://*.com"), PatternError::SuffixTooBroad);
        assert_eq!(err("*://app.example.com"), PatternError::WildcardInScheme);
        assert_eq!(err("http*://app.example.com"), PatternError::WildcardInScheme);
        assert_eq!(err("https://*.example.com/"), PatternError::Origin(OriginError::TrailingSlash));
        assert_eq!(err("https://*.example.com:443"), PatternError::Origin(OriginError::DefaultPort));
        assert_eq!(err("https://*.Example.com"), PatternError::Origin(OriginError::UppercaseHost));
        assert_eq!(err("https://app.example.com"), PatternError::NoWildcard);
        assert_eq!(err("http://*.0.1"), PatternError::NumericSuffix);
        assert_eq!(err("http://*.168.1.1:*"), PatternError::NumericSuffix);
    }
}
