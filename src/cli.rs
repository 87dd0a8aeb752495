//! The commands: `serve`, `migrate`, `user create`, `demo-data`.

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use serde_json::json;

use crate::admin::model::{self as admin_model, UserInput};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::auth;
use crate::config::{Config, LogFormat};
use crate::db::{self, Database};
use crate::policy::Role;
use crate::web::i18n::Lang;
use crate::{demo, startup};

#[derive(Debug, Parser)]
#[command(
    name = "korgoo",
    version,
    about = "Korgoo: child-labor case monitoring for the Kyrgyz Republic"
)]
pub struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web application (migrating the database first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "KORGOO_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo dataset and print the demo sign-ins.
        #[arg(long)]
        demo: bool,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "KORGOO_WORKERS")]
        workers: Option<usize>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Load the demo dataset (idempotent).
    DemoData {
        /// Also add a national-scale synthetic dataset of this many cases (with
        /// inspections, referrals, follow-ups, investigations and ten thousand
        /// users), for benchmarks; once per database.
        #[arg(long, value_name = "CASES")]
        scale: Option<usize>,
    },
    /// The report tables the database keeps.
    Reports {
        #[command(subcommand)]
        action: ReportsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ReportsCommand {
    /// Recompute every report table from the records (after a restore, or a
    /// change of the territory tree); with --check, only compare and say
    /// where they differ (exit status 1 if anywhere).
    Rebuild {
        #[arg(long)]
        check: bool,
    },
    /// Protect every count of persons of the whole country as the pages do
    /// (every territory, every period offered) and say, per period, how many
    /// are shown, shown as small and hidden, and how long it took.
    Protection,
    /// Publish the public figures as a release now, as an admin does on
    /// /admin/releases: provisional figures of the years not yet final, or
    /// with --annual the annual release (or its next revision) of a year
    /// that has ended; say its number, checksums and how long it took.
    Release {
        #[arg(long, value_name = "YEAR")]
        annual: Option<i32>,
        /// What the release is (required with --annual).
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from standard input (or asked for on a
    /// terminal), never from the command line.
    Create {
        #[arg(long)]
        login: String,
        /// admin, inspector, case_worker, supervisor, service_provider, prosecutor, police, official
        #[arg(long)]
        role: String,
        /// Agency id (see Admin → Agencies).
        #[arg(long)]
        agency: Option<i64>,
        /// Territory code, e.g. KG-O or KG-O-KARASUU (default: the agency's).
        #[arg(long)]
        territory: Option<String>,
        /// Name shown in the application (default: the login).
        #[arg(long)]
        name: Option<String>,
        /// ky, ru or en.
        #[arg(long, default_value = "ky")]
        language: String,
        /// Make the user choose a new password at first sign-in.
        #[arg(long)]
        must_change: bool,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.config.log_format);
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("korgoo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    // actix-web's extractors log the request's path at debug when they fail
    // (a name typed in place of an id): never below info, whatever is asked.
    let filter = EnvFilter::try_from_env("KORGOO_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info"))
        .add_directive(
            "actix_web::types=info"
                .parse()
                .expect("a valid log directive"),
        );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn open_database(config: &Config) -> anyhow::Result<Database> {
    let url = config
        .database_url
        .as_ref()
        .map(|u| u.expose_secret().to_owned());
    let owner = config
        .migration_database_url
        .as_ref()
        .map(|u| u.expose_secret().to_owned());
    Database::open(url.as_deref(), owner.as_deref(), &config.data_dir)
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    crate::config::refuse_retired_settings()?;
    let config = cli.config;
    match cli.command {
        Command::Serve {
            bind,
            demo,
            workers,
        } => serve(config, &bind, demo, workers),
        Command::Migrate => {
            let database = open_database(&config)?;
            let applied = db::migrate(&database.admin_url());
            database.shutdown()?;
            println!("{} migration(s) applied", applied?);
            Ok(())
        }
        Command::DemoData { scale } => {
            let database = open_database(&config)?;
            let url = database.admin_url();
            let loaded = db::migrate(&url)
                .and_then(|_| demo::load(&url))
                .and_then(|logins| match scale {
                    Some(cases) => {
                        let hash = auth::model::hash_password(demo::DEMO_PASSWORD)?;
                        let summary = demo::scale::load(&url, cases, &hash)?;
                        Ok((logins, Some(summary)))
                    }
                    None => Ok((logins, None)),
                });
            database.shutdown()?;
            let (logins, summary) = loaded?;
            print_demo_logins(&logins);
            if let Some(s) = summary {
                print_scale_summary(&s);
            }
            Ok(())
        }
        Command::Reports {
            action: ReportsCommand::Rebuild { check },
        } => {
            let database = open_database(&config)?;
            let done = rebuild_reports(&database.admin_url(), check);
            database.shutdown()?;
            done
        }
        Command::Reports {
            action: ReportsCommand::Protection,
        } => {
            let database = open_database(&config)?;
            let done = report_protection(&database.admin_url(), config.suppression_threshold);
            database.shutdown()?;
            done
        }
        Command::Reports {
            action: ReportsCommand::Release { annual, note },
        } => {
            let database = open_database(&config)?;
            let done = publish_release(
                &database.admin_url(),
                config.suppression_threshold,
                annual,
                note,
            );
            database.shutdown()?;
            done
        }
        Command::User { action } => {
            let database = open_database(&config)?;
            let created = create_user(&database.admin_url(), action);
            database.shutdown()?;
            created
        }
    }
}

fn publish_release(
    url: &str,
    threshold: i64,
    annual: Option<i32>,
    note: Option<String>,
) -> anyhow::Result<()> {
    use crate::reports::releases::{self, Ask, Refused};
    use diesel::Connection;
    let ask = match annual {
        Some(year) => Ask::Annual { year },
        None => Ask::Provisional,
    };
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    anyhow::ensure!(
        annual.is_none() || note.is_some(),
        "an annual release needs --note saying what it is (and, for a revision, what changed)"
    );
    let mut conn = diesel::PgConnection::establish(url)?;
    let started = std::time::Instant::now();
    let today = crate::reports::handlers::today();
    match releases::publish(&mut conn, &ask, threshold, today, None, note.as_deref())? {
        Ok(h) => {
            println!(
                "release {} published in {:.2} s\ndata.csv sha256 {}\ndata.json sha256 {}",
                h.id,
                started.elapsed().as_secs_f64(),
                h.csv_sha256,
                h.json_sha256
            );
            Ok(())
        }
        Err(Refused::YearNotEnded) => anyhow::bail!("that year has not ended (or is before 2020)"),
        Err(Refused::AlreadyMade) => anyhow::bail!("that release exists already"),
    }
}

fn report_protection(url: &str, threshold: i64) -> anyhow::Result<()> {
    use crate::reports::protection;
    use diesel::Connection;
    let mut conn = diesel::PgConnection::establish(url)?;
    let started = std::time::Instant::now();
    let today = crate::reports::handlers::today();
    let entries = protection::inputs(&mut conn, today)?;
    let read = started.elapsed();
    let protected = protection::Protector::default().protect(entries, threshold, None);
    let decided = started.elapsed() - read;
    println!("period\tterritories\tshown\tsmall\thidden");
    for ((period, country), t) in protected.tallies() {
        let years = if period.from == period.to {
            period.from.to_string()
        } else {
            format!("{}-{}", period.from, period.to)
        };
        let level = if country { "country" } else { "below" };
        println!("{years}\t{level}\t{}\t{}\t{}", t.shown, t.small, t.hidden);
    }
    let t = protected.tally();
    println!(
        "total\tall\t{}\t{}\t{}\n(threshold {threshold}; inputs read in {:.2} s, protected in {:.2} s)",
        t.shown,
        t.small,
        t.hidden,
        read.as_secs_f64(),
        decided.as_secs_f64()
    );
    Ok(())
}

fn rebuild_reports(url: &str, check: bool) -> anyhow::Result<()> {
    use diesel::Connection;
    let mut conn = diesel::PgConnection::establish(url)?;
    let started = std::time::Instant::now();
    if check {
        let differ = crate::reports::rollups::check(&mut conn)?;
        for m in &differ {
            println!(
                "{} at location {} in {}: kept {:?}, from the records {:?}",
                m.figure, m.location_id, m.year, m.kept, m.fresh
            );
        }
        println!(
            "{} difference(s), checked in {:.1} s",
            differ.len(),
            started.elapsed().as_secs_f64()
        );
        if !differ.is_empty() {
            anyhow::bail!(
                "the report tables differ from the records: run `korgoo reports rebuild`"
            );
        }
        return Ok(());
    }
    crate::reports::rollups::rebuild(&mut conn)?;
    println!(
        "report tables rebuilt from the records in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn serve(
    config: Config,
    bind: &str,
    demo_data: bool,
    workers: Option<usize>,
) -> anyhow::Result<()> {
    let database = open_database(&config)?;
    let result = (|| {
        let url = database.url();
        // Migrations (and the demo data) as the owner; the app as the
        // runtime role, which must not be able to alter the audit trail.
        match database.owner_url() {
            Some(owner) => {
                db::migrate(&owner)?;
                if demo_data {
                    let logins = demo::load(&owner)?;
                    print_demo_logins(&logins);
                }
            }
            None => {
                let pending = db::pending_migrations(&url)?;
                anyhow::ensure!(
                    pending.is_empty(),
                    "{} migration(s) are pending and DATABASE_URL is the runtime role, which may \
                     not run them: set KORGOO_MIGRATION_DATABASE_URL to the tables' owner, or run \
                     `korgoo migrate` with it first",
                    pending.len()
                );
                anyhow::ensure!(
                    !demo_data,
                    "--demo loads data as the tables' owner: set KORGOO_MIGRATION_DATABASE_URL"
                );
            }
        }
        if let Some(problem) = db::runtime_role_problem(&url)? {
            anyhow::bail!(
                "refusing to serve: {problem}, so the application could alter the audit log. \
                 DATABASE_URL must name the runtime role (korgoo_app: SELECT and INSERT only on \
                 the append-only tables); give the owner in KORGOO_MIGRATION_DATABASE_URL \
                 (README, \"Database roles\")"
            );
        }
        let listener =
            TcpListener::bind(bind).map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        let address = listener.local_addr()?;
        actix_web::rt::System::new().block_on(async move {
            let pool = db::build_pool(&url, config.db_pool_size, config.statement_timeout_ms)?;
            let state = startup::build_state(config, pool)?;
            // A fresh server's public pages show a release from the start.
            startup::publish_due_release(&state);
            let server = startup::run(listener, state, workers)?;
            tracing::info!("Korgoo is listening on http://{address}");
            println!("Korgoo is listening on http://{address}");
            server.await?;
            anyhow::Ok(())
        })
    })();
    // Stop our private PostgreSQL whatever happened above.
    database.shutdown()?;
    result
}

fn print_scale_summary(s: &demo::scale::Summary) {
    let rate = |n: usize| (n as f64 / s.seconds.max(0.001)).round();
    println!(
        "Scale dataset: {} cases, {} children, {} case events, {} referrals, {} follow-up visits, \
         {} establishments, {} inspections, {} penalties, {} investigations, {} users \
         ({} rows in {:.1} s: {} cases/s, {} rows/s; the report tables rebuilt in {:.1} s of \
         it). Users sign in as {}<role>.<n> with the demo password.",
        s.cases,
        s.children,
        s.case_events,
        s.referrals,
        s.follow_ups,
        s.establishments,
        s.inspections,
        s.penalties,
        s.investigations,
        s.users,
        s.rows(),
        s.seconds,
        rate(s.cases),
        rate(s.rows()),
        s.rebuild_seconds,
        demo::scale::LOGIN_PREFIX,
    );
}

fn print_demo_logins(logins: &[demo::DemoLogin]) {
    println!("Demo sign-ins (password for all: {}):", demo::DEMO_PASSWORD);
    for login in logins {
        println!(
            "  {:<22} {:<17} {}",
            login.login,
            login.role.as_str(),
            login.place
        );
    }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

fn create_user(url: &str, action: UserCommand) -> anyhow::Result<()> {
    use diesel::Connection;
    let UserCommand::Create {
        login,
        role,
        agency,
        territory,
        name,
        language,
        must_change,
    } = action;
    let login = crate::admin::forms::parse_login(&login)
        .map_err(|_| anyhow::anyhow!("a login is 3–64 of a–z, 0–9, '.', '-', '_'"))?;
    let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
    let locale =
        Lang::parse(&language).ok_or_else(|| anyhow::anyhow!("language must be ky, ru or en"))?;
    let password = read_password()?;
    let password = auth::forms::Password::parse(&password, &login).map_err(|key| {
        anyhow::anyhow!(match key {
            "error-password-too-short" => "the password needs at least 12 characters",
            "error-password-too-long" => "the password may have at most 128 characters",
            "error-password-contains-login" => "the password must not contain the login",
            _ => "the password is too common; choose a longer phrase of your own",
        })
    })?;
    let hash = auth::model::hash_password(password.expose())?;
    let mut conn = diesel::PgConnection::establish(url)?;
    let id = conn.transaction(|conn| -> anyhow::Result<i64> {
        let location_id = match &territory {
            Some(code) => Some(
                admin_model::location_id_by_code(conn, code)?
                    .ok_or_else(|| anyhow::anyhow!("unknown territory {code}"))?,
            ),
            None => None,
        };
        let mut input = UserInput {
            display_name: name.clone().unwrap_or_else(|| login.clone()),
            role,
            agency_id: agency,
            location_id,
            locale,
        };
        let errors = admin_model::check_assignment(conn, &mut input)?;
        if let Some(field) = errors.fields().next() {
            anyhow::bail!(
                "{}: {}",
                field,
                match errors.get(field).unwrap_or_default() {
                    "error-agency-required" => "this role needs --agency",
                    "error-agency-wrong-kind" => "this agency's kind does not fit the role",
                    "error-agency-inactive" => "this agency is deactivated",
                    "error-territory-outside-agency" =>
                        "the territory is outside the agency's territory",
                    _ => "invalid value",
                }
            );
        }
        anyhow::ensure!(
            !admin_model::login_taken(conn, &login)?,
            "the login {login} is taken"
        );
        let id = admin_model::create_user(conn, &login, &input, &hash, must_change)?;
        let who = Who {
            actor_id: None,
            actor_login: None,
            client_addr: "command line".into(),
        };
        audit::record(
            conn,
            &who,
            AuditAction::UserCreated,
            Some((TargetKind::User, id)),
            json!({ "login": login, "role": role.as_str() }),
        )?;
        // An inspector is in post from the day the account is created (the
        // staff history the enforcement report counts).
        if role == Role::Inspector
            && let Some(agency) = input.agency_id
        {
            let from_on = chrono::Utc::now()
                .with_timezone(&crate::web::context::TIME_ZONE)
                .date_naive();
            let post = crate::admin::posts::insert(conn, id, agency, from_on)?;
            audit::record(
                conn,
                &who,
                AuditAction::InspectorPostOpened,
                Some((TargetKind::User, id)),
                json!({ "post_id": post, "agency_id": agency, "from_on": from_on }),
            )?;
        }
        Ok(id)
    })?;
    println!("created user {login} (id {id})");
    Ok(())
}
