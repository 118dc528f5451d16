//! Runs each store test case twice: on a fresh SQLite file and on a fresh
//! PostgreSQL database reached over the local Unix socket. PostgreSQL being
//! unreachable fails the test rather than skipping it.

use std::future::Future;
use std::pin::Pin;

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use switchboard_store::{Store, StoreConfig};

/// The server the `postgres` variants use; override with
/// `SWITCHBOARD_TEST_POSTGRES` (a URL whose database part is replaced).
const DEFAULT_POSTGRES: &str = "postgres://postgres@localhost/test?host=/var/run/postgresql";

/// A test case: gets an open, migrated store and the config that opened it.
pub type Case = fn(Store, StoreConfig) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `case` on a SQLite file in a temporary directory.
pub async fn on_sqlite(case: Case) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = StoreConfig {
        data_dir: dir.path().to_path_buf(),
        ..StoreConfig::default()
    };
    let store = Store::open(&config).await.expect("open SQLite store");
    if let Err(panic) = run(case, store, config).await {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `case` on a scratch PostgreSQL database, dropped afterwards even
/// when the case fails.
pub async fn on_postgres(case: Case) {
    let base = std::env::var("SWITCHBOARD_TEST_POSTGRES").unwrap_or(DEFAULT_POSTGRES.into());
    let name = format!("switchboard_test_{:016x}", rand::random::<u64>());
    let mut admin = PgConnection::connect(&with_database(&base, "postgres"))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL unreachable at {base}: {e}"));
    // template0 accepts no connections, so parallel creates never find it
    // busy, as template1 can be.
    let create = format!("CREATE DATABASE {name} TEMPLATE template0");
    exec(&mut admin, create).await;

    let config = StoreConfig {
        database_url: Some(with_database(&base, &name)),
        ..StoreConfig::default()
    };
    let outcome = match Store::open(&config).await {
        Ok(store) => run(case, store, config).await,
        Err(e) => Err(Box::new(format!("open PostgreSQL store: {e:?}")) as _),
    };

    exec(&mut admin, format!("DROP DATABASE {name} WITH (FORCE)")).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs the case on its own task so a panic comes back as a value and the
/// caller can clean up before re-raising it.
async fn run(
    case: Case,
    store: Store,
    config: StoreConfig,
) -> Result<(), Box<dyn std::any::Any + Send>> {
    let result = tokio::spawn(case(store.clone(), config)).await;
    store.close().await;
    result.map_err(|e| e.into_panic())
}

async fn exec(conn: &mut PgConnection, sql: String) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// `base` with its database path replaced by `database`.
fn with_database(base: &str, database: &str) -> String {
    let (head, query) = base.split_once('?').unwrap_or((base, ""));
    let root = head.rsplit_once('/').map_or(head, |(root, _)| root);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{root}/{database}{query}")
}

/// Declares each case as two tests, `sqlite::<case>` and `postgres::<case>`.
#[macro_export]
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    $crate::harness::on_sqlite(|s, c| Box::pin(super::$case(s, c))).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    $crate::harness::on_postgres(|s, c| Box::pin(super::$case(s, c))).await;
                }
            )*
        }
    };
}
