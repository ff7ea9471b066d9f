//! Messages for rules that span several settings or read the same under every key, worded
//! once for the runtime builder's errors and warnings and the macros' compile errors and
//! warnings.

/// `*` (any origin) together with credentials.
pub const ANY_ORIGIN_WITH_CREDENTIALS: &str = "cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Origin: *`: browsers refuse it, and reflecting any origin instead would hand every site the user's session";

/// `*` listed beside other origins.
pub const ANY_ORIGIN_MIXED: &str =
    "`*` allows every origin; listing other origins beside it has no effect, so remove either";

/// No origin allowed at all.
pub const NO_ORIGIN: &str = "no origin is allowed, so every cross-origin request would be refused; list origins, patterns, regexes, a predicate or `*`, or write an empty origin list (`origins = []`, `allow_no_origins()`) to allow none on purpose";

/// An empty origin list together with origins that are allowed.
pub const NO_ORIGINS_WITH_ORIGINS: &str = "an empty origin list says that no origin is allowed, yet origins, regexes or a predicate allow some; remove one or the other";

/// A setting that only shapes what cross-origin readers are told, in a policy that allows no
/// origin, a warning.
pub const NO_EFFECT_WITHOUT_ORIGINS: &str = "this policy allows no origin, so no cross-origin response is ever readable and this setting has no effect; remove it, or allow the origins it is for";

/// A regex that matches any origin, together with credentials.
pub const ANY_ORIGIN_REGEX_WITH_CREDENTIALS: &str = "this regex matches unrelated sites such as `https://attacker.test`, so with credentials it would hand them the user's session; narrow it to the sites you trust";

/// `*` for exposed headers together with credentials.
pub const ANY_EXPOSED_HEADER_WITH_CREDENTIALS: &str = "cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Expose-Headers: *`: with credentials browsers read `*` as a header named `*`; list the headers";

/// A max-age over [`MAX_AGE_LIMIT`](crate::MAX_AGE_LIMIT), a warning: the policy sends the
/// limit.
pub const MAX_AGE_CAPPED: &str = "browsers cut a max-age this long (Firefox caches a preflight answer for at most 86400 seconds, one day; Chromium for at most 7200, two hours), so 86400 is sent instead; write 86400 or less";

/// A value of a list written twice, a warning (follows the value, in backquotes).
pub const LISTED_TWICE: &str = "is listed more than once, which has no effect (the first is kept); remove the repeat, usually a typo or a merge mistake";

/// A method browsers never send, a warning.
pub const FORBIDDEN_METHOD: &str = "browsers never send CONNECT, TRACE or TRACK (Fetch \"forbidden method\"), so listing it does nothing; remove it";

/// A request header browsers never let a page send, a warning.
pub const FORBIDDEN_REQUEST_HEADER: &str = "browsers never let a page send this header (Fetch \"forbidden request-header\"), so listing it does nothing; remove it";

/// A response header browsers never expose to a page, a warning.
pub const FORBIDDEN_RESPONSE_HEADER: &str = "browsers never expose `Set-Cookie` to a page (Fetch \"forbidden response-header name\"), so listing it does nothing; remove it";

/// A method list with nothing in it.
pub const NO_METHOD_LISTED: &str =
    "the method list is empty; list at least one method, or leave the list out to allow the default ones";

/// Cross-origin request protection together with `*` (any origin).
pub const PROTECTION_WITH_ANY_ORIGIN: &str = "cross-origin request protection trusts the policy's origins, and `*` trusts every site, so it would refuse nothing; list the origins to trust, or leave the protection off";

/// Cross-origin request protection together with `null` (the opaque origin) listed.
pub const PROTECTION_WITH_NULL_ORIGIN: &str = "cross-origin request protection cannot trust `null`: it is the origin of sandboxed iframes, `file:` pages and some redirects, which any site can produce, so trusting it for state-changing requests would trust every such page on the web (Go's `CrossOriginProtection` refuses `null` as a trusted origin too); remove `null`, or accept it only under a policy without the protection";

/// A public origin that is not one exact origin.
pub const PUBLIC_ORIGIN_NOT_EXACT: &str =
    "a public origin is the one origin browsers reach this server by (`https://api.example`), not `*`, `null` or a pattern";

#[cfg(test)]
mod tests {
    use super::*;

    /// The max-age words name the limit the policy sends.
    #[test]
    fn the_max_age_words_name_the_limit() {
        let limit = crate::MAX_AGE_LIMIT.to_string();
        assert_eq!(MAX_AGE_CAPPED.matches(limit.as_str()).count(), 3, "{MAX_AGE_CAPPED}");
    }
}
