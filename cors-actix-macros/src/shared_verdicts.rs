//! The macros and the runtime builder give the same verdict on every policy: one table of
//! policies, each written as `policy!` keys (parsed and checked as the macro does) and as a
//! `PolicyBuilder` chain, and for each the same problems, in the same order, as the table
//! expects, or, for a policy that builds, the same warnings, in the same order and words, about
//! the same values. Since `policy!` and `#[cors]` expand to a builder chain, agreement here is
//! what lets `build_checked` skip the check at run time, and what makes a compiler warning
//! and `Policy::warnings` say the same thing.

use cors_actix::{Policy, PolicyBuilder};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{LitInt, LitStr};

use crate::{
    ctxt::Ctxt,
    policy_args::{PolicyArgs, RawArgs},
};

/// One policy, as both sides take it.
#[derive(Clone, Copy)]
struct Case {
    origins: &'static [&'static str],
    /// No origin on purpose: `origins = []` written out, `allow_no_origins()`.
    no_origins: bool,
    regexes: &'static [&'static str],
    predicate: bool,
    async_predicate: bool,
    methods: Option<&'static [&'static str]>,
    headers: &'static [&'static str],
    expose: &'static [&'static str],
    credentials: bool,
    max_age: Option<u64>,
    protection: bool,
    public_origins: &'static [&'static str],
}

/// A valid policy, for cases that change one thing.
const BASE: Case = Case {
    origins: &["https://app.example"],
    no_origins: false,
    regexes: &[],
    predicate: false,
    async_predicate: false,
    methods: None,
    headers: &[],
    expose: &[],
    credentials: false,
    max_age: None,
    protection: false,
    public_origins: &[],
};

/// Each case with what it reports, in order: the kinds of the builder's problems when it has
/// any (then it does not build, and its warnings are not reported), else the kinds of its
/// warnings (`Policy::warnings`; the macros' compiler warnings).
const TABLE: &[(Case, &[&str])] = &[
    // Origins, one at a time.
    (BASE, &[]),
    (Case { origins: &["https://*.app.example"], ..BASE }, &[]),
    (Case { origins: &["http://localhost:*", "https://[::1]:*"], ..BASE }, &[]),
    (Case { origins: &["null"], ..BASE }, &[]),
    (Case { origins: &["*"], ..BASE }, &[]),
    (Case { origins: &["https://app.example/"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://App.Example"], ..BASE }, &["Origin"]),
    (Case { origins: &["app.example"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://app.example:443"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://app.example/path"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://app.example?x"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://user@app.example"], ..BASE }, &["Origin"]),
    (Case { origins: &["http://[::ffff:127.0.0.1]"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://*.com"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://*example.com"], ..BASE }, &["Origin"]),
    (Case { origins: &[""], ..BASE }, &["Origin"]),
    // Repeats have no effect: warnings, in every list.
    (Case { origins: &["https://app.example", "https://app.example"], ..BASE }, &["Repeated"]),
    (
        Case { origins: &["https://a.example", "https://b.example", "https://a.example"], ..BASE },
        &["Repeated"],
    ),
    (Case { origins: &["*", "*"], ..BASE }, &["Repeated"]),
    (Case { origins: &["https://*.app.example", "https://*.app.example"], ..BASE }, &["Repeated"]),
    (Case { origins: &["app.example", "app.example"], ..BASE }, &["Origin", "Origin"]),
    (Case { regexes: &[r"^https://a\.example$", r"^https://a\.example$"], ..BASE }, &["Repeated"]),
    (Case { public_origins: &["https://api.example", "https://api.example"], ..BASE }, &["Repeated"]),
    // `*`, and no origin at all.
    (Case { origins: &["*", "https://app.example"], ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &["*"], regexes: &[r"^https://app\.example$"], ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &["*"], predicate: true, ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &["https://bad/", "*"], ..BASE }, &["Origin", "AnyOriginMixed"]),
    (Case { origins: &["*"], credentials: true, ..BASE }, &["AnyOriginWithCredentials"]),
    (
        Case { origins: &["https://app.example", "*"], credentials: true, ..BASE },
        &["AnyOriginMixed", "AnyOriginWithCredentials"],
    ),
    (Case { origins: &[], ..BASE }, &["NoOrigin"]),
    (Case { origins: &[], protection: true, ..BASE }, &[]),
    (Case { origins: &[], protection: true, credentials: true, ..BASE }, &["NoEffectWithoutOrigins"]),
    // No origin on purpose: a route opted out of a broader policy.
    (Case { origins: &[], no_origins: true, ..BASE }, &[]),
    (Case { origins: &[], no_origins: true, protection: true, ..BASE }, &[]),
    (
        Case {
            origins: &[],
            no_origins: true,
            methods: Some(&["GET"]),
            headers: &["x-a"],
            expose: &["x-b"],
            credentials: true,
            max_age: Some(600),
            ..BASE
        },
        &[
            "NoEffectWithoutOrigins",
            "NoEffectWithoutOrigins",
            "NoEffectWithoutOrigins",
            "NoEffectWithoutOrigins",
            "NoEffectWithoutOrigins",
        ],
    ),
    (
        Case { origins: &[], no_origins: true, regexes: &[r"^https://a\.example$"], ..BASE },
        &["NoOriginsWithOrigins"],
    ),
    (Case { origins: &[], no_origins: true, predicate: true, ..BASE }, &["NoOriginsWithOrigins"]),
    (Case { origins: &[], headers: &["content-type"], credentials: true, ..BASE }, &["NoOrigin"]),
    (Case { origins: &[], predicate: true, ..BASE }, &[]),
    (Case { origins: &[], async_predicate: true, ..BASE }, &[]),
    (Case { origins: &["*"], async_predicate: true, ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &[], regexes: &[r"^https://[a-z]+\.app\.example$"], ..BASE }, &[]),
    // Regexes.
    (Case { regexes: &[r"https://app\.example$"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://app\.example"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://app\.example\$"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://a\.example|https://b\.example$"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://(app$"], ..BASE }, &["RegexSyntax"]),
    (Case { regexes: &[r"^https://\p{Greek}$"], ..BASE }, &["RegexSyntax"]),
    (Case { regexes: &["^https://.*$"], ..BASE }, &[]),
    (Case { regexes: &["^https://.*$"], credentials: true, ..BASE }, &["AnyOriginRegexWithCredentials"]),
    (
        Case { regexes: &[r"^https?://[a-z]+\.[a-z]+$"], credentials: true, ..BASE },
        &["AnyOriginRegexWithCredentials"],
    ),
    (Case { regexes: &[r"^https://[a-z]+\.app\.example$"], credentials: true, ..BASE }, &[]),
    (
        Case { regexes: &["^https://.*$", "https://x$"], credentials: true, ..BASE },
        &["AnyOriginRegexWithCredentials", "RegexNotAnchored"],
    ),
    // Methods.
    (Case { methods: Some(&[]), ..BASE }, &["NoMethodListed"]),
    (Case { methods: Some(&["GET", "PUT"]), ..BASE }, &[]),
    (Case { methods: Some(&["PUT", "PUT"]), ..BASE }, &["Repeated"]),
    (Case { methods: Some(&["PATCH", "PROPPATCH", "PATCH", "*", "*"]), ..BASE }, &["Repeated", "Repeated"]),
    (Case { methods: Some(&["*"]), ..BASE }, &[]),
    (Case { methods: Some(&["*"]), credentials: true, ..BASE }, &[]),
    (Case { methods: Some(&["PROPFIND"]), ..BASE }, &[]),
    (Case { methods: Some(&["patch"]), ..BASE }, &["Method"]),
    (Case { methods: Some(&["Delete"]), ..BASE }, &["Method"]),
    (
        Case { methods: Some(&["CONNECT", "TRACE", "TRACK"]), ..BASE },
        &["ForbiddenMethod", "ForbiddenMethod", "ForbiddenMethod"],
    ),
    (Case { methods: Some(&["TRACE", "patch"]), ..BASE }, &["Method"]),
    (Case { methods: Some(&["GE T"]), ..BASE }, &["Method"]),
    (Case { methods: Some(&[""]), ..BASE }, &["Method"]),
    // Allowed request headers.
    (Case { headers: &["content-type", "x-api-key"], ..BASE }, &[]),
    (Case { headers: &["X-Api-Key", "x-api-key"], ..BASE }, &["Repeated"]),
    (Case { headers: &["*"], ..BASE }, &[]),
    (Case { headers: &["*", "authorization"], credentials: true, ..BASE }, &[]),
    (Case { headers: &["cookie"], ..BASE }, &["ForbiddenRequestHeader"]),
    (
        Case { headers: &["content-type", "Host", "sec-fetch-mode", "cookie", "Cookie"], ..BASE },
        &[
            "ForbiddenRequestHeader",
            "ForbiddenRequestHeader",
            "ForbiddenRequestHeader",
            "ForbiddenRequestHeader",
            "Repeated",
        ],
    ),
    (Case { headers: &["cookie", "x bad"], ..BASE }, &["AllowedHeader"]),
    (Case { headers: &["x bad"], ..BASE }, &["AllowedHeader"]),
    (Case { headers: &["x:y", ""], ..BASE }, &["AllowedHeader", "AllowedHeader"]),
    // Exposed response headers.
    (Case { expose: &["x-request-id", "ETag"], ..BASE }, &[]),
    (Case { expose: &["*"], ..BASE }, &[]),
    (Case { expose: &["set-cookie"], ..BASE }, &["ForbiddenResponseHeader"]),
    (Case { expose: &["x-request-id", "X-Request-Id"], ..BASE }, &["Repeated"]),
    (Case { expose: &["a:b"], ..BASE }, &["ExposedHeader"]),
    (Case { expose: &["*"], credentials: true, ..BASE }, &["AnyExposedHeaderWithCredentials"]),
    (Case { expose: &["x-request-id"], credentials: true, ..BASE }, &[]),
    // Max-age.
    (Case { max_age: Some(0), ..BASE }, &[]),
    (Case { max_age: Some(86_400), ..BASE }, &[]),
    (Case { max_age: Some(7_200), ..BASE }, &[]),
    (Case { max_age: Some(86_401), ..BASE }, &["MaxAgeCapped"]),
    (Case { max_age: Some(604_800), ..BASE }, &["MaxAgeCapped"]),
    (Case { max_age: Some(u64::MAX), ..BASE }, &["MaxAgeCapped"]),
    // Cross-origin request protection and the server's public origins.
    (Case { protection: true, ..BASE }, &[]),
    (
        Case { protection: true, public_origins: &["https://api.example", "http://localhost:8080"], ..BASE },
        &[],
    ),
    (Case { origins: &["*"], protection: true, ..BASE }, &["ProtectionWithAnyOrigin"]),
    // `null`, which any site can produce, is never trusted by the protection.
    (
        Case { origins: &["https://app.example", "null"], protection: true, ..BASE },
        &["ProtectionWithNullOrigin"],
    ),
    (Case { origins: &["null"], protection: true, ..BASE }, &["ProtectionWithNullOrigin"]),
    (Case { origins: &["null", "null"], protection: true, ..BASE }, &["ProtectionWithNullOrigin"]),
    (Case { origins: &["null", "null"], ..BASE }, &["Repeated"]),
    (
        Case { origins: &["*", "null"], protection: true, ..BASE },
        &["AnyOriginMixed", "ProtectionWithNullOrigin", "ProtectionWithAnyOrigin"],
    ),
    (Case { origins: &["NULL"], protection: true, ..BASE }, &["Origin"]),
    (Case { origins: &["null"], public_origins: &["https://api.example"], ..BASE }, &[]),
    (Case { public_origins: &["https://api.example/"], ..BASE }, &["PublicOrigin"]),
    (Case { public_origins: &["API.example"], ..BASE }, &["PublicOrigin"]),
    (Case { public_origins: &["https://*.api.example"], ..BASE }, &["PublicOriginNotExact"]),
    (Case { public_origins: &["*", "null"], ..BASE }, &["PublicOriginNotExact", "PublicOriginNotExact"]),
    // Wildcards over public suffixes: refused with credentials, a warning without.
    (
        Case { origins: &["https://*.github.io"], credentials: true, ..BASE },
        &["PublicSuffixWildcardWithCredentials"],
    ),
    (
        Case { origins: &["https://*.co.uk", "https://*.shop.co.uk"], credentials: true, ..BASE },
        &["PublicSuffixWildcardWithCredentials"],
    ),
    (Case { origins: &["https://*.myorg.github.io"], credentials: true, ..BASE }, &[]),
    (Case { origins: &["https://*.vercel.app"], ..BASE }, &["PublicSuffixWildcard"]),
    (Case { origins: &["https://*.vercel.app", "https://app.example"], ..BASE }, &["PublicSuffixWildcard"]),
    (
        Case { origins: &["https://*.co.uk", "https://*.github.io"], ..BASE },
        &["PublicSuffixWildcard", "PublicSuffixWildcard"],
    ),
    (Case { origins: &["https://*.myorg.github.io"], ..BASE }, &[]),
    (Case { origins: &["https://*.app.example"], credentials: true, ..BASE }, &[]),
    // Every warning at once, in the checker's order: setting by setting, value by value.
    (
        Case {
            origins: &["https://*.github.io", "https://app.example", "https://*.github.io"],
            no_origins: false,
            regexes: &[r"^https://[a-z]+\.app\.example$", r"^https://[a-z]+\.app\.example$"],
            predicate: false,
            async_predicate: false,
            methods: Some(&["GET", "TRACE", "GET"]),
            headers: &["cookie", "content-type", "Content-Type"],
            expose: &["set-cookie", "set-cookie"],
            credentials: false,
            max_age: Some(604_800),
            protection: true,
            public_origins: &["https://api.example", "https://api.example"],
        },
        &[
            "PublicSuffixWildcard",
            "PublicSuffixWildcard",
            "Repeated",
            "Repeated",
            "ForbiddenMethod",
            "Repeated",
            "ForbiddenRequestHeader",
            "Repeated",
            "ForbiddenResponseHeader",
            "ForbiddenResponseHeader",
            "Repeated",
            "MaxAgeCapped",
            "Repeated",
        ],
    ),
    // Everything at once, in the checker's order: only the problems.
    (
        Case {
            origins: &["https://App.Example/", "*", "https://App.Example/"],
            no_origins: false,
            regexes: &["^https://.*$"],
            predicate: true,
            async_predicate: false,
            methods: Some(&["delete"]),
            headers: &["x api"],
            expose: &["*"],
            credentials: true,
            max_age: Some(100_000),
            protection: true,
            public_origins: &["https://api.example/"],
        },
        &[
            "Origin",
            "Origin",
            "AnyOriginRegexWithCredentials",
            "AnyOriginMixed",
            "AnyOriginWithCredentials",
            "Method",
            "AllowedHeader",
            "AnyExposedHeaderWithCredentials",
            "ProtectionWithAnyOrigin",
            "PublicOrigin",
        ],
    ),
];

impl Case {
    /// The keys of `policy! { ... }` for this case.
    fn macro_keys(&self) -> TokenStream {
        let Case {
            origins,
            no_origins,
            regexes,
            predicate,
            async_predicate,
            methods,
            headers,
            expose,
            credentials,
            max_age,
            protection,
            public_origins,
        } = *self;
        let predicate = predicate.then(|| quote!(origin_fn = |_, _| true,));
        let async_predicate = async_predicate.then(|| quote!(origin_async = |_, _| async { true },));
        let methods = methods.map(|methods| quote!(methods = [#(#methods),*],));
        let max_age = max_age.map(|seconds| quote!(max_age = #seconds,));
        // An empty list written out is the opt-out; no origin without it is left unwritten.
        let origins = (no_origins || !origins.is_empty()).then(|| quote!(origins = [#(#origins),*],));
        quote! {
            #origins
            origin_regex = [#(#regexes),*],
            #predicate
            #async_predicate
            #methods
            headers = [#(#headers),*],
            expose = [#(#expose),*],
            credentials = #credentials,
            #max_age
            cross_origin_protection = #protection,
            public_origins = [#(#public_origins),*],
        }
    }

    /// The macro's verdict on this case: its errors as the compiler would print them, or,
    /// when there are none, its warnings, each with the tokens it is shown under.
    fn macro_verdict(&self) -> Verdict<TokenStream> {
        let cx = Ctxt::new();
        let raw: RawArgs = syn::parse2(self.macro_keys()).expect("the table's keys parse");
        let args = PolicyArgs::from_raw(&cx, raw, Span::call_site());
        match cx.check() {
            Ok(()) => Verdict {
                refused: false,
                findings: args
                    .warnings()
                    .iter()
                    .map(|(tokens, message)| (message.clone(), tokens.clone()))
                    .collect(),
            },
            Err(errors) => Verdict {
                refused: true,
                findings: errors.into_iter().map(|error| (error.to_string(), TokenStream::new())).collect(),
            },
        }
    }

    fn builder(&self) -> PolicyBuilder {
        let mut builder = Policy::builder()
            .allow_origins(self.origins.iter().copied())
            .allow_headers(self.headers)
            .expose_headers(self.expose)
            .allow_credentials(self.credentials)
            .cross_origin_protection(self.protection)
            .public_origins(self.public_origins.iter().copied());
        if self.no_origins {
            builder = builder.allow_no_origins();
        }
        for regex in self.regexes {
            builder = builder.allow_origin_regex(*regex);
        }
        if self.predicate {
            builder = builder.allow_origin_fn(|_, _| true);
        }
        if self.async_predicate {
            builder = builder.allow_origin_async(|_, _| async { true });
        }
        if let Some(methods) = self.methods {
            builder = builder.allow_methods(methods);
        }
        if let Some(seconds) = self.max_age {
            builder = builder.max_age(seconds);
        }
        builder
    }

    /// The builder's verdict on this case: its problems, or, when it builds, its warnings,
    /// each as its kind (the variant's name), its line and the value it is about.
    fn builder_verdict(&self) -> Verdict<(String, Option<String>)> {
        fn variant(debug: String) -> String {
            debug.split([' ', '{', '(']).next().unwrap_or_default().to_owned()
        }
        match self.builder().build() {
            Ok(policy) => Verdict {
                refused: false,
                findings: policy
                    .warnings()
                    .iter()
                    .map(|warning| {
                        let value = warning.value().map(str::to_owned);
                        (warning.to_string(), (variant(format!("{:?}", warning.kind())), value))
                    })
                    .collect(),
            },
            Err(error) => Verdict {
                refused: true,
                findings: error
                    .problems()
                    .iter()
                    .map(|problem| {
                        let value = problem.value().map(str::to_owned);
                        (problem.to_string(), (variant(format!("{:?}", problem.kind())), value))
                    })
                    .collect(),
            },
        }
    }
}

/// What one side says of a case: whether it refuses the policy, and its problems (when it
/// does) or its warnings (when it does not), each in words with what that side knows of it.
#[derive(Debug)]
struct Verdict<T> {
    refused: bool,
    findings: Vec<(String, T)>,
}

/// The same problem seen from both sides: the builder's line names the value in front of
/// the grammar's words, and the macro shows them under the value, adding its own hint where
/// the problem is the whole policy's.
fn same_problem(macro_message: &str, builder_line: &str) -> bool {
    builder_line.ends_with(macro_message) || macro_message.starts_with(builder_line)
}

#[test]
fn the_macros_and_the_builder_give_the_same_verdict_on_every_policy() {
    for (case, expected) in TABLE {
        let keys = case.macro_keys().to_string();
        let from_builder = case.builder_verdict();
        let variants: Vec<&str> =
            from_builder.findings.iter().map(|(_, (variant, _))| variant.as_str()).collect();
        assert_eq!(&variants, expected, "the builder, on {keys}");
        let from_macro = case.macro_verdict();
        assert_eq!(
            from_macro.refused, from_builder.refused,
            "{keys}: macro {from_macro:#?}, builder {from_builder:#?}"
        );
        assert_eq!(
            from_macro.findings.len(),
            from_builder.findings.len(),
            "{keys}: macro {from_macro:#?}, builder {from_builder:#?}"
        );
        for ((macro_message, tokens), (builder_line, (_, value))) in
            from_macro.findings.iter().zip(&from_builder.findings)
        {
            assert!(
                same_problem(macro_message, builder_line),
                "{keys}: macro `{macro_message}`, builder `{builder_line}`"
            );
            if !from_macro.refused {
                // A warning is shown under the literal of the value it is about: the string,
                // or, for the max-age, the number.
                match value {
                    Some(value) => assert_eq!(
                        syn::parse2::<LitStr>(tokens.clone()).map(|lit| lit.value()).ok().as_ref(),
                        Some(value),
                        "{keys}: `{macro_message}` under `{tokens}`"
                    ),
                    // A setting as a whole: under the max-age's number, or its key.
                    None => assert!(
                        syn::parse2::<LitInt>(tokens.clone()).is_ok()
                            || syn::parse2::<syn::Ident>(tokens.clone()).is_ok()
                            || syn::parse2::<syn::ExprArray>(tokens.clone()).is_ok(),
                        "{keys}: `{macro_message}` under `{tokens}`"
                    ),
                }
            }
        }
    }
}

#[test]
fn the_table_covers_every_rule() {
    let reported: Vec<&str> = TABLE.iter().flat_map(|(_, expected)| expected.iter().copied()).collect();
    for rule in [
        "Origin",
        "RegexNotAnchored",
        "RegexSyntax",
        "AnyOriginMixed",
        "NoOrigin",
        "NoOriginsWithOrigins",
        "AnyOriginWithCredentials",
        "AnyOriginRegexWithCredentials",
        "NoMethodListed",
        "Method",
        "AllowedHeader",
        "ExposedHeader",
        "AnyExposedHeaderWithCredentials",
        "ProtectionWithAnyOrigin",
        "ProtectionWithNullOrigin",
        "PublicOrigin",
        "PublicOriginNotExact",
        "PublicSuffixWildcardWithCredentials",
    ] {
        assert!(reported.contains(&rule), "no case of the table breaks `{rule}`");
    }
    for warning in [
        "PublicSuffixWildcard",
        "Repeated",
        "ForbiddenMethod",
        "ForbiddenRequestHeader",
        "ForbiddenResponseHeader",
        "MaxAgeCapped",
        "NoEffectWithoutOrigins",
    ] {
        assert!(reported.contains(&warning), "no case of the table warns `{warning}`");
    }
    assert!(TABLE.iter().filter(|(_, expected)| expected.is_empty()).count() >= 20, "and valid ones");
}
