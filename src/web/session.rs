//! Server-side sessions in PostgreSQL. The cookie carries a random 256-bit
//! token; the table keeps only its SHA-256, with the CSRF token, the signed-in
//! user (if any) and a one-shot flash message.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::schema::{locations, sessions, users};
use crate::policy::{Actor, Role};
use crate::web::i18n::Lang;

pub const COOKIE: &str = "korgoo_session";

/// How long sessions live (DESIGN/issue: 30 min idle, 12 h absolute by default).
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub idle: Duration,
    pub absolute: Duration,
}

/// A message shown once, on the next page (e.g. "User saved").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flash {
    pub key: String,
    #[serde(default)]
    pub arg: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: Vec<u8>,
    pub csrf_token: String,
    pub actor: Option<Actor>,
    pub flash: Option<Flash>,
    /// The signed-in user's second factor, as far as this session goes.
    pub factor: Factor,
}

/// What decides a session's second-factor gate (`policy::factor_gate`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Factor {
    /// The user's factor is set up.
    pub enrolled: bool,
    /// This session typed a right code (`sessions.second_factor_at`).
    pub passed: bool,
    /// The end of the user's grace period to set one up.
    pub due_at: Option<DateTime<Utc>>,
}

/// A session that has the password but not yet the code lives this long.
const CODE_WAIT_MINUTES: i64 = 10;

/// Refresh `last_seen_at` at most this often: idle timeouts need minute
/// precision, not a write on every request.
const TOUCH_EVERY_SECS: i64 = 60;

#[derive(Queryable)]
struct SessionRow {
    user_id: Option<i64>,
    csrf_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    flash: Option<serde_json::Value>,
    second_factor_at: Option<DateTime<Utc>>,
}

#[derive(Queryable)]
struct ActorRow {
    id: i64,
    login: String,
    display_name: String,
    role: Role,
    agency_id: Option<i64>,
    location_id: Option<i32>,
    path: Option<String>,
    locale: Lang,
    must_change_password: bool,
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// The known-device cookie (issue 19): a random 256-bit token whose SHA-256
/// is in `known_devices`, set at a full sign-in; kept 180 days.
pub const DEVICE_COOKIE: &str = "korgoo_device";

pub fn device_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(DEVICE_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(
            crate::auth::model::DEVICE_DAYS,
        ))
        .finish()
}

/// The known-device token a request carries, if well formed.
pub fn device_token(req: &actix_web::HttpRequest) -> Option<String> {
    req.cookie(DEVICE_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The sign-in form's CSRF token for a visitor without a session (issue
/// 19: an anonymous visitor gets no session row, so 500 visits of /login
/// write nothing). Double-submit: the form carries the token and this
/// cookie the same one; a forged cross-site form cannot read the cookie to
/// copy it. Over HTTPS the `__Host-` prefix binds the cookie to this exact
/// host (Secure, Path=/, no Domain), so a sibling subdomain cannot plant one.
pub fn login_csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-korgoo_login_csrf"
    } else {
        "korgoo_login_csrf"
    }
}

pub fn login_csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(login_csrf_cookie_name(secure), token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish()
}

pub fn login_csrf_removal(secure: bool) -> Cookie<'static> {
    let mut cookie = login_csrf_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

/// The sign-in CSRF token a request's cookie carries, if well formed.
pub fn login_csrf_token(req: &actix_web::HttpRequest, secure: bool) -> Option<String> {
    req.cookie(login_csrf_cookie_name(secure))
        .map(|c| c.value().to_owned())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A new random token for the sign-in form.
pub fn new_login_csrf() -> String {
    random_hex(32)
}

pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

/// Create the session of a user who signed in, which has passed the second
/// factor when `passed`; returns the cookie token. (Visitors who have not
/// signed in get no session: see `login_csrf_cookie`.)
pub fn create(
    conn: &mut PgConnection,
    user_id: i64,
    passed: bool,
) -> QueryResult<(String, Session)> {
    let user_id = Some(user_id);
    let token = random_hex(32);
    let id_hash = hash_token(&token);
    let csrf_token = random_hex(32);
    let now = Utc::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id_hash.eq(&id_hash),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(&csrf_token),
            sessions::authenticated_at.eq(user_id.map(|_| now)),
            sessions::second_factor_at.eq(passed.then_some(now)),
        ))
        .execute(conn)?;
    let (actor, factor) = match user_id
        .map(|id| load_actor(conn, id))
        .transpose()?
        .flatten()
    {
        Some((actor, factor)) => (Some(actor), Factor { passed, ..factor }),
        None => (None, Factor::default()),
    };
    Ok((
        token,
        Session {
            id_hash,
            csrf_token,
            actor,
            flash: None,
            factor,
        },
    ))
}

/// The live session for a cookie token, or None when unknown or expired (an
/// expired one is deleted on the way).
pub fn load(
    conn: &mut PgConnection,
    token: &str,
    lifetimes: Lifetimes,
) -> QueryResult<Option<Session>> {
    let id_hash = hash_token(token);
    let row: Option<SessionRow> = sessions::table
        .filter(sessions::id_hash.eq(&id_hash))
        .select((
            sessions::user_id,
            sessions::csrf_token,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::flash,
            sessions::second_factor_at,
        ))
        .first(conn)
        .optional()?;
    let Some(SessionRow {
        user_id,
        csrf_token,
        created_at,
        last_seen_at,
        flash,
        second_factor_at,
    }) = row
    else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle = chrono::Duration::from_std(lifetimes.idle).unwrap_or(chrono::Duration::MAX);
    let absolute = chrono::Duration::from_std(lifetimes.absolute).unwrap_or(chrono::Duration::MAX);
    if now - last_seen_at > idle || now - created_at > absolute {
        delete(conn, &id_hash)?;
        return Ok(None);
    }
    let (actor, factor) = match user_id {
        Some(id) => match load_actor(conn, id)? {
            Some((actor, factor)) => {
                let factor = Factor {
                    passed: second_factor_at.is_some(),
                    ..factor
                };
                // Signed in with the password, never the code: not for long.
                if factor.enrolled
                    && !factor.passed
                    && now - created_at > chrono::Duration::minutes(CODE_WAIT_MINUTES)
                {
                    delete(conn, &id_hash)?;
                    return Ok(None);
                }
                (Some(actor), factor)
            }
            // Deactivated since sign-in: the session ends now.
            None => {
                delete(conn, &id_hash)?;
                return Ok(None);
            }
        },
        None => (None, Factor::default()),
    };
    if (now - last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
        diesel::update(sessions::table.filter(sessions::id_hash.eq(&id_hash)))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(Some(Session {
        id_hash,
        csrf_token,
        actor,
        flash: flash.and_then(|v| serde_json::from_value(v).ok()),
        factor,
    }))
}

/// The active user `id` as an actor, with the path of their territory, and
/// their second factor (`passed` is the session's to say).
pub fn load_actor(conn: &mut PgConnection, id: i64) -> QueryResult<Option<(Actor, Factor)>> {
    use crate::db::schema::agencies;
    // One query per request for who is asking: the territory's path and the
    // agency's kind come with the user.
    type Row = (
        ActorRow,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let row: Option<Row> = users::table
        .left_join(locations::table)
        .left_join(agencies::table)
        .filter(users::id.eq(id))
        .filter(users::active.eq(true))
        .select((
            (
                users::id,
                users::login,
                users::display_name,
                users::role,
                users::agency_id,
                users::location_id,
                locations::path.nullable(),
                users::locale,
                users::must_change_password,
            ),
            agencies::kind.nullable(),
            users::totp_enabled_at,
            users::second_factor_due_at,
        ))
        .first(conn)
        .optional()?;
    let Some((r, kind, enabled_at, due_at)) = row else {
        return Ok(None);
    };
    let agency_kind = kind.and_then(|k| crate::admin::model::AgencyKind::parse(&k));
    let factor = Factor {
        enrolled: enabled_at.is_some(),
        passed: false,
        due_at,
    };
    Ok(Some((
        Actor {
            agency_kind,
            id: r.id,
            login: r.login,
            display_name: r.display_name,
            role: r.role,
            agency_id: r.agency_id,
            location_id: r.location_id,
            // A territory of the whole country is no limit at all.
            territory_path: r.path.filter(|p| p != "KG"),
            locale: r.locale,
            must_change_password: r.must_change_password,
        },
        factor,
    )))
}

/// This session typed a right second-factor code now.
pub fn mark_factor_passed(conn: &mut PgConnection, id_hash: &[u8]) -> QueryResult<usize> {
    diesel::update(sessions::table.filter(sessions::id_hash.eq(id_hash)))
        .set(sessions::second_factor_at.eq(Some(Utc::now())))
        .execute(conn)
}

pub fn delete(conn: &mut PgConnection, id_hash: &[u8]) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::id_hash.eq(id_hash))).execute(conn)
}

/// End every session of a user, except (optionally) the one in use.
pub fn delete_for_user(
    conn: &mut PgConnection,
    user_id: i64,
    except: Option<&[u8]>,
) -> QueryResult<usize> {
    let mine = sessions::table.filter(sessions::user_id.eq(user_id));
    match except {
        Some(keep) => diesel::delete(mine.filter(sessions::id_hash.ne(keep))).execute(conn),
        None => diesel::delete(mine).execute(conn),
    }
}

pub fn set_flash(conn: &mut PgConnection, id_hash: &[u8], flash: &Flash) -> QueryResult<usize> {
    let value = serde_json::to_value(flash).unwrap_or(serde_json::Value::Null);
    diesel::update(sessions::table.filter(sessions::id_hash.eq(id_hash)))
        .set(sessions::flash.eq(Some(value)))
        .execute(conn)
}

/// Leave a message (a message key) for the next page of this session, if any.
pub fn flash(conn: &mut PgConnection, id_hash: Option<&[u8]>, key: &str) -> QueryResult<()> {
    flash_with(conn, id_hash, key, None)
}

/// The same, with a `$name` argument for the message.
pub fn flash_with(
    conn: &mut PgConnection,
    id_hash: Option<&[u8]>,
    key: &str,
    arg: Option<String>,
) -> QueryResult<()> {
    if let Some(hash) = id_hash {
        set_flash(
            conn,
            hash,
            &Flash {
                key: key.to_owned(),
                arg,
            },
        )?;
    }
    Ok(())
}

pub fn clear_flash(conn: &mut PgConnection, id_hash: &[u8]) -> QueryResult<usize> {
    diesel::update(sessions::table.filter(sessions::id_hash.eq(id_hash)))
        .set(sessions::flash.eq(None::<serde_json::Value>))
        .execute(conn)
}

/// Remove sessions that can no longer be used (run periodically).
pub fn purge_expired(conn: &mut PgConnection, lifetimes: Lifetimes) -> QueryResult<usize> {
    let now = Utc::now();
    let idle = chrono::Duration::from_std(lifetimes.idle).unwrap_or(chrono::Duration::MAX);
    let absolute = chrono::Duration::from_std(lifetimes.absolute).unwrap_or(chrono::Duration::MAX);
    diesel::delete(
        sessions::table.filter(
            sessions::last_seen_at
                .lt(now - idle)
                .or(sessions::created_at.lt(now - absolute)),
        ),
    )
    .execute(conn)
}

/// Keep what a search asked for, for this session (`saved_searches`): the
/// results page reads it back, so its address holds no name.
pub fn save_search(
    conn: &mut PgConnection,
    id_hash: &[u8],
    kind: &str,
    query: &serde_json::Value,
) -> QueryResult<()> {
    use crate::db::schema::saved_searches;
    diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::session_hash.eq(id_hash),
            saved_searches::kind.eq(kind),
            saved_searches::query.eq(query),
            saved_searches::saved_at.eq(Utc::now()),
        ))
        .on_conflict((saved_searches::session_hash, saved_searches::kind))
        .do_update()
        .set((
            saved_searches::query.eq(query),
            saved_searches::saved_at.eq(Utc::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The search this session last saved of `kind`, if any.
pub fn saved_search(
    conn: &mut PgConnection,
    id_hash: &[u8],
    kind: &str,
) -> QueryResult<Option<serde_json::Value>> {
    use crate::db::schema::saved_searches;
    saved_searches::table
        .filter(saved_searches::session_hash.eq(id_hash))
        .filter(saved_searches::kind.eq(kind))
        .select(saved_searches::query)
        .first(conn)
        .optional()
}
