use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde_json::json;

use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::auth::forms::{ChangePasswordForm, LoginForm, safe_next};
use crate::auth::{model, second_factor};
use crate::db;
use crate::policy;
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::middleware::client_ip;
use crate::web::session;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: Ctx,
    login: String,
    next: String,
    failed: bool,
}

#[derive(Debug, serde::Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_page(
    req: HttpRequest,
    mut ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    if ctx.signed_in() {
        return Ok(see_other("/"));
    }
    // The sign-in form posts a CSRF token too; a visitor without a session
    // gets it in a cookie (double submit), not a session row.
    let mut cookie = None;
    if ctx.session_hash.is_none() {
        let secure = state.config.secure_cookies;
        let token = session::login_csrf_token(&req, secure).unwrap_or_else(session::new_login_csrf);
        ctx.csrf = token.clone();
        cookie = Some(session::login_csrf_cookie(token, secure));
    }
    let page = LoginPage {
        ctx,
        login: String::new(),
        next: safe_next(&query.next),
        failed: false,
    };
    let mut response = render(&page)?;
    if let Some(cookie) = cookie {
        response.add_cookie(&cookie).map_err(AppError::internal)?;
    }
    Ok(response)
}

pub async fn login(
    req: HttpRequest,
    mut ctx: Ctx,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let form = LoginForm::from_form(&form);
    if rate_limited(&state, &ctx) {
        return Err(AppError::TooManyRequests);
    }
    let login = form.normalized_login();
    // No account's login holds a control character (and PostgreSQL could
    // not even compare a NUL): such a login is unknown, not an error.
    let candidate = if login.chars().any(char::is_control) {
        None
    } else {
        let login = login.clone();
        db::run(&state.pool, move |conn| {
            Ok(model::find_by_login(conn, &login)?)
        })
        .await?
    };
    let password = form.password.clone();
    let hash = candidate.as_ref().map(|c| c.password_hash.clone());
    // Argon2 is deliberately slow: off the worker threads.
    let password_ok = web::block(move || match hash {
        Some(hash) => model::verify_password(&hash, &password),
        None => {
            model::verify_against_dummy(&password);
            false
        }
    })
    .await
    .map_err(AppError::internal)?;

    let who = Who::anonymous(&ctx.client_addr);
    let now = Utc::now();
    let delays = state.config.delays();
    // A known device of this account counts its own failures and waits only
    // for them: an outsider's failures cannot keep the owner out.
    let device_token = session::device_token(&req);
    let counter = match (&candidate, device_token.clone()) {
        (Some(user), Some(token)) => {
            let id = user.id;
            db::run(&state.pool, move |conn| {
                Ok(model::known_device(conn, id, &token)?)
            })
            .await?
            .map(model::Counter::Device)
        }
        _ => None,
    };
    let device_wait = match &counter {
        Some(device) => {
            let device = device.clone();
            db::run(&state.pool, move |conn| {
                Ok(model::waiting_until(conn, &device)?)
            })
            .await?
        }
        None => None,
    };
    let known_device = counter.is_some();
    let waiting = |user: &model::LoginCandidate| {
        if known_device {
            device_wait.is_some()
        } else {
            user.locked_until.is_some_and(|t| t > now)
        }
    };
    match candidate {
        Some(user) if password_ok && user.active && !waiting(&user) => {
            let old_session = ctx.session_hash.clone();
            let counter = counter.unwrap_or(model::Counter::Account(user.id));
            let rules = state.config.second_factor_rules();
            // The language chosen on the sign-in page stays the user's.
            let chosen = crate::web::middleware::chosen_lang(&req);
            let (token, device, enrolled) = db::transaction(&state.pool, move |conn| {
                if let Some(lang) = chosen {
                    model::set_locale(conn, user.id, lang)?;
                }
                let factor = second_factor::stored(conn, user.id)?;
                let enrolled = factor.enrolled();
                // With a second factor, the password alone proves nothing yet:
                // the failures stay counted and the browser does not become a
                // known device until the code is right too.
                if !enrolled {
                    model::record_success(conn, user.id, &counter)?;
                    let role = session::load_actor(conn, user.id)?.map(|(a, _)| a.role);
                    if role.is_some_and(|r| policy::second_factor_required(r, rules)) {
                        second_factor::start_grace(conn, user.id, now + rules.grace)?;
                    }
                }
                if let Some(old) = old_session {
                    session::delete(conn, &old)?;
                }
                // A new session id at sign-in: a planted id is worth nothing.
                let (token, _) = session::create(conn, user.id, false)?;
                // This browser becomes (or stays) a known device of the user.
                let device = match counter {
                    model::Counter::Account(_) if !enrolled => {
                        Some(model::add_known_device(conn, user.id)?)
                    }
                    _ => None,
                };
                let who = Who {
                    actor_id: Some(user.id),
                    actor_login: Some(user.login.clone()),
                    ..who
                };
                audit::record(
                    conn,
                    &who,
                    AuditAction::LoginOk,
                    Some((TargetKind::User, user.id)),
                    json!({ "known_device": known_device, "second_factor": enrolled }),
                )?;
                Ok((token, device, enrolled))
            })
            .await?;
            let destination = if enrolled {
                format!(
                    "/login/code?next={}",
                    percent_encoding::utf8_percent_encode(
                        &form.safe_next(),
                        percent_encoding::NON_ALPHANUMERIC
                    )
                )
            } else if user.must_change_password {
                "/account/password".to_owned()
            } else {
                form.safe_next()
            };
            let mut response = signed_in(&state, &destination, token, device)?;
            response
                .add_cookie(&session::login_csrf_removal(state.config.secure_cookies))
                .map_err(AppError::internal)?;
            Ok(response)
        }
        other => {
            let locked = other.as_ref().is_some_and(waiting);
            db::transaction(&state.pool, move |conn| {
                match other {
                    Some(user) => {
                        let reason = if !user.active {
                            "inactive"
                        } else if locked {
                            "locked"
                        } else {
                            "wrong_password"
                        };
                        let target = Some((TargetKind::User, user.id));
                        audit::record(
                            conn,
                            &who,
                            AuditAction::LoginFailed,
                            target,
                            json!({ "reason": reason, "known_device": known_device }),
                        )?;
                        // Attempts refused while waiting are not counted:
                        // the wait grows with each attempt actually checked.
                        let counter = counter.unwrap_or(model::Counter::Account(user.id));
                        if user.active && !locked {
                            count_failure(conn, &who, target, known_device, &counter, delays)?;
                        }
                    }
                    // The typed login is not recorded: people type passwords there.
                    None => audit::record(
                        conn,
                        &who,
                        AuditAction::LoginFailed,
                        None,
                        json!({ "reason": "unknown_login" }),
                    )?,
                }
                Ok(())
            })
            .await?;
            // The form again, with the token it came with.
            if ctx.session_hash.is_none() {
                ctx.csrf = session::login_csrf_token(&req, state.config.secure_cookies)
                    .unwrap_or_default();
            }
            let page = LoginPage {
                ctx,
                login: form.login.trim().to_owned(),
                next: form.safe_next(),
                failed: true,
            };
            render_with(StatusCode::UNAUTHORIZED, &page)
        }
    }
}

/// Guessing a password or a code from one address: every form that checks
/// one shares this limit.
pub(crate) fn rate_limited(state: &AppState, ctx: &Ctx) -> bool {
    let ip = client_ip(&ctx.client_addr).unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    state.login_limiter.check_key(&ip).is_err()
}

/// Off to `destination` with the new session's cookie, and the known
/// device's when this browser just became one.
pub(crate) fn signed_in(
    state: &AppState,
    destination: &str,
    token: String,
    device: Option<String>,
) -> AppResult<HttpResponse> {
    let secure = state.config.secure_cookies;
    let mut response = see_other(destination);
    response
        .add_cookie(&session::session_cookie(token, secure))
        .map_err(AppError::internal)?;
    if let Some(device) = device {
        response
            .add_cookie(&session::device_cookie(device, secure))
            .map_err(AppError::internal)?;
    }
    Ok(response)
}

/// A wrong password, current password or second-factor code, checked: count
/// it on the device or the account, and audit the start of a wait.
pub(crate) fn count_failure(
    conn: &mut diesel::PgConnection,
    who: &Who,
    target: Option<(TargetKind, i64)>,
    known_device: bool,
    counter: &model::Counter,
    delays: model::Delays,
) -> diesel::QueryResult<()> {
    if model::record_failure(conn, counter, delays)? {
        audit::record(
            conn,
            who,
            AuditAction::LoginLocked,
            target,
            json!({ "known_device": known_device }),
        )?;
    }
    Ok(())
}

pub async fn logout(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    if let Some(hash) = ctx.session_hash.clone() {
        let who = ctx.actor.as_ref().map(|a| Who::actor(a, &ctx.client_addr));
        db::transaction(&state.pool, move |conn| {
            session::delete(conn, &hash)?;
            if let Some(who) = who {
                let target = who.actor_id.map(|id| (TargetKind::User, id));
                audit::record(conn, &who, AuditAction::Logout, target, json!({}))?;
            }
            Ok(())
        })
        .await?;
    }
    let mut response = see_other("/login");
    response
        .add_cookie(&session::removal_cookie(state.config.secure_cookies))
        .map_err(AppError::internal)?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    ctx: Ctx,
    errors: FieldErrors,
    forced: bool,
}

pub async fn password_page(signed: Signed) -> AppResult<HttpResponse> {
    let forced = signed.actor.must_change_password;
    render(&PasswordPage {
        ctx: signed.ctx,
        errors: FieldErrors::new(),
        forced,
    })
}

pub async fn change_password(
    req: HttpRequest,
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let form = ChangePasswordForm::from_form(&form);
    let forced = actor.must_change_password;
    let invalid = |ctx: Ctx, errors: FieldErrors| {
        render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                ctx,
                errors,
                forced,
            },
        )
    };
    let new_password = match form.parse(&actor.login) {
        Ok(p) => p,
        Err(errors) => return invalid(ctx, errors),
    };
    // Guessing the current password here is guessing the password: the same
    // rate limit per address, the same growing delays, audited.
    if rate_limited(&state, &ctx) {
        return Err(AppError::TooManyRequests);
    }
    let id = actor.id;
    let device_token = session::device_token(&req);
    let (stored, counter, wait) = db::run(&state.pool, move |conn| {
        let device = match device_token {
            Some(token) => model::known_device(conn, id, &token)?,
            None => None,
        };
        let counter = device.map_or(model::Counter::Account(id), model::Counter::Device);
        let wait = model::waiting_until(conn, &counter)?;
        Ok((model::password_hash_of(conn, id)?, counter, wait))
    })
    .await?;
    let who = Who::actor(&actor, &ctx.client_addr);
    let waiting = wait.is_some();
    let current = form.current.clone();
    let same_as_before = form.new_password == form.current;
    let new_hash = if waiting {
        None
    } else {
        web::block(move || {
            if !model::verify_password(&stored, &current) {
                return Ok(None);
            }
            model::hash_password(new_password.expose()).map(Some)
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
    };
    let Some(new_hash) = new_hash else {
        let delays = state.config.delays();
        let who = who.clone();
        let known_device = matches!(counter, model::Counter::Device(_));
        db::transaction(&state.pool, move |conn| {
            let target = Some((TargetKind::User, id));
            let reason = if waiting { "locked" } else { "wrong_password" };
            audit::record(
                conn,
                &who,
                AuditAction::PasswordChangeFailed,
                target,
                json!({ "reason": reason, "known_device": known_device }),
            )?;
            if !waiting {
                count_failure(conn, &who, target, known_device, &counter, delays)?;
            }
            Ok(())
        })
        .await?;
        let mut errors = FieldErrors::new();
        errors.add(
            "current",
            if waiting {
                "error-password-wait"
            } else {
                "error-password-wrong-current"
            },
        );
        return invalid(ctx, errors);
    };
    if same_as_before {
        let mut errors = FieldErrors::new();
        errors.add("new_password", "error-password-unchanged");
        return invalid(ctx, errors);
    }
    let keep = ctx.session_hash.clone();
    db::transaction(&state.pool, move |conn| {
        model::set_password(conn, id, &new_hash, false)?;
        model::reset_counter(conn, &counter)?;
        // Every other session of this user ends: a stolen one included.
        session::delete_for_user(conn, id, keep.as_deref())?;
        audit::record(
            conn,
            &who,
            AuditAction::PasswordChanged,
            Some((TargetKind::User, id)),
            json!({}),
        )?;
        session::flash(conn, keep.as_deref(), "flash-password-changed")?;
        Ok(())
    })
    .await?;
    Ok(see_other("/"))
}
