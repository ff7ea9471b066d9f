//! The `Cors` middleware as a real browser enforces it: headless Chromium loads a page from
//! one origin whose script runs cross-origin `fetch` cases (or opens WebSockets) against
//! actix-web servers on other origins, and the tests assert what the Fetch standard says the
//! page may read, plus how many requests and preflights each server saw.
//!
//! Every refused case also checks what Chromium itself says: the console error it logs for the
//! request (`Access to fetch at 'URL' from origin 'ORIGIN' has been blocked by CORS policy:
//! REASON`), for that URL, with the reason the case expects; an allowed case's URL has no such
//! error.
//!
//! Every test is `#[ignore]`d because it needs Chromium and ChromeDriver; run them with
//! `cargo test -p cors-actix-tests --test browser -- --include-ignored`. The browser is
//! `/usr/bin/chromium` unless the `CHROMIUM` environment variable names another binary, and
//! the driver `/usr/bin/chromedriver` unless `CHROMEDRIVER` does.
//!
//! How the browser is driven (module `webdriver`): each test starts its own ChromeDriver on a
//! free loopback port, and through WebDriver (the `fantoccini` client) a headless Chromium with
//! a fresh profile; both end with the test, also when it fails. A test loads its pages one
//! after the other; each page's script writes its results as JSON in `<pre id="results">` and
//! then `done` in `<p id="status">`, which the test polls in real time (a page that is not
//! done within a generous limit fails the test, naming its status). The results are then read
//! through WebDriver, and so is the page's console, with the `goog:loggingPrefs` capability
//! and ChromeDriver's log endpoint.
//!
//! Origins: pages are served from `http://127.0.0.1:PORT`, APIs from `http://localhost:PORT`,
//! so every fetch is cross-origin; both are loopback, so Chromium's Private/Local Network
//! Access checks do not apply. A page on a third site is served as
//! `http://attacker.localhost:PORT`, which Chromium is told to resolve to `127.0.0.1` too. The
//! demo test (module `demo`) runs the `browser_demo` example as its own binary, built with the
//! cargo that runs the suite, on the origins it uses when a person runs it.

mod cases;
mod console;
mod demo;
mod exempt;
mod forms;
mod servers;
mod sockets;
mod webdriver;

use cors_actix::{Policy, PolicyBuilder};

use crate::{
    cases::{Case, Results},
    console::{CREDENTIALS_NOT_ALLOWED, NO_ALLOW_ORIGIN, PREFLIGHT, REFUSED_PREFLIGHT},
    exempt::BankWithApi,
    forms::{Bank, OtherSite, Seen, TRANSFER},
    servers::{ApiServer, Backend, PageServer, PREFLIGHT_FAILS},
    webdriver::Browser,
};

/// The policy the "allowed" cases are written against, allowing `page_origin`.
fn api_policy(page_origin: &str) -> PolicyBuilder {
    Policy::builder()
        .allow_origins([page_origin])
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(600)
}

/// Requests that [`api_policy`] allows, each on its own path so that neither the counters
/// nor Chromium's preflight cache (keyed by URL) mix them up. Names are `{label}/{case}`.
fn allowed_cases(label: &str, api: &ApiServer) -> Vec<Case> {
    let case = |name: &str, method: &'static str, path: &str| {
        Case::new(format!("{label}/{name}"), method, api.url(path))
    };
    vec![
        case("simple_get", "GET", "/simple"),
        case("credentialed_get", "GET", "/credentialed").credentials(),
        case("json_post", "POST", "/json").header("content-type", "application/json").body(r#"{"n":1}"#),
        case("put", "PUT", "/put"),
        case("delete", "DELETE", "/delete"),
        case("allowed_header", "GET", "/allowed-header").header("x-api-key", "k1"),
        case("exposed_header", "GET", "/exposed").read_header("x-request-id"),
    ]
}

/// Asserts the outcomes of [`allowed_cases`] against a working server.
fn assert_allowed_cases_readable(results: &Results, label: &str, api: &ApiServer) {
    let name = |case: &str| format!("{label}/{case}");
    results.assert_readable(&name("simple_get"), "GET /simple", None);
    results.assert_readable(&name("credentialed_get"), "GET /credentialed", None);
    results.assert_readable(&name("json_post"), r#"POST /json body={"n":1}"#, None);
    results.assert_readable(&name("put"), "PUT /put", None);
    results.assert_readable(&name("delete"), "DELETE /delete", None);
    results.assert_readable(&name("allowed_header"), "GET /allowed-header key=k1", None);
    results.assert_readable(&name("exposed_header"), "GET /exposed", Some("req /exposed"));

    // Safelisted requests go straight out; the others are preflighted exactly once.
    let counts = &api.counts;
    for (method, path, preflights) in [
        ("GET", "/simple", 0),
        ("GET", "/credentialed", 0),
        ("POST", "/json", 1),
        ("PUT", "/put", 1),
        ("DELETE", "/delete", 1),
        ("GET", "/allowed-header", 1),
        ("GET", "/exposed", 0),
    ] {
        assert_eq!(counts.preflights(path), preflights, "preflights of {path}: {counts:?}");
        assert_eq!(counts.handled(method, path), 1, "{method} {path} handled: {counts:?}");
    }
}

#[test]
#[ignore = "needs chromium and chromedriver"]
fn allowed_origin_reads_exactly_what_the_policy_allows() {
    let browser = Browser::start();
    let page = PageServer::start();
    let main = ApiServer::start(Backend::Cors(Box::new(api_policy(&page.origin))));
    let no_credentials =
        ApiServer::start(Backend::Cors(Box::new(api_policy(&page.origin).allow_credentials(false))));
    let no_cache = ApiServer::start(Backend::Cors(Box::new(api_policy(&page.origin).max_age(0))));

    let mut cases = allowed_cases("main", &main);
    cases.extend([
        Case::new("main/refused_header", "GET", main.url("/refused-header")).header("x-secret", "s"),
        Case::new("main/refused_method", "PATCH", main.url("/patch")),
        Case::new("main/unexposed_header", "GET", main.url("/unexposed")).read_header("x-internal"),
        // Two identical preflighted requests: `Access-Control-Max-Age: 600` lets the
        // second reuse the first one's preflight.
        Case::new("main/cached_1", "PUT", main.url("/cached")).header("x-api-key", "k2"),
        Case::new("main/cached_2", "PUT", main.url("/cached")).header("x-api-key", "k2"),
        Case::new("no_credentials/plain_get", "GET", no_credentials.url("/plain")),
        Case::new("no_credentials/credentialed_get", "GET", no_credentials.url("/credentialed"))
            .credentials(),
        // `Access-Control-Max-Age: 0`: each request needs its own preflight.
        Case::new("no_cache/uncached_1", "PUT", no_cache.url("/uncached")).header("x-api-key", "k3"),
        Case::new("no_cache/uncached_2", "PUT", no_cache.url("/uncached")).header("x-api-key", "k3"),
    ]);
    let results = page.run(&browser, &cases);

    assert_allowed_cases_readable(&results, "main", &main);

    // A header outside `allow_headers`: the preflight is refused, the request never sent.
    results.assert_refused("main/refused_header", REFUSED_PREFLIGHT);
    assert_eq!(main.counts.preflights("/refused-header"), 1, "{:?}", main.counts);
    assert_eq!(main.counts.requests("GET", "/refused-header"), 0, "{:?}", main.counts);
    assert_eq!(main.counts.handled("GET", "/refused-header"), 0, "{:?}", main.counts);

    // A method outside `allow_methods`: likewise.
    results.assert_refused("main/refused_method", REFUSED_PREFLIGHT);
    assert_eq!(main.counts.preflights("/patch"), 1, "{:?}", main.counts);
    assert_eq!(main.counts.handled("PATCH", "/patch"), 0, "{:?}", main.counts);

    // The handler sends `x-internal` too, but it is not in `expose_headers`.
    results.assert_readable("main/unexposed_header", "GET /unexposed", None);

    // max_age(600): one preflight for two requests.
    results.assert_readable("main/cached_1", "PUT /cached key=k2", None);
    results.assert_readable("main/cached_2", "PUT /cached key=k2", None);
    assert_eq!(main.counts.preflights("/cached"), 1, "{:?}", main.counts);
    assert_eq!(main.counts.handled("PUT", "/cached"), 2, "{:?}", main.counts);

    // Without `allow_credentials`, a credentialed request is sent (it is safelisted) and
    // handled, but the browser refuses the page the response.
    results.assert_readable("no_credentials/plain_get", "GET /plain", None);
    results.assert_refused("no_credentials/credentialed_get", CREDENTIALS_NOT_ALLOWED);
    assert_eq!(no_credentials.counts.handled("GET", "/credentialed"), 1, "{:?}", no_credentials.counts);

    // max_age(0): two preflights for two requests.
    results.assert_readable("no_cache/uncached_1", "PUT /uncached key=k3", None);
    results.assert_readable("no_cache/uncached_2", "PUT /uncached key=k3", None);
    assert_eq!(no_cache.counts.preflights("/uncached"), 2, "{:?}", no_cache.counts);
    assert_eq!(no_cache.counts.handled("PUT", "/uncached"), 2, "{:?}", no_cache.counts);
}

#[test]
#[ignore = "needs chromium and chromedriver"]
fn disallowed_origin_reads_nothing() {
    let browser = Browser::start();
    let allowed_page = PageServer::start();
    let third_page = PageServer::start();
    assert_ne!(allowed_page.origin, third_page.origin);
    let main = ApiServer::start(Backend::Cors(Box::new(api_policy(&allowed_page.origin))));
    // A control: an API that does allow the third page, so its rejections below cannot be
    // a page that does not work.
    let control = ApiServer::start(Backend::Cors(Box::new(api_policy(&third_page.origin))));

    let mut cases = allowed_cases("main", &main);
    cases.push(Case::new("control/simple_get", "GET", control.url("/simple")));
    let results = third_page.run(&browser, &cases);

    // Chromium's reason: the answer (to the request itself, or to its preflight) does not
    // name the page's origin.
    for (name, reason) in [
        ("main/simple_get", NO_ALLOW_ORIGIN),
        ("main/credentialed_get", NO_ALLOW_ORIGIN),
        ("main/json_post", REFUSED_PREFLIGHT),
        ("main/put", REFUSED_PREFLIGHT),
        ("main/delete", REFUSED_PREFLIGHT),
        ("main/allowed_header", REFUSED_PREFLIGHT),
        ("main/exposed_header", NO_ALLOW_ORIGIN),
    ] {
        results.assert_refused(name, reason);
    }
    results.assert_readable("control/simple_get", "GET /simple", None);

    // Safelisted requests reach the handler (`OnMismatch::Omit`), only the read is blocked;
    // preflighted ones stop at the refused preflight.
    let counts = &main.counts;
    for path in ["/simple", "/credentialed", "/exposed"] {
        assert_eq!(counts.handled("GET", path), 1, "{path}: {counts:?}");
        assert_eq!(counts.preflights(path), 0, "{path}: {counts:?}");
    }
    for (method, path) in
        [("POST", "/json"), ("PUT", "/put"), ("DELETE", "/delete"), ("GET", "/allowed-header")]
    {
        assert_eq!(counts.preflights(path), 1, "{path}: {counts:?}");
        assert_eq!(counts.requests(method, path), 0, "{method} {path}: {counts:?}");
        assert_eq!(counts.handled(method, path), 0, "{method} {path}: {counts:?}");
    }
    assert!(!allowed_page.was_served(), "the page must have come from the third origin only");
}

/// The harness can fail: the same cases against servers that get CORS wrong come back
/// rejected, although the servers saw and answered the requests; and Chromium's console tells
/// each way of getting it wrong apart.
#[test]
#[ignore = "needs chromium and chromedriver"]
fn harness_detects_broken_servers() {
    let browser = Browser::start();
    let page = PageServer::start();
    let no_cors = ApiServer::start(Backend::NoCors);
    let wrong_origin = ApiServer::start(Backend::WrongOrigin);
    let partly_right = ApiServer::start(Backend::PartlyRight);

    let mut cases = allowed_cases("no_cors", &no_cors);
    cases.extend(allowed_cases("wrong_origin", &wrong_origin));
    cases.extend([
        Case::new("partly_right/simple_get", "GET", partly_right.url("/simple")),
        Case::new("partly_right/put", "PUT", partly_right.url("/put")),
        Case::new("partly_right/header", "GET", partly_right.url("/header")).header("x-api-key", "k1"),
        Case::new("partly_right/preflight_fails", "POST", partly_right.url(PREFLIGHT_FAILS))
            .header("content-type", "application/json")
            .body("{}"),
        Case::new("partly_right/credentialed_get", "GET", partly_right.url("/credentialed")).credentials(),
    ]);
    let results = page.run(&browser, &cases);

    // Chromium's reasons: no `Access-Control-Allow-Origin` at all, or one naming another origin;
    // for the preflighted cases, on the preflight's answer.
    let wrong_origin_reason =
        "The 'Access-Control-Allow-Origin' header has a value 'http://127.0.0.1:1' that is not equal to the supplied origin.";
    for (label, reason) in [("no_cors", NO_ALLOW_ORIGIN), ("wrong_origin", wrong_origin_reason)] {
        let preflight = format!("{PREFLIGHT}{reason}");
        for (case, reason) in [
            ("simple_get", reason),
            ("credentialed_get", reason),
            ("json_post", &preflight),
            ("put", &preflight),
            ("delete", &preflight),
            ("allowed_header", &preflight),
            ("exposed_header", reason),
        ] {
            results.assert_refused(&format!("{label}/{case}"), reason);
        }
    }
    // A layer that names the right origin: what it gets right the page reads; for the rest
    // Chromium names what was missing.
    results.assert_readable("partly_right/simple_get", "GET /simple", None);
    for (case, reason) in [
        ("put", "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."),
        (
            "header",
            "Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
        ),
        ("preflight_fails", &format!("{PREFLIGHT}It does not have HTTP ok status.")),
        ("credentialed_get", CREDENTIALS_NOT_ALLOWED),
    ] {
        results.assert_refused(&format!("partly_right/{case}"), reason);
    }
    assert_eq!(partly_right.counts.handled("GET", "/credentialed"), 1, "{:?}", partly_right.counts);
    assert_eq!(partly_right.counts.handled("PUT", "/put"), 0, "{:?}", partly_right.counts);

    // The requests did arrive: the rejections are the browser's, not the network's.
    for api in [&no_cors, &wrong_origin] {
        assert_eq!(api.counts.handled("GET", "/simple"), 1, "{:?}", api.counts);
        assert_eq!(api.counts.preflights("/put"), 1, "{:?}", api.counts);
    }
    // Without CORS middleware the preflight reached the handler (and got a plain 200).
    assert_eq!(no_cors.counts.handled("OPTIONS", "/put"), 1, "{:?}", no_cors.counts);
    assert_eq!(no_cors.counts.handled("PUT", "/put"), 0, "{:?}", no_cors.counts);
    // The wrong `Access-Control-Allow-Origin` on the preflight stopped the actual request.
    assert_eq!(wrong_origin.counts.handled("PUT", "/put"), 0, "{:?}", wrong_origin.counts);
}

/// `#[cors]` routes alone, without an app-wide `Cors`: each route answers its own preflights
/// (routed to it by its `method OR Preflight(method)` guard), and a preflight for a method no
/// route handles finds no CORS answer at all.
#[test]
#[ignore = "needs chromium and chromedriver"]
fn per_route_policies_answer_their_own_preflights() {
    let browser = Browser::start();
    let page = PageServer::start();
    let api = ApiServer::start(Backend::Routes);
    let results = page.run(
        &browser,
        &[
            Case::new("put", "PUT", api.url("/route/put"))
                .header("x-api-key", "k9")
                .read_header("x-request-id"),
            // The refused cases on URLs of their own (Chromium's console names URLs, not cases);
            // the route sees the same path.
            Case::new("put_refused_header", "PUT", api.url("/route/put?refused=header"))
                .header("x-secret", "s"),
            Case::new("get", "GET", api.url("/route/get")),
            Case::new("delete_no_route", "DELETE", api.url("/route/put?refused=method")),
        ],
    );
    results.assert_readable("put", "PUT /route/put key=k9", Some("req /route/put"));
    results.assert_refused("put_refused_header", REFUSED_PREFLIGHT);
    results.assert_readable("get", "GET /route/get", None);
    results.assert_refused("delete_no_route", REFUSED_PREFLIGHT);
    let counts = &api.counts;
    assert_eq!(counts.preflights("/route/put"), 3, "{counts:?}");
    assert_eq!(counts.handled("PUT", "/route/put"), 1, "only the allowed PUT ran: {counts:?}");
    assert_eq!(counts.handled("DELETE", "/route/put"), 0, "{counts:?}");
    assert_eq!(counts.handled("GET", "/route/get"), 1, "{counts:?}");
}

/// A route opted out with `origins = []` under an app-wide policy open to every origin: the
/// page reads the app's other routes, not that one, and its preflights fail, so the `PUT`
/// is never sent; Chromium says so for each.
#[test]
#[ignore = "needs chromium and chromedriver"]
fn a_route_opted_out_of_an_open_policy_is_read_by_no_other_origin() {
    let browser = Browser::start();
    let page = PageServer::start();
    let api = ApiServer::start(Backend::OptedOut);
    let results = page.run(
        &browser,
        &[
            Case::new("public", "PUT", api.url("/public")).header("x-api-key", "k1"),
            Case::new("admin_get", "GET", api.url("/route/admin")),
            Case::new("admin_put", "PUT", api.url("/route/admin?put")).header("x-api-key", "k1"),
        ],
    );
    results.assert_readable("public", "PUT /public key=k1", None);
    results.assert_refused("admin_get", NO_ALLOW_ORIGIN);
    results.assert_refused("admin_put", REFUSED_PREFLIGHT);
    let counts = &api.counts;
    assert_eq!(counts.handled("GET", "/route/admin"), 1, "a simple GET is sent; its answer kept: {counts:?}");
    assert_eq!(counts.handled("PUT", "/route/admin"), 0, "{counts:?}");
    assert_eq!(counts.preflights("/route/admin"), 1, "{counts:?}");
}

/// Cross-origin request protection decides by what the browser itself says of a request.
/// A form `POST` and a `no-cors` `fetch` from another origin reach the server without a
/// preflight, as CORS lets them; the protection refuses them before the handler, from
/// another site or from the same site. The partner the policy allows posts with a CORS
/// `fetch` and reads the answer; the server's own page posts its form.
#[test]
#[ignore = "needs chromium and chromedriver"]
fn cross_origin_protection_refuses_what_another_site_makes_the_browser_send() {
    let browser = Browser::start();
    let partner = PageServer::start();
    let bank = Bank::start(&partner.origin);
    let other_site = OtherSite::start("other-site", "127.0.0.1", &bank.origin);
    let same_site = OtherSite::start("same-site", "localhost", &bank.origin);
    assert_ne!(other_site.origin, partner.origin);

    let other_site_page = other_site.load(&browser);
    let same_site_page = same_site.load(&browser);
    let own_page = bank.load_own_page(&browser);
    let transfer = format!("{}{TRANSFER}?case=partner/cors", bank.origin);
    let partner_page = partner.run(
        &browser,
        &[Case::new("partner/cors", "POST", transfer)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("amount=100")],
    );

    // What the pages saw: a refused form's answer and a no-cors fetch's are out of their
    // reach whatever the server said; the partner reads its answer through CORS.
    for (page, case, saw) in [
        (&other_site_page, "other-site/form", form_outcome(None)),
        (&other_site_page, "other-site/no-cors", no_cors_outcome("opaque", 0)),
        (&same_site_page, "same-site/form", form_outcome(None)),
        (&same_site_page, "same-site/no-cors", no_cors_outcome("opaque", 0)),
        (&own_page, "own/form", form_outcome(Some("transferred 100 for own/form"))),
        (&own_page, "own/no-cors", no_cors_outcome("basic", 200)),
    ] {
        assert_eq!(page[case], saw, "{case}: {page}");
    }
    partner_page.assert_readable("partner/cors", "transferred 100 for partner/cors", None);

    // What Chromium told the bank, what the bank answered, and how often the handler ran.
    for (case, site, mode, origin, status, runs) in [
        ("other-site/form", "cross-site", "navigate", &other_site.origin, 403, 0),
        ("other-site/no-cors", "cross-site", "no-cors", &other_site.origin, 403, 0),
        ("same-site/form", "same-site", "navigate", &same_site.origin, 403, 0),
        ("same-site/no-cors", "same-site", "no-cors", &same_site.origin, 403, 0),
        ("partner/cors", "cross-site", "cors", &partner.origin, 200, 1),
        ("own/form", "same-origin", "navigate", &bank.origin, 200, 1),
        ("own/no-cors", "same-origin", "no-cors", &bank.origin, 200, 1),
    ] {
        let expected = Seen {
            method: "POST".to_owned(),
            sec_fetch_site: Some(site.to_owned()),
            sec_fetch_mode: Some(mode.to_owned()),
            origin: Some(origin.clone()),
            status,
        };
        assert_eq!(bank.seen(case), [expected], "{case}");
        assert_eq!(bank.transfers(case), runs, "handler runs for {case}");
    }
}

/// An exempt route does not lend its exemption to a protected handler on the same path. The
/// bank's `POST /transfer` is a partner API first, exempt by its own `#[cors]` policy and
/// taken only with an `x-api-key` header, then the protected form handler. A page on another
/// site that no policy allows submits a form and sends a `no-cors` `fetch` there: neither can
/// carry the key, so routing gives them to the form handler, and the app's protection must
/// refuse them. The partner's preflighted `fetch` with the key reaches the API and reads its
/// answer; the bank's own page still posts its form.
#[test]
#[ignore = "needs chromium and chromedriver"]
fn an_exempt_route_does_not_exempt_its_neighbour_on_the_same_path() {
    let browser = Browser::start();
    let partner = PageServer::start();
    // The partner API's `#[cors]` policy allows `http://127.0.0.1:*`: the partner's pages.
    assert!(partner.origin.starts_with("http://127.0.0.1:"), "{}", partner.origin);
    let bank = BankWithApi::start();
    let attacker = OtherSite::start("attacker", "attacker.localhost", &bank.origin);

    let attacker_page = attacker.load(&browser);
    let own_page = bank.load_own_page(&browser);
    let transfer = format!("{}{TRANSFER}?case=partner/api", bank.origin);
    let partner_page = partner.run(
        &browser,
        &[Case::new("partner/api", "POST", transfer)
            .header("x-api-key", "k1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("amount=100")],
    );

    // What the pages saw: the attacker's form answer and its no-cors fetch's are out of its
    // reach whatever the server said; the partner reads the API's answer through CORS.
    for (page, case, saw) in [
        (&attacker_page, "attacker/form", form_outcome(None)),
        (&attacker_page, "attacker/no-cors", no_cors_outcome("opaque", 0)),
        (&own_page, "own/form", form_outcome(Some("transferred 100 for own/form"))),
        (&own_page, "own/no-cors", no_cors_outcome("basic", 200)),
    ] {
        assert_eq!(page[case], saw, "{case}: {page}");
    }
    partner_page.assert_readable("partner/api", "partner API: transferred 100 for partner/api key=k1", None);

    // What Chromium told the bank, what the bank answered, and how often each handler ran.
    let seen = |method: &str, site: &str, mode: &str, origin: &str, status: u16| Seen {
        method: method.to_owned(),
        sec_fetch_site: Some(site.to_owned()),
        sec_fetch_mode: Some(mode.to_owned()),
        origin: Some(origin.to_owned()),
        status,
    };
    let (attacker_origin, bank_origin, partner_origin) = (&attacker.origin, &bank.origin, &partner.origin);
    for (case, requests, form_runs, api_runs) in [
        ("attacker/form", vec![seen("POST", "cross-site", "navigate", attacker_origin, 403)], 0, 0),
        ("attacker/no-cors", vec![seen("POST", "cross-site", "no-cors", attacker_origin, 403)], 0, 0),
        (
            "partner/api",
            vec![
                seen("OPTIONS", "cross-site", "cors", partner_origin, 204),
                seen("POST", "cross-site", "cors", partner_origin, 200),
            ],
            0,
            1,
        ),
        ("own/form", vec![seen("POST", "same-origin", "navigate", bank_origin, 200)], 1, 0),
        ("own/no-cors", vec![seen("POST", "same-origin", "no-cors", bank_origin, 200)], 1, 0),
    ] {
        assert_eq!(bank.seen(case), requests, "{case}");
        assert_eq!(bank.transfers(case), form_runs, "form handler runs for {case}");
        assert_eq!(bank.api_calls(case), api_runs, "partner API runs for {case}");
    }
}

/// What a page records for a form it submitted: the answer loaded, readable or not.
fn form_outcome(text: Option<&str>) -> serde_json::Value {
    serde_json::json!({"outcome": "loaded", "readable": text.is_some(), "text": text})
}

/// What a page records for a `no-cors` fetch: resolved, with the response type and status it
/// could see.
fn no_cors_outcome(kind: &str, status: u16) -> serde_json::Value {
    serde_json::json!({"outcome": "resolved", "type": kind, "status": status})
}
