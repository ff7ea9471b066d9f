//! What both bench targets share: running one app's requests under divan.

use std::{
    future::Future,
    pin::pin,
    task::{Context, Poll, Waker},
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    rt::System,
    test, App, Error,
};
use cors_actix_benches::{call, Case};
use divan::Bencher;

/// Times `case`'s request through `app`: build the request, call the app, drop the response.
pub(crate) fn bench_app<T, B>(bencher: Bencher<'_, '_>, app: App<T>, case: Case)
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    let system = System::new();
    let app = system.block_on(test::init_service(app));
    // Every future of these apps is ready at its first poll: poll it in place instead of
    // going through the runtime, whose overhead would blur the differences measured here.
    bencher.bench_local(|| now(call(&app, case)));
}

fn now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a request future was not ready at its first poll"),
    }
}
