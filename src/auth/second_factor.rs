//! The second factor as the database keeps it (issue 19): the shared secret
//! on the user (kept from the moment enrolment starts, confirmed by a first
//! right code), the last step accepted (so no code is accepted twice), the
//! grace period's end, and the hashed recovery codes. No HTTP in here.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::auth::totp;
use crate::db::schema::{recovery_codes, sessions, users};

/// A user's factor as the code step needs it.
#[derive(Debug, Clone, Queryable)]
pub struct Stored {
    pub login: String,
    pub secret: Option<Vec<u8>>,
    pub enabled_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

impl Stored {
    pub fn enrolled(&self) -> bool {
        self.enabled_at.is_some() && self.secret.is_some()
    }
}

pub fn stored(conn: &mut PgConnection, user_id: i64) -> QueryResult<Stored> {
    users::table
        .find(user_id)
        .select((
            users::login,
            users::totp_secret,
            users::totp_enabled_at,
            users::second_factor_due_at,
        ))
        .first(conn)
}

/// The secret being enrolled: the one already waiting for its first code (so
/// reloading the page shows the same QR code), or a new one. None when the
/// factor is already set up.
pub fn enrolment_secret(conn: &mut PgConnection, user_id: i64) -> QueryResult<Option<Vec<u8>>> {
    let user = stored(conn, user_id)?;
    if user.enabled_at.is_some() {
        return Ok(None);
    }
    if let Some(secret) = user.secret {
        return Ok(Some(secret));
    }
    let secret = totp::new_secret();
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::totp_enabled_at.is_null()),
    )
    .set(users::totp_secret.eq(Some(&secret)))
    .execute(conn)?;
    Ok(Some(secret))
}

/// Confirm the enrolment with the step of the first right code: the factor
/// is on, that code is spent, and ten recovery codes are made (returned to
/// be shown once). False when the factor was set up meanwhile.
pub fn confirm(
    conn: &mut PgConnection,
    user_id: i64,
    step: u64,
) -> QueryResult<Option<Vec<String>>> {
    let done = diesel::update(
        users::table
            .find(user_id)
            .filter(users::totp_enabled_at.is_null())
            .filter(users::totp_secret.is_not_null()),
    )
    .set((
        users::totp_enabled_at.eq(Some(Utc::now())),
        users::totp_last_step.eq(Some(step_value(step))),
    ))
    .execute(conn)?;
    if done == 0 {
        return Ok(None);
    }
    renew_recovery_codes(conn, user_id).map(Some)
}

fn step_value(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

/// Spend the code of `step`: true when no code of this or a later step was
/// accepted before (a replayed code is refused even within its window).
pub fn claim_step(conn: &mut PgConnection, user_id: i64, step: u64) -> QueryResult<bool> {
    let step = step_value(step);
    let claimed = diesel::update(
        users::table
            .find(user_id)
            .filter(users::totp_enabled_at.is_not_null())
            .filter(
                users::totp_last_step
                    .is_null()
                    .or(users::totp_last_step.lt(step)),
            ),
    )
    .set(users::totp_last_step.eq(Some(step)))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Spend a recovery code: true when it was one of the user's, unused.
pub fn use_recovery_code(
    conn: &mut PgConnection,
    user_id: i64,
    normalized: &str,
) -> QueryResult<bool> {
    let hash = totp::recovery_code_hash(user_id, normalized);
    let used = diesel::update(
        recovery_codes::table
            .find(&hash)
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(Utc::now())))
    .execute(conn)?;
    Ok(used == 1)
}

/// Recovery codes not used yet.
pub fn recovery_codes_left(conn: &mut PgConnection, user_id: i64) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Ten new recovery codes in place of the old ones (used or not).
pub fn renew_recovery_codes(conn: &mut PgConnection, user_id: i64) -> QueryResult<Vec<String>> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    let codes = totp::new_recovery_codes();
    let rows: Vec<_> = codes
        .iter()
        .filter_map(|code| totp::normalize_recovery_code(code))
        .map(|plain| {
            (
                recovery_codes::code_hash.eq(totp::recovery_code_hash(user_id, &plain)),
                recovery_codes::user_id.eq(user_id),
            )
        })
        .collect();
    diesel::insert_into(recovery_codes::table)
        .values(&rows)
        .execute(conn)?;
    Ok(codes)
}

/// Start the grace period of a user without a factor, once: at the first
/// sign-in that finds none.
pub fn start_grace(conn: &mut PgConnection, user_id: i64, due: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::second_factor_due_at.is_null())
            .filter(users::totp_enabled_at.is_null()),
    )
    .set(users::second_factor_due_at.eq(Some(due)))
    .execute(conn)?;
    Ok(())
}

/// The admin removed the user's factor (a lost phone): secret, recovery
/// codes and sessions go; the next sign-in must set one up again at once.
pub fn reset(conn: &mut PgConnection, user_id: i64) -> QueryResult<bool> {
    let changed = diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(None::<Vec<u8>>),
            users::totp_enabled_at.eq(None::<DateTime<Utc>>),
            users::totp_last_step.eq(None::<i64>),
            users::second_factor_due_at.eq(Some(Utc::now())),
        ))
        .execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    Ok(changed == 1)
}
