//! The database: the pool, migrations, transactions, the private cluster, and
//! the generated schema. Diesel is synchronous: every query runs on actix's
//! blocking threads (`run`, `transaction`), never on a worker thread.
//!
//! The pool is diesel's r2d2 pool. (deadpool-diesel was tried first: its
//! connection wrapper spawns a tokio task in `Drop`, so dropping the pool
//! outside a runtime — at server shutdown — panics in a destructor and aborts.)

pub mod cluster;
pub mod schema;
#[macro_use]
pub mod text_enum;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::r2d2::event::{AcquireEvent, CheckoutEvent};
use diesel::r2d2::{
    ConnectionManager, HandleError, HandleEvent, Pool as R2d2Pool, PooledConnection,
};
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::web::error::AppError;
use cluster::{ClusterError, Durability, PrivateCluster};

/// The connection pool, and whether the database is known to be unreachable.
///
/// r2d2 alone makes every request wait its whole connection timeout while
/// the database is down, so an outage holds each request for seconds before
/// its 503. Here a request waits in short slices, and gives up as soon as an
/// attempt to connect has failed with no connection handed out since; r2d2
/// keeps trying to connect in the background, and the first connection made
/// (or handed out) ends the outage.
#[derive(Clone)]
pub struct Pool {
    connections: R2d2Pool<ConnectionManager<PgConnection>>,
    health: Arc<Health>,
}

/// Longest wait for a connection while the database is thought reachable.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a waiting request checks whether the database went away.
const WAIT_SLICE: Duration = Duration::from_millis(200);

#[derive(Debug, Default)]
struct Health {
    unreachable: AtomicBool,
}

impl Health {
    fn is_unreachable(&self) -> bool {
        self.unreachable.load(Ordering::SeqCst)
    }

    fn reached(&self) {
        if self.unreachable.swap(false, Ordering::SeqCst) {
            tracing::warn!("database reachable again");
        }
    }
}

/// Hands r2d2's errors and events to `Health`.
#[derive(Debug)]
struct Watch(Arc<Health>);

impl HandleError<diesel::r2d2::Error> for Watch {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        match error {
            // Connecting failed: the database is down (or refuses us).
            diesel::r2d2::Error::ConnectionError(e) => {
                if !self.0.unreachable.swap(true, Ordering::SeqCst) {
                    tracing::warn!(error = %e, "database unreachable");
                }
            }
            // A pooled connection failed its test: that one is dropped and
            // another made; the database itself may well be up.
            diesel::r2d2::Error::QueryError(e) => {
                tracing::debug!(error = %e, "pooled connection dropped");
            }
        }
    }
}

impl HandleEvent for Watch {
    fn handle_acquire(&self, _: AcquireEvent) {
        self.0.reached();
    }

    fn handle_checkout(&self, _: CheckoutEvent) {
        self.0.reached();
    }
}

impl Pool {
    /// A connection: within `CONNECTION_TIMEOUT`, or at once (within one
    /// slice) once the database is known to be unreachable.
    pub fn get(&self) -> Result<PooledConnection<ConnectionManager<PgConnection>>, AppError> {
        let deadline = Instant::now() + CONNECTION_TIMEOUT;
        loop {
            let slice = WAIT_SLICE.min(deadline.saturating_duration_since(Instant::now()));
            match self.connections.get_timeout(slice) {
                Ok(conn) => return Ok(conn),
                Err(e) if self.health.is_unreachable() || Instant::now() >= deadline => {
                    return Err(AppError::unavailable(e));
                }
                Err(_) => {}
            }
        }
    }

    /// Connections open, of which idle, and the most the pool opens (for
    /// the metrics).
    pub fn usage(&self) -> (u32, u32, u32) {
        let state = self.connections.state();
        (
            state.connections,
            state.idle_connections,
            self.connections.max_size(),
        )
    }
}

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Where the data lives: a server named by `DATABASE_URL` (the runtime role)
/// and `KORGOO_MIGRATION_DATABASE_URL` (the owner), or our own cluster, where
/// both roles are ours.
pub enum Database {
    External { app: String, owner: Option<String> },
    Private(PrivateCluster),
}

/// The application's database inside a private cluster.
pub const PRIVATE_DATABASE: &str = "korgoo";

impl Database {
    /// `DATABASE_URL` when given; otherwise start (provisioning on first use) a
    /// private cluster in `data_dir`, make sure its database exists and that
    /// the runtime role may log in.
    pub fn open(
        url: Option<&str>,
        owner_url: Option<&str>,
        data_dir: &Path,
    ) -> anyhow::Result<Database> {
        match url {
            Some(url) => Ok(Database::External {
                app: url.to_owned(),
                owner: owner_url.map(str::to_owned),
            }),
            None => {
                let cluster = PrivateCluster::start(data_dir, Durability::Durable)?;
                create_database_if_missing(&cluster.url("postgres"), PRIVATE_DATABASE)?;
                ensure_runtime_login(&cluster.url("postgres"), cluster::RUNTIME_ROLE, None)?;
                Ok(Database::Private(cluster))
            }
        }
    }

    /// The runtime role's URL: what `serve` connects with.
    pub fn url(&self) -> String {
        match self {
            Database::External { app, .. } => app.clone(),
            Database::Private(cluster) => cluster.url_as(cluster::RUNTIME_ROLE, PRIVATE_DATABASE),
        }
    }

    /// The owner's URL, when known: migrations run with it.
    pub fn owner_url(&self) -> Option<String> {
        match self {
            Database::External { owner, .. } => owner.clone(),
            Database::Private(cluster) => Some(cluster.url(PRIVATE_DATABASE)),
        }
    }

    /// For the maintenance commands (`migrate`, `demo-data`, `user create`):
    /// the owner's URL, else `DATABASE_URL`.
    pub fn admin_url(&self) -> String {
        self.owner_url().unwrap_or_else(|| self.url())
    }

    /// Stop the private cluster, if we started one.
    pub fn shutdown(self) -> Result<(), ClusterError> {
        match self {
            Database::External { .. } => Ok(()),
            Database::Private(cluster) => cluster.stop(),
        }
    }
}

/// Give `role` LOGIN (and `password`, when given), creating it when missing.
/// Needs a connection allowed to manage roles (the private cluster's
/// superuser, or the test harness's).
pub fn ensure_runtime_login(
    admin_url: &str,
    role: &str,
    password: Option<&str>,
) -> anyhow::Result<()> {
    let mut conn = PgConnection::establish(admin_url)?;
    let password = match password {
        Some(p) => format!(" PASSWORD '{}'", p.replace('\'', "''")),
        None => String::new(),
    };
    let role = quote_ident(role);
    let name = role.trim_matches('"').replace('\'', "''");
    diesel::sql_query(format!(
        "DO $$ BEGIN \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN \
             CREATE ROLE {role} NOLOGIN; \
           END IF; \
         END $$"
    ))
    .execute(&mut conn)?;
    diesel::sql_query(format!(
        "ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE{password}"
    ))
    .execute(&mut conn)?;
    Ok(())
}

/// Why the role `url` connects as could alter the append-only tables (it is
/// a superuser, owns or may act as their owner, may change or truncate them,
/// or may create objects), or None when it cannot.
pub fn runtime_role_problem(url: &str) -> anyhow::Result<Option<String>> {
    use diesel::sql_types::{Bool, Text};
    #[derive(diesel::QueryableByName)]
    struct Powers {
        #[diesel(sql_type = Text)]
        who: String,
        #[diesel(sql_type = Bool)]
        superuser: bool,
        #[diesel(sql_type = Bool)]
        owner: bool,
        #[diesel(sql_type = Bool)]
        change: bool,
        #[diesel(sql_type = Bool)]
        create: bool,
    }
    let mut conn = PgConnection::establish(url)?;
    let p: Powers = diesel::sql_query(
        "SELECT current_user::text AS who, \
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, \
                bool_or(pg_has_role(current_user, c.relowner, 'MEMBER')) AS owner, \
                bool_or(has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') \
                     OR has_table_privilege(c.oid, 'TRUNCATE') OR has_table_privilege(c.oid, 'TRIGGER')) AS change, \
                has_schema_privilege('public', 'CREATE') AS create \
         FROM pg_class c \
         WHERE c.oid IN ('audit_log'::regclass, 'case_events'::regclass, 'investigation_events'::regclass)",
    )
    .get_result(&mut conn)?;
    let why = if p.superuser {
        "is a superuser"
    } else if p.owner {
        "owns the append-only tables (audit_log, case_events, investigation_events)"
    } else if p.change {
        "may update, delete, truncate or add triggers to the append-only tables"
    } else if p.create {
        "may create objects in the schema public"
    } else {
        return Ok(None);
    };
    Ok(Some(format!("the database role {} {why}", p.who)))
}

/// Migrations the database at `url` has not run (read only: works as the
/// runtime role, which may not create diesel's bookkeeping table).
pub fn pending_migrations(url: &str) -> anyhow::Result<Vec<String>> {
    use diesel::migration::MigrationSource;
    use diesel::pg::Pg;
    use diesel::sql_types::Text;
    #[derive(diesel::QueryableByName)]
    struct Ran {
        #[diesel(sql_type = Text)]
        version: String,
    }
    let mut conn = PgConnection::establish(url)?;
    let ran: Vec<Ran> = diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
        .load(&mut conn)
        .unwrap_or_default();
    let ran: std::collections::HashSet<String> = ran.into_iter().map(|r| r.version).collect();
    let all = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("reading the migrations failed: {e}"))?;
    Ok(all
        .iter()
        .map(|m| m.name().version().to_string())
        .filter(|v| !ran.contains(v))
        .collect())
}

pub fn create_database_if_missing(admin_url: &str, name: &str) -> anyhow::Result<()> {
    use diesel::sql_types::{Bool, Text};
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = Bool)]
        exists: bool,
    }
    let mut conn = PgConnection::establish(admin_url)?;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(name)
            .get_result(&mut conn)?;
    if !found.exists {
        diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(name))).execute(&mut conn)?;
    }
    Ok(())
}

/// Quote an SQL identifier (database names cannot be bound as parameters).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Apply every pending migration; returns how many ran.
pub fn migrate(url: &str) -> anyhow::Result<usize> {
    let mut conn = PgConnection::establish(url)?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("migrating the database failed: {e}"))?;
    Ok(applied.len())
}

/// Settings every pooled connection gets, through libpq's `options`: no
/// statement may hold a worker forever.
pub fn with_session_settings(url: &str, statement_timeout_ms: u64) -> String {
    let options = format!(
        "-c statement_timeout={statement_timeout_ms} -c lock_timeout={} -c idle_in_transaction_session_timeout=60000 -c TimeZone=UTC",
        statement_timeout_ms.min(5_000)
    );
    let encoded =
        percent_encoding::utf8_percent_encode(&options, percent_encoding::NON_ALPHANUMERIC);
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name=korgoo&options={encoded}")
}

pub fn build_pool(url: &str, size: usize, statement_timeout_ms: u64) -> anyhow::Result<Pool> {
    let manager =
        ConnectionManager::<PgConnection>::new(with_session_settings(url, statement_timeout_ms));
    let health = Arc::new(Health::default());
    // Built unchecked: the app starts (and answers 503) while the database is
    // down, and heals by itself when it returns, since every checkout is tested.
    let connections = R2d2Pool::builder()
        .max_size(u32::try_from(size.max(1)).unwrap_or(10))
        .min_idle(Some(1))
        .connection_timeout(CONNECTION_TIMEOUT)
        .test_on_check_out(true)
        .error_handler(Box::new(Watch(health.clone())))
        .event_handler(Box::new(Watch(health.clone())))
        .build_unchecked(manager);
    Ok(Pool {
        connections,
        health,
    })
}

/// Run `f` with a pooled connection on a blocking thread.
pub async fn run<F, R>(pool: &Pool, f: F) -> Result<R, AppError>
where
    F: FnOnce(&mut PgConnection) -> Result<R, AppError> + Send + 'static,
    R: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::internal(anyhow::anyhow!("database task failed: {e}")))?
}

/// Run `f` inside one transaction: it commits when `f` returns Ok, and rolls
/// back on any error, so a failed request leaves nothing half-written.
pub async fn transaction<F, R>(pool: &Pool, f: F) -> Result<R, AppError>
where
    F: FnOnce(&mut PgConnection) -> Result<R, AppError> + Send + 'static,
    R: Send + 'static,
{
    run(pool, move |conn| conn.transaction(f)).await
}
