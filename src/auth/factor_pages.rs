//! The second factor's pages (issue 19): the code step after the password,
//! setting the factor up (QR code, first code, ten recovery codes), new
//! recovery codes, and the admin's reset.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::auth::forms::safe_next;
use crate::auth::handlers::{count_failure, rate_limited, signed_in};
use crate::auth::{model, second_factor, totp};
use crate::db;
use crate::policy::{self, FactorGate, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, SignedPartly, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::session;

#[derive(Template)]
#[template(path = "auth/code.html")]
struct CodePage {
    ctx: Ctx,
    next: String,
    errors: FieldErrors,
}

#[derive(Debug, serde::Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// The code step: after a right password, for a user with a factor.
pub async fn code_page(
    partly: SignedPartly,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    if partly.ctx.gate != FactorGate::Code {
        return Ok(see_other("/"));
    }
    render(&CodePage {
        ctx: partly.ctx,
        next: safe_next(&query.next),
        errors: FieldErrors::new(),
    })
}

/// How a typed code turned out.
enum Checked {
    Code,
    Recovery { left: i64 },
    Refused(&'static str),
}

/// Check what was typed against the user's factor, spending it if right: a
/// six-digit code of now (never one accepted before) or an unused recovery
/// code when `recovery` allows it.
fn check(
    conn: &mut diesel::PgConnection,
    user_id: i64,
    secret: &[u8],
    typed: &str,
    recovery: bool,
) -> diesel::QueryResult<Checked> {
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    if totp::looks_like_code(typed) {
        return Ok(match totp::matching_step(secret, typed, now) {
            Some(step) if second_factor::claim_step(conn, user_id, step)? => Checked::Code,
            Some(_) => Checked::Refused("replayed"),
            None => Checked::Refused("wrong"),
        });
    }
    if recovery
        && let Some(plain) = totp::normalize_recovery_code(typed)
        && second_factor::use_recovery_code(conn, user_id, &plain)?
    {
        let left = second_factor::recovery_codes_left(conn, user_id)?;
        return Ok(Checked::Recovery { left });
    }
    Ok(Checked::Refused("wrong"))
}

/// One attempt at a code: whose, the counter a wrong one grows (this
/// browser's if it is a known device of the user, else the account's), and
/// whether a wait runs on it.
struct Attempt {
    id: i64,
    counter: model::Counter,
    waiting: bool,
    who: Who,
    delays: model::Delays,
}

impl Attempt {
    async fn of(
        state: &AppState,
        req: &HttpRequest,
        ctx: &Ctx,
        actor: &policy::Actor,
    ) -> AppResult<Attempt> {
        let token = session::device_token(req);
        let user_id = actor.id;
        let (counter, waiting) = db::run(&state.pool, move |conn| {
            let device = match token {
                Some(token) => model::known_device(conn, user_id, &token)?,
                None => None,
            };
            let counter = device.map_or(model::Counter::Account(user_id), model::Counter::Device);
            let waiting = model::waiting_until(conn, &counter)?.is_some();
            Ok((counter, waiting))
        })
        .await?;
        Ok(Attempt {
            id: user_id,
            counter,
            waiting,
            who: Who::actor(actor, &ctx.client_addr),
            delays: state.config.delays(),
        })
    }

    fn known_device(&self) -> bool {
        matches!(self.counter, model::Counter::Device(_))
    }

    /// Check what was typed (recovery codes too when `recovery`), spending
    /// it if right. A refusal (wrong, replayed, or while waiting) is audited
    /// with what the code was `for`, and counted like a wrong password.
    fn judge(
        &self,
        conn: &mut diesel::PgConnection,
        typed: &str,
        recovery: bool,
        purpose: &str,
    ) -> diesel::QueryResult<Result<Checked, &'static str>> {
        let stored = second_factor::stored(conn, self.id)?;
        let checked = match (&stored.secret, self.waiting) {
            (_, true) => Checked::Refused("locked"),
            (Some(secret), false) if stored.enrolled() => {
                check(conn, self.id, secret, typed, recovery)?
            }
            _ => Checked::Refused("wrong"),
        };
        let Checked::Refused(reason) = checked else {
            return Ok(Ok(checked));
        };
        let target = Some((TargetKind::User, self.id));
        let known_device = self.known_device();
        audit::record(
            conn,
            &self.who,
            AuditAction::SecondFactorFailed,
            target,
            json!({ "reason": reason, "known_device": known_device, "for": purpose }),
        )?;
        if reason != "locked" {
            count_failure(
                conn,
                &self.who,
                target,
                known_device,
                &self.counter,
                self.delays,
            )?;
        }
        Ok(Err(reason))
    }
}

pub async fn submit_code(
    req: HttpRequest,
    partly: SignedPartly,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let SignedPartly { ctx, actor } = partly;
    if ctx.gate != FactorGate::Code {
        return Ok(see_other("/"));
    }
    let next = safe_next(form.get("next"));
    let typed = form.get("code").trim().to_owned();
    let refuse = |ctx: Ctx, key: &'static str| {
        render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &CodePage {
                ctx,
                next: next.clone(),
                errors: FieldErrors::from_one("code", key),
            },
        )
    };
    if typed.is_empty() {
        return refuse(ctx, "error-code-required");
    }
    // Guessing codes is guessing the sign-in: the same limit per address.
    if rate_limited(&state, &ctx) {
        return Err(AppError::TooManyRequests);
    }
    let id = actor.id;
    let attempt = Attempt::of(&state, &req, &ctx, &actor).await?;
    let old_session = ctx.session_hash.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        let checked = match attempt.judge(conn, &typed, true, "sign_in")? {
            Ok(checked) => checked,
            Err(reason) => return Ok(Err(reason)),
        };
        let (who, known_device) = (&attempt.who, attempt.known_device());
        let target = Some((TargetKind::User, id));
        let left = match checked {
            Checked::Refused(reason) => return Ok(Err(reason)),
            Checked::Code => {
                audit::record(
                    conn,
                    who,
                    AuditAction::SecondFactorOk,
                    target,
                    json!({ "known_device": known_device }),
                )?;
                None
            }
            Checked::Recovery { left } => {
                audit::record(
                    conn,
                    who,
                    AuditAction::RecoveryCodeUsed,
                    target,
                    json!({ "known_device": known_device, "left": left }),
                )?;
                Some(left)
            }
        };
        model::record_success(conn, id, &attempt.counter)?;
        // A new session id once both factors are in.
        if let Some(old) = &old_session {
            session::delete(conn, old)?;
        }
        let (token, new_session) = session::create(conn, id, true)?;
        let device = match attempt.counter {
            model::Counter::Account(_) => Some(model::add_known_device(conn, id)?),
            model::Counter::Device(_) => None,
        };
        if let Some(left) = left.filter(|l| *l <= 3) {
            session::flash_with(
                conn,
                Some(&new_session.id_hash),
                "flash-recovery-codes-low",
                Some(left.to_string()),
            )?;
        }
        Ok(Ok((token, device)))
    })
    .await?;
    let (token, device) = match outcome {
        Ok(signed_in) => signed_in,
        Err("locked") => return refuse(ctx, "error-code-wait"),
        Err(_) => return refuse(ctx, "error-code-wrong"),
    };
    let destination = if actor.must_change_password {
        "/account/password".to_owned()
    } else {
        next.clone()
    };
    signed_in(&state, &destination, token, device)
}

#[derive(Template)]
#[template(path = "auth/second_factor.html")]
struct FactorPage {
    ctx: Ctx,
    /// Set up since then; none while it is not.
    since: Option<DateTime<Utc>>,
    codes_left: i64,
    required: bool,
    /// Enrolment has started: the QR code (SVG) and the key to type instead.
    started: bool,
    qr: String,
    key: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "auth/recovery_codes.html")]
struct RecoveryCodesPage {
    ctx: Ctx,
    codes: Vec<String>,
}

/// The factor page: its state, and the QR code of an enrolment started
/// (reading only: starting one is a POST).
async fn factor_page(
    state: &AppState,
    ctx: Ctx,
    actor: &policy::Actor,
    errors: FieldErrors,
) -> AppResult<FactorPage> {
    let id = actor.id;
    let login = actor.login.clone();
    let (stored, codes_left) = db::run(&state.pool, move |conn| {
        let stored = second_factor::stored(conn, id)?;
        let left = second_factor::recovery_codes_left(conn, id)?;
        Ok((stored, left))
    })
    .await?;
    let secret = stored.secret.clone().filter(|_| !stored.enrolled());
    let (qr, key) = match &secret {
        Some(secret) => (
            totp::qr_svg(secret, &login).unwrap_or_default(),
            totp::secret_for_typing(secret),
        ),
        None => (String::new(), String::new()),
    };
    Ok(FactorPage {
        required: policy::second_factor_required(actor.role, state.config.second_factor_rules()),
        ctx,
        since: stored.enabled_at,
        codes_left,
        started: secret.is_some(),
        qr,
        key,
        errors,
    })
}

/// The user's second factor: set it up (QR code), or see it and renew the
/// recovery codes.
pub async fn factor(partly: SignedPartly, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let SignedPartly { ctx, actor } = partly;
    render(&factor_page(&state, ctx, &actor, FieldErrors::new()).await?)
}

/// Start the set-up (`step=start`: the QR code), or confirm it with a first
/// code from the app: the factor is on, and the ten recovery codes are
/// shown, once.
pub async fn enrol(
    partly: SignedPartly,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let SignedPartly { ctx, actor } = partly;
    if form.get("step") != "confirm" {
        // Start (or go on with) the set-up: the secret waits for its code.
        let id = actor.id;
        db::run(&state.pool, move |conn| {
            Ok(second_factor::enrolment_secret(conn, id)?)
        })
        .await?;
        return Ok(see_other("/account/second-factor"));
    }
    let typed = form.get("code").trim().to_owned();
    if typed.is_empty() {
        let errors = FieldErrors::from_one("code", "error-code-required");
        let page = factor_page(&state, ctx, &actor, errors).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if rate_limited(&state, &ctx) {
        return Err(AppError::TooManyRequests);
    }
    let id = actor.id;
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let codes = db::transaction(&state.pool, move |conn| {
        let stored = second_factor::stored(conn, id)?;
        let (Some(secret), None) = (stored.secret, stored.enabled_at) else {
            return Ok(None);
        };
        let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
        let Some(step) = totp::matching_step(&secret, &typed, now) else {
            return Ok(None);
        };
        let Some(codes) = second_factor::confirm(conn, id, step)? else {
            return Ok(None);
        };
        if let Some(hash) = &session_hash {
            session::mark_factor_passed(conn, hash)?;
        }
        audit::record(
            conn,
            &who,
            AuditAction::SecondFactorEnrolled,
            Some((TargetKind::User, id)),
            json!({}),
        )?;
        Ok(Some(codes))
    })
    .await?;
    match codes {
        Some(codes) => render(&RecoveryCodesPage { ctx, codes }),
        None => {
            let errors = FieldErrors::from_one("code", "error-code-wrong");
            let page = factor_page(&state, ctx, &actor, errors).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// Ten new recovery codes in place of the old, for a code from the app
/// (someone at an unattended screen cannot take them); a wrong code counts
/// like a wrong password.
pub async fn renew_codes(
    req: HttpRequest,
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let typed = form.get("code").trim().to_owned();
    let refuse = async |ctx: Ctx, key: &'static str| -> AppResult<HttpResponse> {
        let errors = FieldErrors::from_one("code", key);
        let page = factor_page(&state, ctx, &actor, errors).await?;
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    if typed.is_empty() {
        return refuse(ctx, "error-code-required").await;
    }
    if rate_limited(&state, &ctx) {
        return Err(AppError::TooManyRequests);
    }
    let id = actor.id;
    let attempt = Attempt::of(&state, &req, &ctx, &actor).await?;
    let outcome = db::transaction(&state.pool, move |conn| {
        if let Err(reason) = attempt.judge(conn, &typed, false, "recovery_codes")? {
            return Ok(Err(reason));
        }
        let target = Some((TargetKind::User, id));
        let codes = second_factor::renew_recovery_codes(conn, id)?;
        audit::record(
            conn,
            &attempt.who,
            AuditAction::RecoveryCodesRenewed,
            target,
            json!({}),
        )?;
        Ok(Ok(codes))
    })
    .await?;
    match outcome {
        Ok(codes) => render(&RecoveryCodesPage { ctx, codes }),
        Err("locked") => refuse(ctx, "error-code-wait").await,
        Err(_) => refuse(ctx, "error-code-wrong").await,
    }
}

/// The admin removes a user's second factor (a lost or changed phone): the
/// user's sessions end and their next sign-in sets a new one up at once.
pub async fn admin_reset(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    db::transaction(&state.pool, move |conn| {
        let user = crate::admin::model::get_user(conn, id)?;
        let had = user.second_factor_since.is_some();
        second_factor::reset(conn, id)?;
        audit::record(
            conn,
            &who,
            AuditAction::SecondFactorReset,
            Some((TargetKind::User, id)),
            json!({ "was_set_up": had }),
        )?;
        session::flash_with(
            conn,
            session_hash.as_deref(),
            "flash-second-factor-reset",
            Some(user.login),
        )?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}
