//! A private PostgreSQL cluster, provisioned and started by Korgoo itself when no
//! `DATABASE_URL` is given, so that `korgoo serve` and `cargo test` need nothing
//! but the PostgreSQL server packages on the machine.
//!
//! The cluster listens only on a Unix socket inside its data directory (mode
//! 0700, `listen_addresses = ''`), so "trust" authentication reaches no one but
//! the directory's owner. PostgreSQL refuses to run as root: when we are root,
//! the data directory is given to the `postgres` system user and every server
//! program runs as that user.

use std::ffi::CString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};

/// The database role the cluster is initialised with: it owns the tables and
/// runs the migrations.
pub const SUPERUSER: &str = "korgoo";
/// The role `serve` connects as (created by the migrations, given LOGIN here).
pub const RUNTIME_ROLE: &str = "korgoo_app";

#[derive(Debug)]
pub enum ClusterError {
    /// No `initdb`/`pg_ctl` on PATH nor under /usr/lib/postgresql/*/bin.
    NoServerBinaries,
    /// Running as root, but there is no `postgres` system user to run the server as.
    NoPostgresUser,
    /// Another PostgreSQL already runs on this data directory.
    InUse(PathBuf),
    Io(String, std::io::Error),
    Command {
        what: String,
        output: String,
    },
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterError::NoServerBinaries => write!(
                f,
                "no PostgreSQL server programs (initdb, pg_ctl) were found in KORGOO_POSTGRES_BIN, \
                 on PATH or under /usr/lib/postgresql/*/bin.\nEither install them (Debian/Ubuntu: \
                 `apt-get install postgresql`) and Korgoo will run its own private cluster, \
                 or set DATABASE_URL to an existing PostgreSQL database \
                 (e.g. postgresql://korgoo:secret@localhost/korgoo)."
            ),
            ClusterError::NoPostgresUser => write!(
                f,
                "running as root, PostgreSQL must run as another user, but there is no \
                 `postgres` system user; create one (`useradd --system postgres`), run Korgoo \
                 as an ordinary user, or set DATABASE_URL"
            ),
            ClusterError::InUse(dir) => write!(
                f,
                "another PostgreSQL server is already running on {}; stop it or choose \
                 another data directory (KORGOO_DATA_DIR)",
                dir.display()
            ),
            ClusterError::Io(what, e) => write!(f, "{what}: {e}"),
            ClusterError::Command { what, output } => write!(f, "{what} failed:\n{output}"),
        }
    }
}

impl std::error::Error for ClusterError {}

/// How a cluster should trade durability for speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Normal settings: what an application's data deserves.
    Durable,
    /// fsync off: only for throw-away test clusters.
    Ephemeral,
}

/// A running private cluster. Call [`PrivateCluster::stop`] to stop it; dropping
/// it stops it too.
pub struct PrivateCluster {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    run_as: Option<(u32, u32)>,
    stopped: AtomicBool,
}

impl PrivateCluster {
    /// Initialise (when empty) and start a cluster in `data_dir`.
    pub fn start(data_dir: &Path, durability: Durability) -> Result<Self, ClusterError> {
        let bin_dir = find_server_binaries().ok_or(ClusterError::NoServerBinaries)?;
        std::fs::create_dir_all(data_dir)
            .map_err(|e| ClusterError::Io(format!("creating {}", data_dir.display()), e))?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(|e| ClusterError::Io(format!("resolving {}", data_dir.display()), e))?;
        let run_as = if is_root() {
            let ids = postgres_user_ids().ok_or(ClusterError::NoPostgresUser)?;
            use std::os::unix::fs::MetadataExt;
            let owner = std::fs::metadata(&data_dir)
                .map_err(|e| ClusterError::Io(format!("reading {}", data_dir.display()), e))?
                .uid();
            if owner != ids.0 {
                chown(&data_dir, ids)?;
            }
            Some(ids)
        } else {
            None
        };
        let cluster = PrivateCluster {
            data_dir,
            bin_dir,
            run_as,
            stopped: AtomicBool::new(true),
        };
        if !cluster.data_dir.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        if cluster.is_running() {
            return Err(ClusterError::InUse(cluster.data_dir.clone()));
        }
        cluster.pg_ctl_start(durability)?;
        cluster.stopped.store(false, Ordering::SeqCst);
        Ok(cluster)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A libpq URL for `database` on this cluster's socket.
    pub fn url(&self, database: &str) -> String {
        self.url_as(SUPERUSER, database)
    }

    /// A libpq URL for `database` on this cluster's socket, as `role`.
    pub fn url_as(&self, role: &str, database: &str) -> String {
        let host = percent_encoding::utf8_percent_encode(
            &self.data_dir.to_string_lossy(),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        format!("postgresql://{role}@/{database}?host={host}")
    }

    /// Stop the server (fast shutdown: open transactions are rolled back).
    pub fn stop(&self) -> Result<(), ClusterError> {
        if self.stopped.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let data = self.data_dir.to_string_lossy().into_owned();
        self.run(
            "pg_ctl",
            &["stop", "-D", &data, "-m", "fast", "-w", "-t", "60"],
        )
        .map(|_| ())
    }

    fn is_running(&self) -> bool {
        let data = self.data_dir.to_string_lossy().into_owned();
        // `pg_ctl status` exits 0 only when a server runs on this directory.
        self.command("pg_ctl")
            .args(["status", "-D", &data])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    fn initdb(&self) -> Result<(), ClusterError> {
        let data = self.data_dir.to_string_lossy().into_owned();
        // C.UTF-8 keeps sorting byte-wise and predictable while lower()/upper()
        // still understand Cyrillic; linguistic orderings use ICU collations
        // per query.
        self.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
        )
        .map(|_| ())
    }

    fn pg_ctl_start(&self, durability: Durability) -> Result<(), ClusterError> {
        let data = self.data_dir.to_string_lossy().into_owned();
        let log = self.data_dir.join("server.log");
        let mut options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{data}' \
             -c unix_socket_permissions=0700 -c max_connections=200"
        );
        if durability == Durability::Ephemeral {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        self.run(
            "pg_ctl",
            &[
                "start",
                "-D",
                &data,
                "-l",
                &log.to_string_lossy(),
                "-w",
                "-t",
                "60",
                "-o",
                &options,
            ],
        )
        .map(|_| ())
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        if let Some((uid, gid)) = self.run_as {
            use std::os::unix::process::CommandExt;
            // std clears the supplementary groups when root drops to another uid.
            cmd.uid(uid).gid(gid);
        }
        // The server must not inherit our working directory's permissions
        // problems (root's home is often 0700).
        cmd.current_dir(&self.data_dir);
        cmd.env("LC_ALL", "C.UTF-8");
        cmd
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<Output, ClusterError> {
        let output = self
            .command(program)
            .args(args)
            .output()
            .map_err(|e| ClusterError::Io(format!("running {program}"), e))?;
        if output.status.success() {
            Ok(output)
        } else {
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&output.stderr));
            if let Ok(log) = std::fs::read_to_string(self.data_dir.join("server.log")) {
                let tail: Vec<&str> = log.lines().rev().take(15).collect();
                text.push_str("\nserver.log (last lines):\n");
                for line in tail.into_iter().rev() {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            Err(ClusterError::Command {
                what: format!("{program} {}", args.first().copied().unwrap_or_default()),
                output: text,
            })
        }
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            eprintln!("korgoo: stopping the private PostgreSQL failed: {e}");
        }
    }
}

/// The directory holding `initdb` and `pg_ctl`: `KORGOO_POSTGRES_BIN` when set
/// (to pick a version), else PATH, then the newest /usr/lib/postgresql/<version>/bin
/// (Debian keeps the server programs there).
pub fn find_server_binaries() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KORGOO_POSTGRES_BIN") {
        let dir = PathBuf::from(dir);
        return (dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()).then_some(dir);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
    });
    if let Some(dir) = on_path {
        // Resolve symlinks such as /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb,
        // so that initdb finds its sibling `postgres`.
        return dir
            .join("initdb")
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .or(Some(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn postgres_user_ids() -> Option<(u32, u32)> {
    let name = CString::new("postgres").ok()?;
    // SAFETY: getpwnam receives a valid C string; the returned record is read
    // at once, before any other call could overwrite it.
    unsafe {
        let pw = libc::getpwnam(name.as_ptr());
        if pw.is_null() {
            None
        } else {
            Some(((*pw).pw_uid, (*pw).pw_gid))
        }
    }
}

fn chown(path: &Path, (uid, gid): (u32, u32)) -> Result<(), ClusterError> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .map_err(|e| ClusterError::Io(format!("giving {} to postgres", path.display()), e))?;
    if path.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| ClusterError::Io(format!("reading {}", path.display()), e))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if !p.is_symlink() {
                chown(&p, (uid, gid))?;
            }
        }
    }
    Ok(())
}
