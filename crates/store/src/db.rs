//! The `Store` handle: opening the pool, applying migrations, handing out
//! ids, and the small conversions every repository shares.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor, Row};
use tracing::info;

use crate::{Result, StoreConfig, StoreError};

/// The migrations in `migrations/`, compiled into the binary.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The persistence handle. Clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects as configured, creating the data directory for SQLite, and
    /// applies pending migrations.
    pub async fn open(config: &StoreConfig) -> Result<Self> {
        let url = config.effective_database_url();
        if config.database_url.is_none() {
            tokio::fs::create_dir_all(&config.data_dir).await?;
        }
        let store = Self::connect(&url, config).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating; [`Store::migrate`] finishes the job.
    pub async fn connect(url: &str, config: &StoreConfig) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let mut options = AnyPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(config.acquire_timeout_secs));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| Box::pin(sqlite_pragmas(conn)));
        }
        let pool = options.connect(url).await.map_err(StoreError::Database)?;
        info!(backend = ?backend, "store connected");
        Ok(Self { pool, backend })
    }

    /// Applies the migrations not yet applied; running it again is a no-op.
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// The database in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A fresh id from the shared sequence: unique across every process
    /// that shares the database, and below 2^53 so JavaScript clients keep
    /// it exact.
    pub async fn next_id(&self) -> Result<i64> {
        next_id(&self.pool).await
    }
}

/// Reads the backend from the URL scheme.
fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        let scheme = url.split(':').next().unwrap_or_default();
        Err(StoreError::Config(format!(
            "unsupported database scheme {scheme:?}"
        )))
    }
}

/// WAL lets readers run beside the one writer; foreign keys are off by
/// default in SQLite and the schema relies on them for cascades.
async fn sqlite_pragmas(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute("PRAGMA journal_mode = WAL").await?;
    // In WAL mode NORMAL syncs at checkpoints rather than at every commit: a
    // killed process loses nothing (the WAL is in the page cache), only a
    // power cut can drop the last commits. Without it each REGISTER waits
    // for an fsync and the registrar tops out near 600 per second.
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute("PRAGMA busy_timeout = 5000").await?;
    Ok(())
}

/// Takes the next id from `id_sequence` on any executor (pool or
/// transaction).
pub(crate) async fn next_id<'e, E>(executor: E) -> Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let row = sqlx::query(
        "UPDATE id_sequence SET next_id = next_id + 1 WHERE name = 'global' RETURNING next_id",
    )
    .fetch_one(executor)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// A value to bind in dynamically built SQL.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// SQL assembled at run time with `$n` placeholders, which both SQLite and
/// PostgreSQL accept. Only fixed fragments are pushed as text; every value
/// goes through a bind.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Appends a fixed fragment.
    pub(crate) fn push(&mut self, fragment: &str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    /// Appends ` AND column IN (...)` when `values` is not empty.
    pub(crate) fn and_in(&mut self, column: &str, values: Vec<String>) -> &mut Self {
        if values.is_empty() {
            return self;
        }
        self.push(" AND ").push(column).push(" IN (");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(Bind::Text(value));
        }
        self.push(")")
    }

    /// The query, with every value bound in order.
    pub(crate) fn query(&self) -> Query<'static, Any, AnyArguments> {
        let mut query = sqlx::query(AssertSqlSafe(self.text.clone()));
        for bind in &self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}

/// An enum's RingCentral spelling, as stored in text columns.
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    // Only unit-variant enums are stored this way, and they serialize to a
    // JSON string; the fallback keeps a wrong call visible in the data
    // instead of panicking.
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => to_json(value),
    }
}

/// Parses an enum stored by [`enum_text`].
pub(crate) fn parse_enum<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| StoreError::Corrupt(what))
}

/// Configuration objects as JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // The model has no maps with non-string keys and no fallible
    // serializers, so serializing to a string cannot fail.
    serde_json::to_string(value).expect("model types serialize to JSON")
}

/// Parses JSON text written by [`to_json`].
pub(crate) fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt(what))
}

/// Instants are stored as milliseconds since the Unix epoch.
pub(crate) fn millis(ts: Timestamp) -> i64 {
    ts.as_millisecond()
}

/// Reads an instant stored by [`millis`].
pub(crate) fn from_millis(what: &'static str, ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| StoreError::Corrupt(what))
}

/// Booleans are stored as 0/1 so both databases read them as integers.
pub(crate) fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// Column access that maps decoding failures to [`StoreError::Corrupt`].
pub(crate) trait RowExt {
    fn int(&self, column: &str, what: &'static str) -> Result<i64>;
    fn opt_int(&self, column: &str, what: &'static str) -> Result<Option<i64>>;
    fn text(&self, column: &str, what: &'static str) -> Result<String>;
    fn opt_text(&self, column: &str, what: &'static str) -> Result<Option<String>>;
}

impl RowExt for AnyRow {
    fn int(&self, column: &str, what: &'static str) -> Result<i64> {
        self.try_get(column).map_err(|_| StoreError::Corrupt(what))
    }

    fn opt_int(&self, column: &str, what: &'static str) -> Result<Option<i64>> {
        self.try_get(column).map_err(|_| StoreError::Corrupt(what))
    }

    fn text(&self, column: &str, what: &'static str) -> Result<String> {
        self.try_get(column).map_err(|_| StoreError::Corrupt(what))
    }

    fn opt_text(&self, column: &str, what: &'static str) -> Result<Option<String>> {
        self.try_get(column).map_err(|_| StoreError::Corrupt(what))
    }
}

/// Runs a `SELECT COUNT(*) ...` built by a filter and returns the count.
pub(crate) async fn count(pool: &AnyPool, sql: &Sql) -> Result<u64> {
    let row = sql.query().fetch_one(pool).await?;
    let total: i64 = row.try_get(0)?;
    Ok(u64::try_from(total).unwrap_or(0))
}
