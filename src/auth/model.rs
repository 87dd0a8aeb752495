//! Users as far as signing in is concerned: password hashes, failed attempts,
//! lockout. No HTTP in here.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

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
