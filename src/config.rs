//! Settings, from command-line flags or the environment, with defaults.
//! Built once at start and passed down; there is no global configuration.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::web::proxy::TrustedProxies;

fn parse_trusted_proxies(s: &str) -> Result<TrustedProxies, String> {
    s.parse()
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// PostgreSQL to use. Without it, Korgoo runs its own private cluster in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<SecretString>,

    /// PostgreSQL as the tables' owner, for migrations (and `migrate`,
    /// `demo-data`, `user create`). `serve` connects with DATABASE_URL as the
    /// runtime role and refuses to run as the owner. Unset: the other
    /// commands use DATABASE_URL, and `serve` runs no migrations but refuses
    /// to start while any are pending.
    #[arg(
        long,
        env = "KORGOO_MIGRATION_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub migration_database_url: Option<SecretString>,

    /// Data directory of the private PostgreSQL cluster (used when DATABASE_URL is unset).
    #[arg(
        long,
        env = "KORGOO_DATA_DIR",
        default_value = "./var/postgres",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Mark cookies Secure: set this when Korgoo is served over HTTPS.
    #[arg(
        long,
        env = "KORGOO_SECURE_COOKIES",
        default_value_t = false,
        global = true
    )]
    pub secure_cookies: bool,

    /// Addresses or CIDR blocks (comma-separated) of your own reverse proxies:
    /// only a request from one of them has its Forwarded / X-Forwarded-For
    /// read, from the right, past these proxies. Empty: the peer address.
    #[arg(
        long,
        env = "KORGOO_TRUSTED_PROXIES",
        default_value = "",
        value_parser = clap::builder::ValueParser::new(parse_trusted_proxies),
        global = true
    )]
    pub trusted_proxies: TrustedProxies,

    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "KORGOO_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a session ends, however active.
    #[arg(
        long,
        env = "KORGOO_SESSION_ABSOLUTE_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_absolute_hours: u32,

    /// Failed sign-ins in a row after which each further attempt must wait
    /// (on the account, or on one known device: see README "Password guessing").
    #[arg(
        long,
        env = "KORGOO_LOCKOUT_THRESHOLD",
        default_value_t = 5,
        global = true
    )]
    pub lockout_threshold: u32,

    /// The longest wait between attempts, in minutes.
    #[arg(
        long,
        env = "KORGOO_LOCKOUT_MINUTES",
        default_value_t = 15,
        global = true
    )]
    pub lockout_minutes: u32,

    /// The first wait, in seconds, once the threshold is reached; it doubles
    /// with each further failure, up to `KORGOO_LOCKOUT_MINUTES`.
    #[arg(
        long,
        env = "KORGOO_LOCKOUT_BASE_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub lockout_base_seconds: u32,

    /// Days a user who must have a second factor may still sign in without
    /// one, counted from their first sign-in that found none (0: enrol at
    /// once). A factor the admin reset must be set up again at once.
    #[arg(
        long,
        env = "KORGOO_TOTP_GRACE_DAYS",
        default_value_t = 7,
        value_parser = clap::value_parser!(u32).range(0..=90),
        global = true
    )]
    pub totp_grace_days: u32,

    /// Require the second factor of officials too (they see no child's
    /// data, so for them it is optional unless this is set).
    #[arg(
        long,
        env = "KORGOO_TOTP_OFFICIALS",
        default_value_t = false,
        global = true
    )]
    pub totp_officials: bool,

    /// Sign-in attempts allowed per client address per minute.
    #[arg(
        long,
        env = "KORGOO_LOGIN_RATE_PER_MINUTE",
        default_value_t = 20,
        global = true
    )]
    pub login_rate_per_minute: u32,

    /// Database connections in the pool.
    #[arg(long, env = "KORGOO_DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub db_pool_size: usize,

    /// Longest a single SQL statement may run, in milliseconds.
    #[arg(
        long,
        env = "KORGOO_STATEMENT_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub statement_timeout_ms: u64,

    /// Longest a report's statement may run, in milliseconds: a publication is
    /// computed once per change of the records (and never two at a time), from
    /// every record of its period, so on years of national data one statement
    /// can take far longer than a page's.
    #[arg(
        long,
        env = "KORGOO_REPORT_TIMEOUT_MS",
        default_value_t = 600_000,
        global = true
    )]
    pub report_timeout_ms: u64,

    /// Follow-up visits in a row that must find the child out of child labor
    /// before a case closes as "withdrawn" (the monitoring rule).
    #[arg(
        long,
        env = "KORGOO_MONITORING_VISITS",
        default_value_t = 2,
        global = true
    )]
    pub monitoring_visits: u32,

    /// Least days between those follow-up visits; also how often a case in
    /// services or monitoring is due a visit.
    #[arg(
        long,
        env = "KORGOO_MONITORING_MIN_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub monitoring_min_days: u32,

    /// Days a new case has until its assessment is recorded.
    #[arg(
        long,
        env = "KORGOO_ASSESSMENT_DAYS",
        default_value_t = 7,
        global = true
    )]
    pub assessment_days: u32,

    /// Days an assessed case has until its case plan is approved.
    #[arg(long, env = "KORGOO_PLAN_DAYS", default_value_t = 14, global = true)]
    pub plan_days: u32,

    /// Days an investigation may stay at the investigation stage before the
    /// home page of its agency lists it as due a decision (to court,
    /// suspended or dismissed): two months, the usual term of a pre-trial
    /// investigation before it must be extended.
    #[arg(
        long,
        env = "KORGOO_INVESTIGATION_REVIEW_DAYS",
        default_value_t = 60,
        global = true
    )]
    pub investigation_review_days: u32,

    /// Counts of persons from 1 to this minus one are shown as "<5" (or
    /// "<threshold") on official and public tables and downloads (DESIGN §5).
    #[arg(
        long,
        env = "KORGOO_SUPPRESSION_THRESHOLD",
        default_value_t = 5,
        value_parser = clap::value_parser!(i64).range(2..=100),
        global = true
    )]
    pub suppression_threshold: i64,

    /// The country's labour force (workers), for the enforcement report's
    /// ratio of workers per labour inspector against the ILO benchmark
    /// (DESIGN §7: about 2.6 million).
    #[arg(
        long,
        env = "KORGOO_LABOUR_FORCE",
        default_value_t = 2_600_000,
        value_parser = clap::value_parser!(i64).range(1..=1_000_000_000),
        global = true
    )]
    pub labour_force: i64,

    /// Where the labour force figure comes from, shown beside the ratio as
    /// configured (a name of a publication, like an agency's name).
    #[arg(
        long,
        env = "KORGOO_LABOUR_FORCE_SOURCE",
        default_value = "National Statistical Committee of the Kyrgyz Republic (stat.gov.kg), labour force",
        global = true
    )]
    pub labour_force_source: String,

    /// Children one user may have listed or opened within
    /// `KORGOO_BULK_ALERT_MINUTES` before an alert of bulk access to personal
    /// data is raised for the admin (DESIGN §5: every read is traced).
    #[arg(
        long,
        env = "KORGOO_BULK_ALERT_CHILDREN",
        default_value_t = 200,
        value_parser = clap::value_parser!(i64).range(1..=1_000_000),
        global = true
    )]
    pub bulk_alert_children: i64,

    /// The window of `KORGOO_BULK_ALERT_CHILDREN`, in minutes.
    #[arg(
        long,
        env = "KORGOO_BULK_ALERT_MINUTES",
        default_value_t = 10,
        value_parser = clap::value_parser!(i64).range(1..=1440),
        global = true
    )]
    pub bulk_alert_minutes: i64,

    /// The token a Prometheus scraper sends (`Authorization: Bearer …`) to
    /// read `/metrics`; without it there is no metrics endpoint.
    #[arg(
        long,
        env = "KORGOO_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<SecretString>,

    /// Days after a referral is closed (declined, completed, failed) during
    /// which its provider still reads the child's data it shared.
    #[arg(
        long,
        env = "KORGOO_PROVIDER_ACCESS_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(i64).range(0..=3650),
        global = true
    )]
    pub provider_access_days: i64,

    /// Days after a referral to law enforcement is closed (declined, or its
    /// investigation decided: convicted, acquitted, dismissed) during which
    /// the police unit or prosecutor's office still reads the child's data
    /// it shared.
    #[arg(
        long,
        env = "KORGOO_LE_ACCESS_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(i64).range(0..=3650),
        global = true
    )]
    pub le_access_days: i64,

    /// Seconds a request's body may take to arrive; a slower one is refused
    /// (408) and its connection closed.
    #[arg(
        long,
        env = "KORGOO_BODY_DEADLINE_SECONDS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=600),
        global = true
    )]
    pub body_deadline_seconds: u64,

    /// How often the public figures of the years not yet released as final
    /// are published as a provisional release (DESIGN §5, "releases"):
    /// `monthly` (on the first day of each month, Bishkek time), `weekly`
    /// (Mondays), `daily`, or `off` (only when an admin asks). A server that
    /// starts with no release of the current period makes it at once.
    #[arg(
        long,
        env = "KORGOO_PROVISIONAL_RELEASES",
        default_value = "monthly",
        global = true
    )]
    pub provisional_releases: ReleaseSchedule,

    /// Log format: `text` for people, `json` for a log collector.
    #[arg(long, env = "KORGOO_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReleaseSchedule {
    Monthly,
    Weekly,
    Daily,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings no longer read: starting with one set would silently change what
/// it meant, so Korgoo refuses to start and says what replaced it.
pub fn refuse_retired_settings() -> anyhow::Result<()> {
    if std::env::var_os("KORGOO_TRUST_PROXY").is_some() {
        anyhow::bail!(
            "KORGOO_TRUST_PROXY is no longer read (it trusted any client's X-Forwarded-For): \
             unset it and list your reverse proxies' addresses in KORGOO_TRUSTED_PROXIES \
             (comma-separated IP addresses or CIDR blocks, e.g. 10.0.0.5,172.18.0.0/16)"
        );
    }
    Ok(())
}

impl Config {
    pub fn body_deadline(&self) -> Duration {
        Duration::from_secs(self.body_deadline_seconds)
    }

    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_idle_minutes) * 60)
    }

    pub fn session_absolute(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_absolute_hours) * 3600)
    }

    /// The growing waits between failed attempts.
    pub fn delays(&self) -> crate::auth::model::Delays {
        crate::auth::model::Delays {
            threshold: self.lockout_threshold,
            base: Duration::from_secs(u64::from(self.lockout_base_seconds)),
            cap: Duration::from_secs(u64::from(self.lockout_minutes) * 60),
        }
    }

    /// Who must pass a second factor, and how long they may wait to enrol.
    pub fn second_factor_rules(&self) -> crate::policy::SecondFactorRules {
        crate::policy::SecondFactorRules {
            officials: self.totp_officials,
            grace: chrono::Duration::days(i64::from(self.totp_grace_days)),
        }
    }

    /// The defaults, for tests and tools that build a configuration in code.
    pub fn defaults() -> Config {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            config: Config,
        }
        Only::parse_from(["korgoo"]).config
    }
}
