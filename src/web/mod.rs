//! What every page needs: state, errors, sessions, CSRF, languages, security
//! headers, and the page context the base template reads.

pub mod context;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod middleware;
pub mod money;
pub mod paths;
pub mod proxy;
pub mod request_log;
pub mod session;
pub mod static_files;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Config;
use crate::db::Pool;
use i18n::Translator;
pub use paths::safe_path;

/// Shared by every request.
pub struct AppState {
    pub config: Config,
    pub pool: Pool,
    pub i18n: Arc<Translator>,
    /// Sign-in attempts per client address.
    pub login_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// The one protection of the whole country, kept while the counts of
    /// persons stay the same.
    pub protector: Arc<crate::reports::protection::Protector>,
    /// The public releases the public pages read, by number (a release
    /// never changes).
    pub releases: Arc<crate::reports::releases::ReleaseCache>,
    /// What the menu counts for a signed-in reader (`home::work::menu_count`,
    /// set by `startup`: the web layer does not know the features).
    pub menu_count: MenuCounter,
}

/// Reads the count the menu shows an actor.
pub type MenuCounter = fn(
    &mut diesel::PgConnection,
    &crate::policy::Actor,
) -> diesel::QueryResult<Option<context::MenuCount>>;

impl AppState {
    pub fn new(config: Config, pool: Pool, i18n: Arc<Translator>) -> AppState {
        let per_minute =
            NonZeroU32::new(config.login_rate_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        AppState {
            login_limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            protector: Default::default(),
            releases: Default::default(),
            menu_count: |_, _| Ok(None),
            config,
            pool,
            i18n,
        }
    }

    pub fn session_lifetimes(&self) -> session::Lifetimes {
        session::Lifetimes {
            idle: self.config.session_idle(),
            absolute: self.config.session_absolute(),
        }
    }
}
