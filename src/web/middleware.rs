//! The request-context middleware, in front of every route:
//! 1. loads the server-side session named by the cookie;
//! 2. picks the language (`?lang=`, then the user's choice, the `lang` cookie,
//!    the browser's Accept-Language, then Kyrgyz) and remembers a `?lang=` choice;
//! 3. refuses any state-changing request whose CSRF token (form field
//!    `csrf_token` or header `X-CSRF-Token`) does not match the session's (for
//!    the sign-in form of a visitor, who has no session, its cookie's), or
//!    which a browser marks as cross-site — so no route can forget the check;
//! 4. keeps a session that has the password but still owes the second factor
//!    (its code, or setting it up once the grace period is over) on that step;
//! 5. renders error responses as localized pages;
//! 6. consumes a flash message once a page has shown it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::{self, BytesMut};
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use diesel::prelude::*;
use futures_util::StreamExt;

use crate::db;
use crate::db::schema::users;
use crate::policy::{self, FactorGate};
use crate::web::AppState;
use crate::web::context::{Ctx, RequestInfo};
use crate::web::error::{AppError, ErrorPage};
use crate::web::i18n::{self, Lang};
use crate::web::session::{self, Session};

/// Largest form body accepted (forms are small; uploads will have their own route).
pub const FORM_LIMIT: usize = 64 * 1024;
const LANG_COOKIE: &str = "korgoo_lang";
const CSRF_FIELD: &str = "csrf_token";
const CSRF_HEADER: &str = "x-csrf-token";

pub async fn request_context(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Static files, the health check and the metrics need neither session
    // nor language.
    if req.path().starts_with("/static/") || matches!(req.path(), "/healthz" | "/metrics") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let client_addr =
        crate::web::proxy::client_address(req.request(), &state.config.trusted_proxies);
    let secure = state.config.secure_cookies;

    // 1. The session.
    let token = req
        .cookie(session::COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let lifetimes = state.session_lifetimes();
    // A page's menu counts what waits for its reader: read with the session,
    // on the same connection, once the session has passed its second factor.
    let count_menu = (req.method() == Method::GET).then_some(state.menu_count);
    let rules = state.config.second_factor_rules();
    let loaded = match token {
        None => Ok((None, None)),
        Some(token) => {
            db::run(&state.pool, move |conn| {
                let session = session::load(conn, &token, lifetimes)?;
                let menu = match (&session, count_menu) {
                    (Some(s), Some(count)) if factor_gate_of(s, rules).0 == FactorGate::Open => {
                        match &s.actor {
                            Some(actor) => count(conn, actor)?,
                            None => None,
                        }
                    }
                    _ => None,
                };
                Ok((session, menu))
            })
            .await
        }
    };
    let ((session, menu), session_failed) = match loaded {
        Ok(loaded) => (loaded, None),
        Err(e) => ((None, None), Some(e)),
    };

    // 2. The language.
    let chosen = query_lang(req.query_string());
    let remembered = session
        .as_ref()
        .and_then(|s| s.actor.as_ref())
        .map(|a| a.locale)
        .or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(i18n::negotiate)
        });
    let lang = chosen.or(remembered).unwrap_or(Lang::DEFAULT);
    let (gate, enrol_by) = session.as_ref().map_or((FactorGate::Open, None), |s| {
        factor_gate_of(s, state.config.second_factor_rules())
    });
    let info = RequestInfo {
        lang,
        session: session.clone(),
        client_addr,
        rejected: false,
        gate,
        enrol_by,
        menu,
    };

    if let Some(e) = session_failed {
        req.extensions_mut().insert(info);
        let page = e.page().unwrap_or(ErrorPage::Internal);
        // Logs the cause once, as every AppError does.
        drop(actix_web::ResponseError::error_response(&e));
        return Ok(error_response(req, &state, page));
    }

    if let (Some(new_lang), true) = (chosen, req.method() == Method::GET) {
        if let Some(actor) = session.as_ref().and_then(|s| s.actor.as_ref())
            && actor.locale != new_lang
        {
            let id = actor.id;
            let saved = db::run(&state.pool, move |conn| {
                diesel::update(users::table.find(id))
                    .set(users::locale.eq(new_lang))
                    .execute(conn)?;
                Ok(())
            })
            .await;
            if let Err(e) = saved {
                req.extensions_mut().insert(info);
                drop(actix_web::ResponseError::error_response(&e));
                return Ok(error_response(
                    req,
                    &state,
                    e.page().unwrap_or(ErrorPage::Internal),
                ));
            }
        }
        let location = without_lang(&crate::web::safe_path(req.path()), req.query_string());
        let cookie = Cookie::build(LANG_COOKIE, new_lang.as_str())
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish();
        let response = HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .cookie(cookie)
            .finish();
        return Ok(req.into_response(response).map_into_boxed_body());
    }

    // 3. Forgery protection for everything that changes state.
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && let Err(page) = verify_csrf(
            &mut req,
            session.as_ref(),
            secure,
            state.config.body_deadline(),
        )
        .await
    {
        if page == ErrorPage::Csrf {
            // Not the path: a refused POST's path may hold anything typed
            // (the request's span names its route).
            tracing::warn!("request refused: CSRF check failed");
        }
        req.extensions_mut().insert(RequestInfo {
            rejected: true,
            ..info
        });
        return Ok(error_response(req, &state, page));
    }

    // 4. A session with the password but not (yet) the second factor stays
    // on the one step it still owes.
    if let Some(step) = gate_step(gate)
        && !step.allows(req.path())
    {
        let location = if req.method() == Method::GET && step.path == CODE_PATH {
            let asked = match req.query_string() {
                "" => req.path().to_owned(),
                q => format!("{}?{q}", req.path()),
            };
            format!(
                "{}?next={}",
                step.path,
                percent_encoding::utf8_percent_encode(
                    &crate::web::safe_path(&asked),
                    percent_encoding::NON_ALPHANUMERIC
                )
            )
        } else {
            step.path.to_owned()
        };
        let response = HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish();
        return Ok(req.into_response(response).map_into_boxed_body());
    }

    let refusable = session
        .as_ref()
        .and_then(|s| s.actor.as_ref())
        .map(|a| crate::audit::Who::actor(a, &info.client_addr));
    let had_flash = session.as_ref().is_some_and(|s| s.flash.is_some());
    let session_hash = session.map(|s| s.id_hash);
    let is_get = req.method() == Method::GET;
    req.extensions_mut().insert(info);
    let res = next.call(req).await?;

    // 5. Error pages in the user's language.
    if let Some(page) = error_page_for(&res) {
        let (request, _) = res.into_parts();
        if let (ErrorPage::Forbidden | ErrorPage::NotFound, Some(who)) = (page, refusable) {
            record_refusal(&state, &request, who, page).await;
        }
        let response = render_error(&request, &state, page);
        return Ok(ServiceResponse::new(request, response));
    }

    // 6. A flash message is shown once.
    if had_flash
        && is_get
        && res.status() == StatusCode::OK
        && let Some(hash) = session_hash
    {
        let cleared = db::run(&state.pool, move |conn| {
            Ok(session::clear_flash(conn, &hash)?)
        })
        .await;
        if let Err(e) = cleared {
            tracing::warn!(error = %e, "clearing a flash message failed");
        }
    }
    Ok(res.map_into_boxed_body())
}

/// Where the second factor sends a session that still owes it a step.
const CODE_PATH: &str = "/login/code";
const ENROL_PATH: &str = "/account/second-factor";

struct GateStep {
    path: &'static str,
}

impl GateStep {
    /// The step's own pages and signing out.
    fn allows(&self, path: &str) -> bool {
        path == "/logout" || path == self.path || path.starts_with(&format!("{}/", self.path))
    }
}

fn gate_step(gate: FactorGate) -> Option<GateStep> {
    match gate {
        FactorGate::Open => None,
        FactorGate::Code => Some(GateStep { path: CODE_PATH }),
        FactorGate::Enrol => Some(GateStep { path: ENROL_PATH }),
    }
}

/// The session's gate, and the end of a running grace period to enrol.
fn factor_gate_of(
    session: &Session,
    rules: policy::SecondFactorRules,
) -> (FactorGate, Option<chrono::DateTime<chrono::Utc>>) {
    let Some(actor) = session.actor.as_ref() else {
        return (FactorGate::Open, None);
    };
    let f = session.factor;
    let gate = policy::factor_gate(
        actor.role,
        rules,
        f.enrolled,
        f.passed,
        f.due_at,
        chrono::Utc::now(),
    );
    let grace = gate == FactorGate::Open
        && !f.enrolled
        && policy::second_factor_required(actor.role, rules);
    (gate, f.due_at.filter(|_| grace))
}

/// A signed-in user was refused a route of ours (a page of another role,
/// a record beyond their reach, an id that does not exist: the entry is the
/// same for the last two). A path no route matches is not a refusal.
async fn record_refusal(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    who: crate::audit::Who,
    page: ErrorPage,
) {
    let Some(route) = request.match_pattern() else {
        return;
    };
    let method = request.method().to_string();
    let params: Vec<(String, String)> = request
        .match_info()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let status = page.status().as_u16();
    let written = db::run(&state.pool, move |conn| {
        Ok(crate::audit::refused(
            conn, &who, &method, &route, &params, status,
        )?)
    })
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, "recording a refused access failed");
    }
}

/// Which error page, if any, replaces a response: one our handlers marked, an
/// error actix raised (a bad path, a malformed form), or an empty error status.
fn error_page_for<B>(res: &ServiceResponse<B>) -> Option<ErrorPage> {
    if let Some(page) = res.response().extensions().get::<ErrorPage>() {
        return Some(*page);
    }
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let bare =
        res.response().error().is_some() || !res.headers().contains_key(header::CONTENT_TYPE);
    if bare {
        ErrorPage::from_status(status)
    } else {
        None
    }
}

fn error_response(
    req: ServiceRequest,
    state: &web::Data<AppState>,
    page: ErrorPage,
) -> ServiceResponse<BoxBody> {
    let (request, _) = req.into_parts();
    let response = render_error(&request, state, page);
    ServiceResponse::new(request, response)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    ctx: Ctx,
    title_key: &'static str,
    body_key: &'static str,
    /// The status shown large; none on the page that asks the reader to wait
    /// for a count, which is not a failure.
    status: Option<u16>,
}

fn render_error(req: &HttpRequest, state: &web::Data<AppState>, page: ErrorPage) -> HttpResponse {
    let info = req
        .extensions()
        .get::<RequestInfo>()
        .cloned()
        .unwrap_or(RequestInfo {
            lang: Lang::DEFAULT,
            session: None,
            client_addr: String::new(),
            rejected: true,
            gate: FactorGate::Open,
            enrol_by: None,
            menu: None,
        });
    let (title_key, body_key) = page.message_keys();
    let template = ErrorTemplate {
        ctx: Ctx::new(info, state.i18n.clone(), req.path().to_owned()),
        title_key,
        body_key,
        status: Some(page.status().as_u16()),
    };
    let mut builder = HttpResponse::build(page.status());
    builder.content_type("text/html; charset=utf-8");
    if page == ErrorPage::TooManyRequests {
        builder.insert_header((header::RETRY_AFTER, "60"));
    }
    match template.render() {
        Ok(html) => builder.body(html),
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page failed");
            builder
                .content_type("text/plain; charset=utf-8")
                .body(page.status().to_string())
        }
    }
}

async fn verify_csrf(
    req: &mut ServiceRequest,
    session: Option<&Session>,
    secure: bool,
    deadline: std::time::Duration,
) -> Result<(), ErrorPage> {
    // Browsers say where a request comes from; a cross-site one is refused
    // before anything else is looked at.
    if let Some(site) = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return Err(ErrorPage::Csrf);
    }
    if let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        // Under `Referrer-Policy: no-referrer` browsers send `Origin: null` even
        // for same-origin forms; it tells nothing, so Sec-Fetch-Site and the
        // token decide.
        .filter(|o| *o != "null")
    {
        let host = req.connection_info().host().to_owned();
        let same = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(&host));
        if !same {
            return Err(ErrorPage::Csrf);
        }
    }
    // A session's own token; without one, only the sign-in form may post,
    // with the token its cookie holds.
    let expected = match session {
        Some(s) => s.csrf_token.clone(),
        None if req.path() == "/login" => {
            session::login_csrf_token(req.request(), secure).unwrap_or_default()
        }
        None => String::new(),
    };
    if let Some(given) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return Err(ErrorPage::Csrf);
        }
        // The body too arrives within the deadline, whatever its type.
        let body = read_body(req, deadline).await?;
        put_back(req, body);
        return Ok(());
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(if expected.is_empty() {
            ErrorPage::Csrf
        } else {
            ErrorPage::BadRequest
        });
    }
    let body = read_body(req, deadline).await?;
    let given = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned());
    put_back(req, body);
    match given {
        Some(given)
            if !expected.is_empty() && constant_time_eq(given.as_bytes(), expected.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(ErrorPage::Csrf),
    }
}

/// Put a body read here back for the handler's extractor.
fn put_back(req: &mut ServiceRequest, body: web::Bytes) {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    req.set_payload(payload.into());
}

/// The whole body, within `deadline` (a client sending a byte now and then
/// holds no connection open past it: 408) and `FORM_LIMIT`.
async fn read_body(
    req: &mut ServiceRequest,
    deadline: std::time::Duration,
) -> Result<web::Bytes, ErrorPage> {
    match tokio::time::timeout(deadline, read_body_whole(req)).await {
        Ok(body) => body,
        Err(_) => {
            tracing::warn!("request refused: its body did not arrive in time");
            Err(ErrorPage::RequestTimeout)
        }
    }
}

async fn read_body_whole(req: &mut ServiceRequest) -> Result<web::Bytes, ErrorPage> {
    if let Some(length) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && length > FORM_LIMIT
    {
        return Err(ErrorPage::PayloadTooLarge);
    }
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ErrorPage::BadRequest)?;
        if body.len() + chunk.len() > FORM_LIMIT {
            return Err(ErrorPage::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The language this browser last chose (on any page, the sign-in page
/// included), if it chose one.
pub fn chosen_lang(req: &actix_web::HttpRequest) -> Option<Lang> {
    req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value()))
}

fn query_lang(query: &str) -> Option<Lang> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v))
}

/// The same address without its `lang` parameter.
fn without_lang(path: &str, query: &str) -> String {
    let rest: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if rest.is_empty() {
        path.to_owned()
    } else {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(rest)
            .finish();
        format!("{path}?{encoded}")
    }
}

/// `AppError` for handlers that need the address as an IP (rate limiting).
pub fn client_ip(addr: &str) -> Result<std::net::IpAddr, AppError> {
    addr.parse().map_err(|_| AppError::BadRequest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_is_removed_from_the_query_and_the_rest_kept() {
        assert_eq!(without_lang("/admin/users", "lang=ru"), "/admin/users");
        assert_eq!(
            without_lang("/admin/users", "role=admin&lang=en&q=a+b"),
            "/admin/users?role=admin&q=a+b"
        );
        assert_eq!(query_lang("lang=ru"), Some(Lang::Ru));
        assert_eq!(query_lang("lang=de"), None);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
