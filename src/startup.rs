//! Builds the application and the server: the one place routes are mounted.
//! Tests call the same functions, so they run the real app.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::config::Config;
use crate::db::{self, Pool};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::i18n::Translator;
use crate::web::middleware::{FORM_LIMIT, request_context};
use crate::web::{session, static_files};

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{path:.*}", web::get().to(static_files::serve));
    crate::home::routes(cfg);
    crate::auth::routes(cfg);
    crate::admin::routes(cfg);
    crate::children::routes(cfg);
    crate::cases::routes(cfg);
    crate::referrals::routes(cfg);
    crate::inspections::routes(cfg);
    crate::investigations::routes(cfg);
    crate::reports::routes(cfg);
    crate::training::routes(cfg);
    crate::complaints::routes(cfg);
    crate::metrics::routes(cfg);
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// The headers every response carries. The policy allows no inline script and
/// no framing; pages with personal data must not be cached anywhere.
fn security_headers(secure: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
             base-uri 'none'; object-src 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"));
    if secure {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

pub fn build_state(config: Config, pool: Pool) -> anyhow::Result<web::Data<AppState>> {
    let i18n = Arc::new(Translator::load()?);
    let mut state = AppState::new(config, pool, i18n);
    state.menu_count = crate::home::work::menu_count;
    Ok(web::Data::new(state))
}

/// Start serving on `listener`; the returned server runs until stopped (or
/// until SIGINT/SIGTERM, which stop it gracefully).
pub fn run(
    listener: TcpListener,
    state: web::Data<AppState>,
    workers: Option<usize>,
) -> std::io::Result<Server> {
    let secure = state.config.secure_cookies;
    let app_state = state.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(app_state.clone())
            .app_data(web::PayloadConfig::new(FORM_LIMIT))
            .wrap(from_fn(request_context))
            .wrap(security_headers(secure))
            .wrap(TracingLogger::<crate::web::request_log::RouteOnly>::new())
            .wrap(from_fn(crate::metrics::measure))
            .configure(routes)
            .default_service(web::to(not_found))
    })
    .shutdown_timeout(10)
    // The request's head within 10 s (its body within the body deadline,
    // see `web::middleware::read_body`); an idle kept-alive connection
    // closes after 30 s, and a closing one gets 5 s to go.
    .client_request_timeout(Duration::from_secs(10))
    .client_disconnect_timeout(Duration::from_secs(5))
    .keep_alive(Duration::from_secs(30));
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    let server = server.listen(listener)?.run();
    spawn_release_schedule(state.clone());
    spawn_rollup_fold(state.clone());
    spawn_session_sweeper(state);
    Ok(server)
}

/// Make the schedule's provisional release of today's period unless it
/// exists (DESIGN §5, releases). A failure is logged and tried again later:
/// the public pages keep showing the latest release meanwhile. `serve` calls
/// it before it listens, so a fresh server's public pages have a release.
pub fn publish_due_release(state: &AppState) {
    let schedule = state.config.provisional_releases;
    let threshold = state.config.suppression_threshold;
    let made = state
        .pool
        .get()
        .map_err(anyhow::Error::from)
        .and_then(|mut conn| {
            let today = crate::reports::handlers::today();
            crate::reports::releases::publish_due(&mut conn, schedule, threshold, today)
                .map_err(anyhow::Error::from)
        });
    match made {
        Ok(Some(release)) => {
            state.releases.note_latest(release.id);
            tracing::info!(release = release.id, "provisional release published")
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "publishing the provisional release failed"),
    }
}

/// Check at once and then every quarter of an hour whether the schedule's
/// next provisional release is due (a new month, week or day in Bishkek).
fn spawn_release_schedule(state: web::Data<AppState>) {
    if state.config.provisional_releases == crate::config::ReleaseSchedule::Off {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(900));
        loop {
            tick.tick().await;
            let state = state.clone();
            if let Err(e) = tokio::task::spawn_blocking(move || publish_due_release(&state)).await {
                tracing::warn!(error = %e, "the release schedule stopped a round");
            }
        }
    });
}

/// Fold the report counters' stripes into one row each, every two seconds
/// (migration `report_rollups_striped`): concurrent writes add to stripes
/// of their own, and a page reads few rows per counter.
fn spawn_rollup_fold(state: web::Data<AppState>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            let folded = db::run(&state.pool, move |conn| {
                Ok(crate::reports::rollups::fold(conn)?)
            })
            .await;
            if let Err(e) = folded {
                tracing::warn!(error = %e, "folding the report counters failed");
            }
        }
    });
}

/// Delete expired sessions every ten minutes.
fn spawn_session_sweeper(state: web::Data<AppState>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let lifetimes = state.session_lifetimes();
            let swept = db::run(&state.pool, move |conn| {
                Ok(session::purge_expired(conn, lifetimes)?)
            })
            .await;
            if let Err(e) = swept {
                tracing::warn!(error = %e, "sweeping expired sessions failed");
            }
        }
    });
}
