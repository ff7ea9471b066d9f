//! WebSockets as a real browser opens them: a page runs `new WebSocket(..)` against echo
//! sockets behind the `Cors` middleware and reports the events it saw; the socket servers
//! count the handshakes that reached them and the handler runs, and Chromium's console says
//! which handshake it saw refused.

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::Message;
use cors_actix::Policy;

use crate::{
    console::Console,
    servers::{ApiServer, Backend, Counts, PageServer},
    webdriver::Browser,
};

/// Chromium's reason for a WebSocket whose handshake the server answered with `403`.
const SOCKET_REFUSED: &str = "Unexpected response code: 403";

/// The page template; `/*SOCKETS*/` becomes the JSON list of sockets to talk to.
const SOCKET_PAGE_TEMPLATE: &str = include_str!("socket_page.html");

/// The socket handler: counts its run, upgrades, echoes text messages, and answers the
/// client's close with the same code.
pub(crate) async fn echo_socket(
    request: HttpRequest,
    body: web::Payload,
    counts: web::Data<Counts>,
) -> actix_web::Result<HttpResponse> {
    counts.add(format!("handled {} {}", request.method(), request.path()));
    let (response, mut session, mut messages) = actix_ws::handle(&request, body)?;
    actix_web::rt::spawn(async move {
        while let Some(Ok(message)) = messages.recv().await {
            let echoed = match message {
                Message::Text(text) => session.text(text).await,
                Message::Close(reason) => {
                    let _ = session.close(reason).await;
                    return;
                }
                // The page sends text only: anything else ends the socket.
                _ => break,
            };
            if echoed.is_err() {
                return;
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

/// The `ws://` address of `api`'s socket.
fn socket_url(api: &ApiServer) -> String {
    api.url("/ws").replacen("http://", "ws://", 1)
}

/// Loads `page` in `browser` with these `(name, url)` sockets and returns, per socket in
/// order, the events the page saw (`open`, `message: TEXT`, `error`, `close CODE`), and what
/// Chromium logged.
fn socket_events(
    browser: &Browser,
    page: &PageServer,
    sockets: &[(&str, String)],
) -> (Vec<(String, Vec<String>)>, Console) {
    let list: Vec<_> =
        sockets.iter().map(|(name, url)| serde_json::json!({ "name": name, "url": url })).collect();
    let json = serde_json::Value::from(list).to_string().replace('<', "\\u003c");
    assert_eq!(SOCKET_PAGE_TEMPLATE.matches("/*SOCKETS*/").count(), 1);
    let loaded = page.load(browser, SOCKET_PAGE_TEMPLATE.replace("/*SOCKETS*/", &json));
    let results: Vec<serde_json::Value> =
        serde_json::from_str(&loaded.results).unwrap_or_else(|error| panic!("{error}: {}", loaded.results));
    let events = results
        .iter()
        .map(|result| {
            let name = result["name"].as_str().expect("a name").to_owned();
            let events = result["events"].as_array().expect("events");
            (name, events.iter().map(|event| event.as_str().expect("an event").to_owned()).collect())
        })
        .collect();
    (events, loaded.console)
}

/// What a page sees of a socket that echoes it: open, the echo of its greeting, its own close.
fn echoed(page: &PageServer) -> Vec<String> {
    vec!["open".to_owned(), format!("message: hello from {}", page.origin), "close 1000".to_owned()]
}

/// A socket whose policy allows one page origin: that page talks to it; a page on another
/// origin is refused at the handshake, which reaches the server but never the handler (the
/// policy is in the default `OnMismatch::Omit` mode, which would let a plain request through).
#[test]
#[ignore = "needs chromium and chromedriver"]
fn sockets_talk_only_to_allowed_origins() {
    let (allowed_page, third_page) = (PageServer::start(), PageServer::start());
    let socket =
        ApiServer::start(Backend::Socket(Box::new(Policy::builder().allow_origin(&allowed_page.origin))));
    // The third page's own socket: that it echoes shows the refusal below is the policy's, not
    // a page that does not work.
    let control =
        ApiServer::start(Backend::Socket(Box::new(Policy::builder().allow_origin(&third_page.origin))));
    assert_ne!(allowed_page.origin, third_page.origin);

    let browser = Browser::start();
    let (allowed, console) = socket_events(&browser, &allowed_page, &[("socket", socket_url(&socket))]);
    assert_eq!(allowed, [("socket".to_owned(), echoed(&allowed_page))]);
    console.assert_socket_quiet(&socket_url(&socket));
    assert_eq!(socket.counts.handled("GET", "/ws"), 1, "{:?}", socket.counts);

    let (third, console) = socket_events(
        &browser,
        &third_page,
        &[("socket", socket_url(&socket)), ("control", socket_url(&control))],
    );
    assert_eq!(
        third,
        [
            ("socket".to_owned(), vec!["error".to_owned(), "close 1006".to_owned()]),
            ("control".to_owned(), echoed(&third_page)),
        ]
    );
    // What the page is never told, Chromium says: the server refused the handshake.
    console.assert_socket_failed(&socket_url(&socket), SOCKET_REFUSED);
    console.assert_socket_quiet(&socket_url(&control));
    // The refused handshake did reach the server: the refusal is the policy's, not the network's.
    assert_eq!(socket.counts.requests("GET", "/ws"), 2, "{:?}", socket.counts);
    assert_eq!(socket.counts.handled("GET", "/ws"), 1, "only the allowed page's ran: {:?}", socket.counts);
    assert_eq!(control.counts.handled("GET", "/ws"), 1, "{:?}", control.counts);
}
