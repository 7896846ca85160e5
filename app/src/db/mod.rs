//! The database seam: one pool, chosen at run time from `DATABASE_URL`.
//!
//! SQLite (the embedded default) and PostgreSQL are both reached through sqlx's `Any`
//! driver, so that most queries are written once. Where the dialects differ, a store
//! holds one query per dialect and picks by [`Dialect`]; a query never lives anywhere
//! but its feature's `store.rs`. Portable types only: integers are `BIGINT`/`INTEGER`
//! (read as `i64`), times are Unix seconds, dates are `YYYY-MM-DD` text, flags are 0/1.
//!
//! SQLite runs in WAL mode with a busy timeout, foreign keys on and `synchronous=FULL`:
//! a write the user was told succeeded is on disk.
//!
//! SQLite has one writer at a time. Left to itself, a second `BEGIN IMMEDIATE` sleeps in
//! SQLite's busy handler (1, 2, 5, 10 … 100 ms) and tries again, so 64 bookings at once
//! spent most of their time asleep while the lock stood free (p99 174 ms). The writers
//! of one process therefore queue first on [`Db`]'s write gate, a fair (first come,
//! first served) async mutex held from `BEGIN` to commit or rollback: the next writer
//! starts the moment the last one committed. The busy timeout still decides between
//! processes (a second server or the `linli` commands on the same file).

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub dialect: Dialect,
    /// Write transactions this process committed through this pool: the per-process
    /// caches look again at the database's versions after any (see [`crate::cache`]),
    /// so a process always reads its own writes at once.
    commits: Arc<AtomicU64>,
    /// SQLite only: the writers of this process in turn (see the module documentation).
    write_gate: Option<Arc<tokio::sync::Mutex<()>>>,
}

/// This process's turn to write, from [`Db::write_turn`]; held until the transaction
/// begun in it ends.
pub struct WriteTurn(Option<tokio::sync::OwnedMutexGuard<()>>);

impl WriteTurn {
    /// A turn of the caller's own (a guard of a lock it keeps), held like the database's.
    pub fn holding(guard: tokio::sync::OwnedMutexGuard<()>) -> WriteTurn {
        WriteTurn(Some(guard))
    }
}

/// A write transaction from [`Db::begin_write`]. It is the connection for the stores
/// (`&mut tx`), and [`WriteTx::commit`] counts the commit for the caches.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    commits: Arc<AtomicU64>,
    /// Held until the transaction ends (dropped after `tx`: fields drop in order).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Commits; once it returned, every read of this process sees the write.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await?;
        self.commits.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Commits and keeps the turn to write: the caller gives it back when it has told
    /// whoever waits on the write (`booking::group` answers its batch first).
    pub async fn commit_keeping_turn(self) -> Result<WriteTurn, sqlx::Error> {
        let WriteTx { tx, commits, _turn } = self;
        tx.commit().await?;
        commits.fetch_add(1, Ordering::SeqCst);
        Ok(WriteTurn(_turn))
    }

    /// Rolls back (dropping the transaction does the same).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

impl Db {
    /// Opens the pool. A SQLite file is created if it does not exist.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else {
            anyhow::bail!(
                "DATABASE_URL 只支持 sqlite:// 或 postgres://（收到：{})",
                redact(url)
            );
        };
        let url = match dialect {
            Dialect::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        // No ping before each acquire (sqlx's default): it was one more round trip per
        // query (a hop to SQLite's worker thread, a network round trip to PostgreSQL),
        // 7 % of a signed-in page's time. A connection PostgreSQL dropped fails its next
        // query and is closed; connections are renewed after 30 minutes anyway.
        let mut opts = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .max_lifetime(Duration::from_secs(30 * 60));
        if dialect == Dialect::Sqlite {
            opts = opts.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    Ok(())
                })
            });
        }
        let file = sqlite_file(&url).flatten();
        if let Some(f) = &file {
            create_private(std::path::Path::new(f))?;
        }
        let pool = opts
            .connect(&url)
            .await
            .with_context(|| format!("无法连接数据库 {}", redact(&url)))?;
        if let Some(f) = &file {
            // The first connection made the WAL and shared-memory files (SQLite gives them
            // the database file's mode); an older database may predate all this.
            for suffix in ["", "-wal", "-shm"] {
                make_private(std::path::Path::new(&format!("{f}{suffix}")))?;
            }
        }
        Ok(Db {
            pool,
            dialect,
            commits: Arc::default(),
            write_gate: (dialect == Dialect::Sqlite).then(Arc::default),
        })
    }

    /// Brings the schema up to date. A failure is returned, never printed and ignored:
    /// the caller stops the server.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        // SQLite's migrations take no lock of their own: two processes starting at once
        // on one new file would both create the first table. An exclusive lock on a file
        // beside the database orders them (the second then finds nothing to do).
        // PostgreSQL's migrator holds an advisory lock itself.
        let _guard = match self.dialect {
            Dialect::Sqlite => self.sqlite_migration_lock().await?,
            Dialect::Postgres => None,
        };
        migrator.run(&self.pool).await.context("数据库迁移失败")
    }

    /// Waits for, then holds, the lock on `<database file>.migrate-lock` (none for an
    /// in-memory database).
    async fn sqlite_migration_lock(&self) -> anyhow::Result<Option<std::fs::File>> {
        let file: Option<String> =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_optional(&self.pool)
                .await
                .context("数据库文件位置未知")?;
        let Some(file) = file.filter(|f| !f.is_empty()) else {
            return Ok(None);
        };
        let path = format!("{file}.migrate-lock");
        let lock = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
            let f = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)?;
            f.lock()?;
            Ok(f)
        })
        .await
        .context("迁移锁")?
        .context("无法锁定数据库迁移")?;
        Ok(Some(lock))
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that reads first and upgrades later could
    /// otherwise fail with "database is locked" when another writer got there between,
    /// instead of waiting its turn. PostgreSQL decides with row locks as usual.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = self.write_turn().await;
        self.begin_in_turn(turn).await
    }

    /// Waits for this process's turn to write (SQLite; on PostgreSQL at once). Waiting
    /// can be given up at any moment (dropping the future leaves the queue), which is
    /// what lets a booking wait for its batch's answer and for the turn at once
    /// (`booking::group`).
    pub async fn write_turn(&self) -> WriteTurn {
        WriteTurn(match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        })
    }

    /// [`Db::begin_write`] in a turn already taken.
    pub async fn begin_in_turn(&self, turn: WriteTurn) -> Result<WriteTx, sqlx::Error> {
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            commits: self.commits.clone(),
            _turn: turn.0,
        })
    }

    /// Counts a write made outside [`Db::begin_write`] (one statement on the pool, which
    /// commits by itself) for the caches, as [`WriteTx::commit`] counts its own: the
    /// stores call it after such a write (a session ended, a role set), so that this
    /// process's next read does not answer from before it.
    pub fn wrote(&self) {
        self.commits.fetch_add(1, Ordering::SeqCst);
    }

    /// How many write transactions this process committed (see [`WriteTx::commit`]).
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::SeqCst)
    }

    /// Writes a consistent copy of a SQLite database to `to` while it serves (`VACUUM
    /// INTO`: readers and writers carry on, and the copy is the database at one moment).
    /// Refuses to overwrite a file. A PostgreSQL database is backed up with `pg_dump`
    /// instead (README, "Backup and restore"). Returns the copy's size in bytes.
    pub async fn backup_to(&self, to: &std::path::Path) -> anyhow::Result<u64> {
        if self.dialect != Dialect::Sqlite {
            anyhow::bail!("PostgreSQL 数据库请用 pg_dump 备份、pg_restore 恢复（见 README“Backup and restore”）");
        }
        if to.exists() {
            anyhow::bail!("{} 已存在，不覆盖；请换一个文件名", to.display());
        }
        let path = to
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("备份文件的路径须为 UTF-8"))?;
        // VACUUM INTO fills an empty file: made first, readable by its owner only (a
        // copy holds numbers, addresses and photos).
        create_private(to)?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await
            .context("备份失败")?;
        Ok(std::fs::metadata(to).context("读取备份文件失败")?.len())
    }

    /// Whether the database answers within a second (for `/healthz`).
    pub async fn ping(&self) -> bool {
        let q = sqlx::query("SELECT 1").fetch_one(&self.pool);
        matches!(
            tokio::time::timeout(Duration::from_secs(1), q).await,
            Ok(Ok(_))
        )
    }
}

/// The SQLite database file of a URL: `Some(None)` for an in-memory database, `None`
/// for another kind of database.
pub fn sqlite_file(url: &str) -> Option<Option<String>> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
        Some(None)
    } else {
        Some(Some(path.to_string()))
    }
}

/// Creates an empty file readable and writable by its owner only (0600), unless it
/// exists already.
fn create_private(path: &std::path::Path) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("无法创建 {}", path.display())),
    }
}

/// Takes read and write away from everyone but the owner, if the file exists.
fn make_private(path: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("无法设置 {} 的权限", path.display()))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Hides a password in a connection URL before it is logged or shown.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{}:***{}", &url[..s], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// A value of the `app_meta` table (small facts of the whole installation).
pub async fn meta(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await
}

/// Sets a value of the `app_meta` table, inside the caller's connection or transaction.
pub async fn set_meta(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// `($1,$2,…),($n+1,…)` for `rows` rows of `cols` columns.
pub fn placeholders(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// `$first,$first+1,…` for `n` parameters (an `IN` list after `first - 1` others).
pub fn params_from(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Rows per multi-row INSERT for bulk writes: well under SQLite's and PostgreSQL's
/// parameter limits for the widest table written this way.
pub const BULK_ROWS: usize = 200;

/// Rows per multi-row INSERT for the large bulk loads (the province generator): as many
/// as fit in 30,000 parameters (SQLite allows 32,766, PostgreSQL 65,535), at most 2,000.
/// Fewer, larger statements: a million rows is 500 statements, not 5,000.
pub fn large_bulk_rows(cols: usize) -> usize {
    (30_000 / cols.max(1)).clamp(1, 2_000)
}

/// After rows were written with explicit ids, moves PostgreSQL's identity sequence of
/// `table` past them (SQLite needs nothing). `table` is one of the code's own names.
pub async fn after_explicit_ids(
    conn: &mut sqlx::AnyConnection,
    dialect: Dialect,
    table: &str,
) -> Result<(), sqlx::Error> {
    if dialect == Dialect::Postgres {
        let q = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        );
        sqlx::query(&q).execute(conn).await?;
    }
    Ok(())
}

/// Whether the database refused a statement for a unique key (both dialects).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// Reads a column that both dialects return as an integer flag.
pub fn flag(row: &AnyRow, col: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(col)? != 0)
}

#[cfg(test)]
mod tests {
    use super::{placeholders, redact};

    #[test]
    fn placeholders_number_every_cell() {
        assert_eq!(placeholders(2, 3), "($1,$2,$3),($4,$5,$6)");
        assert_eq!(placeholders(1, 1), "($1)");
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://linli.db"), "sqlite://linli.db");
    }
}
