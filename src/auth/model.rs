//! Users as far as signing in is concerned: password hashes, failed attempts,
//! growing delays, known devices. No HTTP in here.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{known_devices, users};

/// Hash with argon2id at the crate's defaults (m = 19 MiB, t = 2, p = 1: OWASP's
/// minimum). CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2_gate().run(|| {
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
    })
}

/// Does `password` match `hash`? A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2_gate().run(|| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        }),
        Err(_) => false,
    }
}

/// Each argon2 computation takes 19 MiB and a core for a moment. However many
/// people sign in at once, only as many run together as there are cores; the
/// rest wait their turn on their blocking threads. Unbounded, 100 sign-ins
/// in the same second held 100 × 19 MiB and left the server at 1.35 GB
/// resident (bench/faults, 10,000 cases), and a flood of sign-ins could
/// exhaust the machine's memory.
fn argon2_gate() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| Gate::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

/// A counting semaphore for blocking threads.
struct Gate {
    busy: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

impl Gate {
    fn new(limit: usize) -> Gate {
        Gate {
            busy: Mutex::new(0),
            freed: Condvar::new(),
            limit: limit.max(1),
        }
    }

    /// Run `work` once fewer than `limit` others are running.
    fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        {
            let mut busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
            while *busy >= self.limit {
                busy = self
                    .freed
                    .wait(busy)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *busy += 1;
        }
        // Released even if `work` panics.
        struct Leave<'a>(&'a Gate);
        impl Drop for Leave<'_> {
            fn drop(&mut self) {
                *self.0.busy.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
                self.0.freed.notify_one();
            }
        }
        let _leave = Leave(self);
        work()
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

/// Growing delays instead of a hard lock (issue 19): after `threshold`
/// failures in a row, each further attempt must wait `base` · 2^(failures −
/// threshold), at most `cap`. The count only ends with a success (or an
/// admin's unlock), so a guesser's waits keep growing to the cap.
#[derive(Debug, Clone, Copy)]
pub struct Delays {
    pub threshold: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Delays {
    /// The wait imposed after the `failures`-th failure in a row, if any.
    pub fn after(&self, failures: i32) -> Option<chrono::Duration> {
        let over = i64::from(failures) - i64::from(self.threshold.max(1));
        if over < 0 {
            return None;
        }
        let cap = chrono::Duration::from_std(self.cap).unwrap_or(chrono::Duration::minutes(15));
        let base = chrono::Duration::from_std(self.base).unwrap_or(chrono::Duration::seconds(30));
        let wait = base
            .checked_mul(1i32.checked_shl(over.min(30) as u32).unwrap_or(i32::MAX))
            .unwrap_or(cap);
        Some(wait.min(cap))
    }
}

/// Whose failures an attempt counts on: the account's (anyone who types its
/// login) or one known device's (a browser the user signed in with before).
#[derive(Debug, Clone)]
pub enum Counter {
    Account(i64),
    Device(Vec<u8>),
}

/// Count a failed attempt on `counter`; past the threshold the next attempt
/// must wait (see [`Delays`]). Returns whether a wait was imposed now.
pub fn record_failure(
    conn: &mut PgConnection,
    counter: &Counter,
    delays: Delays,
) -> QueryResult<bool> {
    let failures: i32 = match counter {
        Counter::Account(id) => diesel::update(users::table.find(id))
            .set(users::failed_logins.eq(users::failed_logins + 1))
            .returning(users::failed_logins)
            .get_result(conn)?,
        Counter::Device(hash) => diesel::update(known_devices::table.find(hash))
            .set(known_devices::failed_logins.eq(known_devices::failed_logins + 1))
            .returning(known_devices::failed_logins)
            .get_result(conn)?,
    };
    let Some(wait) = delays.after(failures) else {
        return Ok(false);
    };
    let until = Some(Utc::now() + wait);
    match counter {
        Counter::Account(id) => diesel::update(users::table.find(id))
            .set(users::locked_until.eq(until))
            .execute(conn)?,
        Counter::Device(hash) => diesel::update(known_devices::table.find(hash))
            .set(known_devices::locked_until.eq(until))
            .execute(conn)?,
    };
    Ok(true)
}

/// Until when attempts counted on `counter` must wait (None: they need not).
pub fn waiting_until(
    conn: &mut PgConnection,
    counter: &Counter,
) -> QueryResult<Option<DateTime<Utc>>> {
    let until: Option<Option<DateTime<Utc>>> = match counter {
        Counter::Account(id) => users::table
            .find(id)
            .select(users::locked_until)
            .first(conn)
            .optional()?,
        Counter::Device(hash) => known_devices::table
            .find(hash)
            .select(known_devices::locked_until)
            .first(conn)
            .optional()?,
    };
    Ok(until.flatten().filter(|t| *t > Utc::now()))
}

/// A success on `counter` ends its run of failures.
pub fn reset_counter(conn: &mut PgConnection, counter: &Counter) -> QueryResult<()> {
    match counter {
        Counter::Account(id) => diesel::update(users::table.find(id))
            .set((
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<DateTime<Utc>>),
            ))
            .execute(conn)?,
        Counter::Device(hash) => diesel::update(known_devices::table.find(hash))
            .set((
                known_devices::failed_logins.eq(0),
                known_devices::locked_until.eq(None::<DateTime<Utc>>),
                known_devices::last_used_at.eq(Utc::now()),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// Known devices unused this long are forgotten.
pub const DEVICE_DAYS: i64 = 180;

/// The known device of `user_id` whose cookie token is `token`, if it is one.
pub fn known_device(
    conn: &mut PgConnection,
    user_id: i64,
    token: &str,
) -> QueryResult<Option<Vec<u8>>> {
    let hash = crate::web::session::hash_token(token);
    known_devices::table
        .find(&hash)
        .filter(known_devices::user_id.eq(user_id))
        .filter(known_devices::last_used_at.gt(Utc::now() - chrono::Duration::days(DEVICE_DAYS)))
        .select(known_devices::token_hash)
        .first(conn)
        .optional()
}

/// Remember a browser as a known device of `user_id`; returns its cookie token.
pub fn add_known_device(conn: &mut PgConnection, user_id: i64) -> QueryResult<String> {
    let mut buf = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut buf);
    let token = hex::encode(buf);
    diesel::delete(
        known_devices::table
            .filter(known_devices::user_id.eq(user_id))
            .filter(
                known_devices::last_used_at.lt(Utc::now() - chrono::Duration::days(DEVICE_DAYS)),
            ),
    )
    .execute(conn)?;
    diesel::insert_into(known_devices::table)
        .values((
            known_devices::token_hash.eq(crate::web::session::hash_token(&token)),
            known_devices::user_id.eq(user_id),
        ))
        .execute(conn)?;
    Ok(token)
}

/// A full sign-in: its counter's run of failures ends. A sign-in from a known
/// device leaves the account's count alone (an outsider's run goes on
/// growing its own delay).
/// Keep the language the user chose as theirs (pages, e-mails to come).
pub fn set_locale(
    conn: &mut PgConnection,
    id: i64,
    lang: crate::web::i18n::Lang,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::locale.eq(lang))
        .execute(conn)
        .map(|_| ())
}

pub fn record_success(conn: &mut PgConnection, id: i64, counter: &Counter) -> QueryResult<()> {
    reset_counter(conn, counter)?;
    diesel::update(users::table.find(id))
        .set(users::last_login_at.eq(Some(Utc::now())))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn waits_start_at_the_threshold_double_and_stop_at_the_cap() {
        let delays = Delays {
            threshold: 5,
            base: Duration::from_secs(30),
            cap: Duration::from_secs(15 * 60),
        };
        let secs = |n| delays.after(n).map(|d| d.num_seconds());
        assert_eq!(secs(4), None);
        assert_eq!(secs(5), Some(30));
        assert_eq!(secs(6), Some(60));
        assert_eq!(secs(9), Some(480));
        assert_eq!(secs(10), Some(900));
        assert_eq!(secs(1000), Some(900), "no overflow far past the cap");
    }

    #[test]
    fn the_gate_lets_no_more_than_its_limit_run_at_once() {
        let gate = Arc::new(Gate::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                std::thread::spawn(move || {
                    gate.run(|| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(30));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2, "two at a time, not more");
        assert_eq!(*gate.busy.lock().unwrap(), 0, "every turn given back");
    }
}
