//! Rules for origin regexes that do not need a regex engine: anchoring.

use std::fmt;

/// Sites unrelated to each other and to any real site, each tried with `http` and `https`.
const UNRELATED_SITES: [&str; 4] =
    ["attacker.test", "evil.example", "cors-actix-probe.invalid", "xn--80ak6aa92e.example.org"];

/// Whether an origin regex (given as its matcher) lets in unrelated sites: a regex that
/// matches two of them, under either scheme, spans sites nobody vouches for together
/// (`^https://.*$`, `^https?://[a-z]+\.[a-z]+$`), which is as broad as `*` and must not be
/// combined with credentials. A regex for one's own sites matches none of them.
pub fn regex_allows_unrelated_sites(is_match: impl Fn(&str) -> bool) -> bool {
    ["http", "https"].iter().any(|scheme| {
        UNRELATED_SITES.iter().filter(|site| is_match(&format!("{scheme}://{site}"))).count() >= 2
    })
}

/// Why an origin regex is not anchored at both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegexAnchorError {
    /// The regex does not start with `^` (after optional inline flags such as `(?i)`).
    Start,
    /// The regex does not end with an unescaped `$`.
    End,
    /// A top-level `|` splits the anchors: `^a|b$` means `(^a)|(b$)`.
    TopLevelAlternation,
}

impl fmt::Display for RegexAnchorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Start => {
                "an origin regex must start with `^`, or `https://app.example.evil.net` could match it"
            }
            Self::End => {
                "an origin regex must end with `$`, or `https://app.example.evil.net` could match it"
            }
            Self::TopLevelAlternation => {
                "a top-level `|` leaves each branch anchored at one end only; group it: `^(?:a|b)$`"
            }
        })
    }
}

impl std::error::Error for RegexAnchorError {}

/// Checks that `regex` is anchored at both ends, so it matches whole origins only.
///
/// # Errors
/// See [`RegexAnchorError`].
pub fn check_regex_anchored(regex: &str) -> Result<(), RegexAnchorError> {
    let body = strip_leading_flags(regex);
    if !body.starts_with('^') {
        return Err(RegexAnchorError::Start);
    }
    // Bytes, not a `str` slice: the regex may end in a multi-byte character.
    let before_last = &body.as_bytes()[..body.len().saturating_sub(1)];
    let trailing_backslashes = before_last.iter().rev().take_while(|&&b| b == b'\\').count();
    if body.len() < 2 || !body.ends_with('$') || trailing_backslashes % 2 == 1 {
        return Err(RegexAnchorError::End);
    }
    if has_top_level_alternation(body) {
        return Err(RegexAnchorError::TopLevelAlternation);
    }
    Ok(())
}

/// Skips leading inline flag groups such as `(?i)` or `(?x-u)`.
fn strip_leading_flags(mut regex: &str) -> &str {
    while let Some(rest) = regex.strip_prefix("(?") {
        match rest.find(')') {
            Some(close) if rest[..close].bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') => {
                regex = &rest[close + 1..];
            }
            _ => break,
        }
    }
    regex
}

fn has_top_level_alternation(regex: &str) -> bool {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut bytes = regex.bytes();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\\' => {
                bytes.next();
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => depth += 1,
            b')' if !in_class => depth = depth.saturating_sub(1),
            b'|' if !in_class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_regexes_pass() {
        assert_eq!(check_regex_anchored(r"^https://[a-z]+\.example\.com$"), Ok(()));
        assert_eq!(check_regex_anchored(r"(?i)^https://(?:a|b)\.example$"), Ok(()));
        assert_eq!(check_regex_anchored(r"^https://[|]x$"), Ok(()));
    }

    #[test]
    fn unanchored_regexes_say_which_end() {
        assert_eq!(check_regex_anchored(r"https://app\.example$"), Err(RegexAnchorError::Start));
        assert_eq!(check_regex_anchored(r"^https://app\.example"), Err(RegexAnchorError::End));
        assert_eq!(check_regex_anchored(r"^https://app\.example\$"), Err(RegexAnchorError::End));
        assert_eq!(check_regex_anchored("^"), Err(RegexAnchorError::End));
        assert_eq!(
            check_regex_anchored(r"^https://a\.example|https://b\.example$"),
            Err(RegexAnchorError::TopLevelAlternation)
        );
        assert_eq!(check_regex_anchored("^é"), Err(RegexAnchorError::End), "a multi-byte last character");
        assert_eq!(check_regex_anchored("^é$"), Ok(()));
    }

    #[test]
    fn broad_regexes_are_told_from_narrow_ones() {
        assert!(regex_allows_unrelated_sites(|origin| origin.starts_with("https://")));
        assert!(regex_allows_unrelated_sites(|origin| origin.starts_with("http://")));
        assert!(regex_allows_unrelated_sites(
            |origin| !origin.contains('-') && origin.matches('.').count() == 1
        ));
        assert!(!regex_allows_unrelated_sites(|origin| origin.ends_with(".app.example")));
        assert!(!regex_allows_unrelated_sites(|origin| origin == "https://evil.example"));
    }
}
