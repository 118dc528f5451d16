//! Presence: an extension's do-not-disturb and telephony state.

use switchboard_phone::model::{ExtensionId, ExtensionRef, Presence};

use crate::db::{RowExt, from_json, to_json};
use crate::{Result, Store, StoreError};

const WHAT: &str = "presence";

impl Store {
    /// The extension's presence; one never set is the default (takes all
    /// calls, no call, offline).
    pub async fn get_presence(&self, extension: ExtensionId) -> Result<Presence> {
        let row = sqlx::query("SELECT body FROM presence WHERE extension_id = $1")
            .bind(extension)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => from_json(WHAT, &row.text("body", WHAT)?),
            None => Ok(Presence::new(ExtensionRef::new(extension))),
        }
    }

    /// Stores the presence of `presence.extension`, replacing what was there.
    pub async fn put_presence(&self, presence: &Presence) -> Result<Presence> {
        sqlx::query(
            "INSERT INTO presence (extension_id, body) VALUES ($1, $2) \
             ON CONFLICT (extension_id) DO UPDATE SET body = excluded.body",
        )
        .bind(presence.extension.id)
        .bind(to_json(presence))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx("extension", e))?;
        Ok(presence.clone())
    }
}
