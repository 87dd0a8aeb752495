//! Users as far as signing in is concerned: password hashes, failed attempts,
//! lockout. No HTTP in here.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::users;

/// Hash with argon2id at the crate's defaults (m = 19 MiB, t = 2, p = 1: OWASP's
/// minimum). CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// Does `password` match `hash`? A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spend the same time as a real check when the login is unknown, so that
/// response times do not reveal which logins exist.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash =
        DUMMY.get_or_init(|| hash_password("korgoo-dummy-password-never-used").unwrap_or_default());
    let _ = verify_password(hash, password);
}

#[derive(Debug, Clone, Queryable)]
pub struct LoginCandidate {
    pub id: i64,
    pub login: String,
    pub password_hash: String,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
}

pub fn find_by_login(conn: &mut PgConnection, login: &str) -> QueryResult<Option<LoginCandidate>> {
    users::table
        .filter(users::login.eq(login))
        .select((
            users::id,
            users::login,
            users::password_hash,
            users::active,
            users::locked_until,
            users::must_change_password,
        ))
        .first(conn)
        .optional()
}

pub fn password_hash_of(conn: &mut PgConnection, id: i64) -> QueryResult<String> {
    users::table
        .find(id)
        .select(users::password_hash)
        .first(conn)
}

/// Count a failed attempt; at `threshold` failures in a row the account locks
/// for `lockout` (and the count starts again). Returns whether it locked now.
pub fn record_failure(
    conn: &mut PgConnection,
    id: i64,
    threshold: u32,
    lockout: Duration,
) -> QueryResult<bool> {
    let failures: i32 = diesel::update(users::table.find(id))
        .set(users::failed_logins.eq(users::failed_logins + 1))
        .returning(users::failed_logins)
        .get_result(conn)?;
    if failures >= threshold.max(1) as i32 {
        let until = Utc::now()
            + chrono::Duration::from_std(lockout).unwrap_or(chrono::Duration::minutes(15));
        diesel::update(users::table.find(id))
            .set((
                users::failed_logins.eq(0),
                users::locked_until.eq(Some(until)),
            ))
            .execute(conn)?;
        return Ok(true);
    }
    Ok(false)
}

pub fn record_success(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<DateTime<Utc>>),
            users::last_login_at.eq(Some(Utc::now())),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Store a new password hash. `temporary` marks one an admin chose, which the
/// user must replace at their next sign-in.
pub fn set_password(
    conn: &mut PgConnection,
    id: i64,
    hash: &str,
    temporary: bool,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(temporary),
            users::password_changed_at.eq(Utc::now()),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<DateTime<Utc>>),
            users::updated_at.eq(Utc::now()),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)
        .map(|_| ())
}
