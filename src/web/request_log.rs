//! The request log's span, which every line logged while serving a request
//! carries. It names the request by its method and route *pattern*
//! (`/children/{id}`, `unmatched` for paths no route knows), never by the
//! address it came with: a query string can hold an admin's search for a
//! login, a filter or a name typed into the address, and a path's segments
//! whatever was typed in place of an id (`/children/<a name>`). The default
//! span of `tracing-actix-web` logs the whole address (`http.target`), the
//! client's `X-Forwarded-For` as its address and the user agent; this one
//! logs none of them (the audit log keeps who asked, from where, for what).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// Use with `TracingLogger::<RouteOnly>::new()`.
pub struct RouteOnly;

/// The route pattern a request matches, or `unmatched`.
pub fn route_of(request: &ServiceRequest) -> String {
    request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned())
}

impl RootSpanBuilder for RouteOnly {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = route_of(request);
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{} {route}", request.method()),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::test::TestRequest;
    use actix_web::{App, HttpResponse, web};
    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Sink {
        type Writer = Sink;
        fn make_writer(&'a self) -> Sink {
            self.clone()
        }
    }

    /// A line logged while serving `/admin/users?q=…` names the route and
    /// nothing of the address.
    #[actix_web::test]
    async fn a_request_is_logged_by_its_route_without_its_query() {
        let sink = Sink::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(sink.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = actix_web::test::init_service(
            App::new()
                .wrap(tracing_actix_web::TracingLogger::<RouteOnly>::new())
                // Any method (a resource's default route): the route table
                // test counts the application's own GET routes.
                .service(web::resource("/admin/users/{id}").to(|| async {
                    tracing::warn!("inside the request");
                    HttpResponse::Ok().finish()
                })),
        )
        .await;
        let request = TestRequest::get()
            .uri("/admin/users/toktogulova?q=Tokto%20Aigul&login=aigul")
            .insert_header(("User-Agent", "agent-of-aigul"))
            .insert_header(("X-Forwarded-For", "10.9.8.7"))
            .to_request();
        actix_web::test::call_service(&app, request).await;
        let logged = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains("inside the request"), "{logged}");
        assert!(logged.contains("/admin/users/{id}"), "{logged}");
        for typed in ["toktogulova", "Tokto", "Aigul", "aigul", "q=", "10.9.8.7"] {
            assert!(!logged.contains(typed), "{typed} in {logged}");
        }
    }
}
