//! What an operator watches (issue 19): request counts and latencies per
//! route, the database pool, failed sign-ins, refused accesses and audit
//! entries, in Prometheus' text format at `/metrics`.
//!
//! The endpoint answers only a scraper that sends the token of
//! `KORGOO_METRICS_TOKEN` (`Authorization: Bearer …`); without the setting
//! it does not exist (404). Labels never hold a path a user typed nor an id:
//! a route is its pattern (`/cases/{id}`), a path no route matches is
//! `unmatched`. So nothing of a child, nor which records exist, reaches the
//! scraper.
//!
//! The counters are the process's own (one registry per server process);
//! they start at zero when the server starts, as Prometheus expects.

use std::sync::LazyLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

use crate::audit::AuditAction;
use crate::web::AppState;

struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    sign_ins_failed: IntCounter,
    access_refused: IntCounter,
    audit_entries: IntCounterVec,
    pool_size: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
}

/// Every metric is built from constant names, so registering cannot fail
/// but by a programming error the unit test below would catch first.
fn build() -> Result<Metrics, prometheus::Error> {
    let registry = Registry::new_custom(Some("korgoo".into()), None)?;
    let requests = IntCounterVec::new(
        Opts::new(
            "http_requests_total",
            "Requests answered, by route pattern, method and status",
        ),
        &["route", "method", "status"],
    )?;
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "http_request_duration_seconds",
            "Time to answer a request, by route pattern and method",
        )
        .buckets(vec![
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ]),
        &["route", "method"],
    )?;
    let sign_ins_failed = IntCounter::new(
        "sign_ins_failed_total",
        "Sign-ins refused: a wrong password or code, or a locked account",
    )?;
    let access_refused = IntCounter::new(
        "access_refused_total",
        "Pages, actions or records refused to a signed-in user",
    )?;
    let audit_entries = IntCounterVec::new(
        Opts::new("audit_entries_total", "Audit entries written, by action"),
        &["action"],
    )?;
    let pool_size = IntGauge::new(
        "db_pool_connections",
        "Database connections open in the pool",
    )?;
    let pool_idle = IntGauge::new(
        "db_pool_idle_connections",
        "Open database connections not in use",
    )?;
    let pool_max = IntGauge::new(
        "db_pool_max_connections",
        "Most database connections the pool opens",
    )?;
    registry.register(Box::new(requests.clone()))?;
    registry.register(Box::new(latency.clone()))?;
    registry.register(Box::new(sign_ins_failed.clone()))?;
    registry.register(Box::new(access_refused.clone()))?;
    registry.register(Box::new(audit_entries.clone()))?;
    registry.register(Box::new(pool_size.clone()))?;
    registry.register(Box::new(pool_idle.clone()))?;
    registry.register(Box::new(pool_max.clone()))?;
    Ok(Metrics {
        registry,
        requests,
        latency,
        sign_ins_failed,
        access_refused,
        audit_entries,
        pool_size,
        pool_idle,
        pool_max,
    })
}

static METRICS: LazyLock<Option<Metrics>> = LazyLock::new(|| match build() {
    Ok(m) => Some(m),
    Err(e) => {
        tracing::error!(error = %e, "the metrics could not be registered");
        None
    }
});

/// An audit entry was written (inside its transaction: one rolled back
/// after it is still counted, as the attempt it was).
pub fn audit_written(action: AuditAction) {
    let Some(m) = METRICS.as_ref() else { return };
    m.audit_entries.with_label_values(&[action.as_str()]).inc();
    match action {
        AuditAction::LoginFailed | AuditAction::LoginLocked => m.sign_ins_failed.inc(),
        AuditAction::AccessRefused => m.access_refused.inc(),
        _ => {}
    }
}

/// The route a request matched, as its pattern.
fn route_label(req: &HttpRequest) -> String {
    req.match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned())
}

/// Counts and times every request (outermost, so the time includes the
/// session and the error pages).
pub async fn measure(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let response = next.call(req).await?;
    if let Some(m) = METRICS.as_ref() {
        let route = route_label(response.request());
        let status = response.status().as_u16().to_string();
        m.requests
            .with_label_values(&[&route, &method, &status])
            .inc();
        m.latency
            .with_label_values(&[&route, &method])
            .observe(started.elapsed().as_secs_f64());
    }
    Ok(response)
}

/// `GET /metrics`, for the scraper holding the token.
pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(token) = state.config.metrics_token.as_ref() else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .finish();
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    use secrecy::ExposeSecret;
    let expected = token.expose_secret();
    if expected.is_empty()
        || !crate::web::middleware::constant_time_eq(given.as_bytes(), expected.as_bytes())
    {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .content_type("text/plain; charset=utf-8")
            .finish();
    }
    let Some(m) = METRICS.as_ref() else {
        return HttpResponse::ServiceUnavailable().finish();
    };
    let (open, idle, max) = state.pool.usage();
    m.pool_size.set(i64::from(open));
    m.pool_idle.set(i64::from(idle));
    m.pool_max.set(i64::from(max));
    let mut out = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&m.registry.gather(), &mut out) {
        tracing::error!(error = %e, "encoding the metrics failed");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(out)
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(scrape));
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_metric_registers() {
        assert!(super::build().is_ok());
    }
}
