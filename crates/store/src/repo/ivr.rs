//! IVR menus (each also an extension of type `IvrMenu`) and IVR prompts.

use sqlx::any::AnyRow;
use switchboard_phone::model::{
    AccountId, Contact, Extension, ExtensionStatus, ExtensionType, IvrMenu, IvrPrompt,
};
use tracing::debug;

use crate::db::{RowExt, from_json, next_id, to_json};
use crate::repo::extension::insert_extension;
use crate::{Result, Store, StoreError};

const MENU: &str = "IVR menu";
const PROMPT: &str = "IVR prompt";

impl Store {
    /// Creates an IVR menu and its extension in one transaction, assigning
    /// the id both share. A taken extension number is a conflict.
    pub async fn create_ivr_menu(&self, account: AccountId, menu: &IvrMenu) -> Result<IvrMenu> {
        let mut tx = self.pool.begin().await?;
        let id = next_id(&mut *tx).await?;
        let menu = IvrMenu {
            id: id.to_string(),
            ..menu.clone()
        };
        insert_extension(&mut *tx, account, &menu_extension(id, &menu)).await?;
        sqlx::query("INSERT INTO ivr_menus (id, account_id, body) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(account)
            .bind(to_json(&menu))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(MENU, e))?;
        tx.commit().await?;
        debug!(account_id = account, ivr_menu_id = id, "IVR menu created");
        Ok(menu)
    }

    /// The account's IVR menus, ordered by id.
    pub async fn list_ivr_menus(&self, account: AccountId) -> Result<Vec<IvrMenu>> {
        let rows = sqlx::query("SELECT body FROM ivr_menus WHERE account_id = $1 ORDER BY id")
            .bind(account)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| from_json(MENU, &row.text("body", MENU)?))
            .collect()
    }

    /// One IVR menu.
    pub async fn get_ivr_menu(&self, account: AccountId, id: &str) -> Result<IvrMenu> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(MENU))?;
        let row = sqlx::query("SELECT body FROM ivr_menus WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(MENU))?;
        from_json(MENU, &row.text("body", MENU)?)
    }

    /// Replaces an IVR menu; its extension's name and number follow.
    pub async fn update_ivr_menu(&self, account: AccountId, menu: &IvrMenu) -> Result<IvrMenu> {
        let id: i64 = menu.id.parse().map_err(|_| StoreError::NotFound(MENU))?;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE ivr_menus SET body = $3 WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .bind(to_json(menu))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(MENU));
        }
        sqlx::query("UPDATE extensions SET name = $2, extension_number = $3 WHERE id = $1")
            .bind(id)
            .bind(menu.name.clone())
            .bind(menu.extension_number.clone())
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx("extension", e))?;
        tx.commit().await?;
        Ok(menu.clone())
    }

    /// Deletes an IVR menu with its extension.
    pub async fn delete_ivr_menu(&self, account: AccountId, id: &str) -> Result<()> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(MENU))?;
        let done = sqlx::query(
            "DELETE FROM extensions WHERE account_id = $1 AND id = $2 AND type = 'IvrMenu'",
        )
        .bind(account)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(MENU));
        }
        Ok(())
    }

    /// Records an uploaded prompt whose audio is already in the blob store
    /// under `prompt.blob_key`; assigns its id.
    pub async fn create_ivr_prompt(
        &self,
        account: AccountId,
        prompt: &IvrPrompt,
    ) -> Result<IvrPrompt> {
        let id = next_id(&self.pool).await?;
        sqlx::query(
            "INSERT INTO ivr_prompts (id, account_id, name, filename, content_type, blob_key) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(account)
        .bind(prompt.name.clone())
        .bind(prompt.filename.clone())
        .bind(prompt.content_type.clone())
        .bind(prompt.blob_key.clone())
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(PROMPT, e))?;
        Ok(IvrPrompt {
            id: id.to_string(),
            ..prompt.clone()
        })
    }

    /// The account's prompts, ordered by id.
    pub async fn list_ivr_prompts(&self, account: AccountId) -> Result<Vec<IvrPrompt>> {
        let rows = sqlx::query("SELECT * FROM ivr_prompts WHERE account_id = $1 ORDER BY id")
            .bind(account)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(prompt_from_row).collect()
    }

    /// One prompt.
    pub async fn get_ivr_prompt(&self, account: AccountId, id: &str) -> Result<IvrPrompt> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(PROMPT))?;
        let row = sqlx::query("SELECT * FROM ivr_prompts WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(PROMPT))?;
        prompt_from_row(&row)
    }

    /// Renames a prompt (`name`, `filename`); the audio cannot change.
    pub async fn update_ivr_prompt(
        &self,
        account: AccountId,
        prompt: &IvrPrompt,
    ) -> Result<IvrPrompt> {
        let id: i64 = prompt
            .id
            .parse()
            .map_err(|_| StoreError::NotFound(PROMPT))?;
        let done = sqlx::query(
            "UPDATE ivr_prompts SET name = $3, filename = $4 WHERE account_id = $1 AND id = $2",
        )
        .bind(account)
        .bind(id)
        .bind(prompt.name.clone())
        .bind(prompt.filename.clone())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(PROMPT));
        }
        self.get_ivr_prompt(account, &prompt.id).await
    }

    /// Deletes a prompt's record and returns it, so the caller can delete
    /// its blob.
    pub async fn delete_ivr_prompt(&self, account: AccountId, id: &str) -> Result<IvrPrompt> {
        let prompt = self.get_ivr_prompt(account, id).await?;
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(PROMPT))?;
        sqlx::query("DELETE FROM ivr_prompts WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(prompt)
    }
}

/// The extension row behind an IVR menu.
fn menu_extension(id: i64, menu: &IvrMenu) -> Extension {
    Extension {
        id,
        extension_number: menu.extension_number.clone(),
        name: menu.name.clone(),
        contact: Contact::default(),
        extension_type: ExtensionType::IvrMenu,
        status: ExtensionStatus::Enabled,
        regional_settings: None,
        ivr_pin: None,
        hidden: false,
    }
}

fn prompt_from_row(row: &AnyRow) -> Result<IvrPrompt> {
    Ok(IvrPrompt {
        id: row.int("id", PROMPT)?.to_string(),
        name: row.opt_text("name", PROMPT)?,
        filename: row.opt_text("filename", PROMPT)?,
        content_type: row.text("content_type", PROMPT)?,
        blob_key: row.text("blob_key", PROMPT)?,
    })
}
