//! `StoreError`: what can go wrong in the store, in words safe to show a
//! client. The database's own message stays in the source chain, for logs.

/// An error from a store method.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or belongs to another owner).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique key is taken: an extension number, a SIP username, a phone
    /// number.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A referenced record does not exist (an unknown extension id).
    #[error("{0} refers to a record that does not exist")]
    BadReference(&'static str),
    /// A token, code or credential is expired, used or revoked.
    #[error("{0} is no longer valid")]
    Expired(&'static str),
    /// A stored value could not be read back: corrupt JSON or an enum value
    /// this version does not know.
    #[error("stored {0} could not be read")]
    Corrupt(&'static str),
    /// The configuration cannot be used (an unsupported database URL).
    #[error("store configuration: {0}")]
    Config(String),
    /// Any other database failure. The message never carries SQL.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// Applying migrations failed.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Reading or writing a blob failed.
    #[error("blob storage error")]
    Blob(#[from] std::io::Error),
}

impl StoreError {
    /// Maps constraint violations to their meaning for `what`; everything
    /// else stays a database error.
    pub(crate) fn from_sqlx(what: &'static str, err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => Self::NotFound(what),
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(what),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => Self::BadReference(what),
            _ => Self::Database(err),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        Self::from_sqlx("record", err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_show_no_sql_to_clients() {
        let err = StoreError::Database(sqlx::Error::Protocol("SELECT secret FROM t".into()));
        assert_eq!(err.to_string(), "database error");
        assert_eq!(
            StoreError::Conflict("extension").to_string(),
            "extension already exists"
        );
    }
}
