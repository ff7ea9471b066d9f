//! WebSockets as a real browser opens them: a page runs `new WebSocket(..)` against echo
//! sockets behind the `Cors` middleware and reports the events it saw; the socket servers
//! count the handshakes that reached them and the handler runs.
//!
//! An open WebSocket does not hold Chromium's virtual time, so this page is dumped at its load
//! event ([`DumpAt::LoadEvent`]), which it delays with an iframe that never loads until every
//! socket has closed and it has said `done`; [`PageServer::load`] asserts it did, within the
//! real-time limit of one Chromium run.

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::Message;
use cors_actix::Policy;

use crate::{
    chromium::{between, DumpAt},
    servers::{ApiServer, Backend, Counts, PageServer},
};

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

/// Loads `page` with these `(name, url)` sockets and returns, per socket in order, the events
/// the page saw: `open`, `message: TEXT`, `error`, `close CODE`.
fn socket_events(page: &PageServer, sockets: &[(&str, String)]) -> Vec<(String, Vec<String>)> {
    let list: Vec<_> =
        sockets.iter().map(|(name, url)| serde_json::json!({ "name": name, "url": url })).collect();
    let json = serde_json::Value::from(list).to_string().replace('<', "\\u003c");
    assert_eq!(SOCKET_PAGE_TEMPLATE.matches("/*SOCKETS*/").count(), 1);
    let dom = page.load(SOCKET_PAGE_TEMPLATE.replace("/*SOCKETS*/", &json), DumpAt::LoadEvent);
    let results = between(&dom, "<pre id=\"results\">", "</pre>").expect("a results element");
    let results: Vec<serde_json::Value> =
        serde_json::from_str(results).unwrap_or_else(|error| panic!("{error}: {results}"));
    results
        .iter()
        .map(|result| {
            let name = result["name"].as_str().expect("a name").to_owned();
            let events = result["events"].as_array().expect("events");
            (name, events.iter().map(|event| event.as_str().expect("an event").to_owned()).collect())
        })
        .collect()
}

/// What a page sees of a socket that echoes it: open, the echo of its greeting, its own close.
fn echoed(page: &PageServer) -> Vec<String> {
    vec!["open".to_owned(), format!("message: hello from {}", page.origin), "close 1000".to_owned()]
}

/// A socket whose policy allows one page origin: that page talks to it; a page on another
/// origin is refused at the handshake, which reaches the server but never the handler (the
/// policy is in the default `OnMismatch::Omit` mode, which would let a plain request through).
#[test]
#[ignore = "needs chromium"]
fn sockets_talk_only_to_allowed_origins() {
    let (allowed_page, third_page) = (PageServer::start(), PageServer::start());
    let socket =
        ApiServer::start(Backend::Socket(Box::new(Policy::builder().allow_origin(&allowed_page.origin))));
    // The third page's own socket: that it echoes shows the refusal below is the policy's, not
    // a page that does not work.
    let control =
        ApiServer::start(Backend::Socket(Box::new(Policy::builder().allow_origin(&third_page.origin))));
    assert_ne!(allowed_page.origin, third_page.origin);

    let allowed = socket_events(&allowed_page, &[("socket", socket_url(&socket))]);
    assert_eq!(allowed, [("socket".to_owned(), echoed(&allowed_page))]);
    assert_eq!(socket.counts.handled("GET", "/ws"), 1, "{:?}", socket.counts);

    let third =
        socket_events(&third_page, &[("socket", socket_url(&socket)), ("control", socket_url(&control))]);
    assert_eq!(
        third,
        [
            ("socket".to_owned(), vec!["error".to_owned(), "close 1006".to_owned()]),
            ("control".to_owned(), echoed(&third_page)),
        ]
    );
    // The refused handshake did reach the server: the refusal is the policy's, not the network's.
    assert_eq!(socket.counts.requests("GET", "/ws"), 2, "{:?}", socket.counts);
    assert_eq!(socket.counts.handled("GET", "/ws"), 1, "only the allowed page's ran: {:?}", socket.counts);
    assert_eq!(control.counts.handled("GET", "/ws"), 1, "{:?}", control.counts);
}
