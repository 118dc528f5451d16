//! Custom greetings of extensions and of the company.

use sqlx::any::AnyRow;
use switchboard_phone::model::{AccountId, ExtensionId, Greeting, IdRef};

use crate::db::{RowExt, enum_text, next_id, parse_enum};
use crate::{Result, Store, StoreError};

const WHAT: &str = "greeting";

impl Store {
    /// Records a greeting whose audio is already in the blob store under
    /// `greeting.blob_key`; assigns its id.
    pub async fn create_greeting(
        &self,
        account: AccountId,
        greeting: &Greeting,
    ) -> Result<Greeting> {
        let id = next_id(&self.pool).await?;
        sqlx::query(
            "INSERT INTO greetings (id, account_id, extension_id, type, content_type, \
             answering_rule_id, blob_key) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(account)
        .bind(greeting.extension_id)
        .bind(enum_text(&greeting.greeting_type))
        .bind(greeting.content_type.clone())
        .bind(greeting.answering_rule.as_ref().map(|r| r.id.clone()))
        .bind(greeting.blob_key.clone())
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        Ok(Greeting {
            id: id.to_string(),
            ..greeting.clone()
        })
    }

    /// One greeting of the account (company or any extension).
    pub async fn get_greeting(&self, account: AccountId, id: &str) -> Result<Greeting> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let row = sqlx::query("SELECT * FROM greetings WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        greeting_from_row(&row)
    }

    /// An extension's greetings, newest last.
    pub async fn list_extension_greetings(&self, extension: ExtensionId) -> Result<Vec<Greeting>> {
        let rows = sqlx::query("SELECT * FROM greetings WHERE extension_id = $1 ORDER BY id")
            .bind(extension)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(greeting_from_row).collect()
    }

    /// The company greetings, newest last.
    pub async fn list_company_greetings(&self, account: AccountId) -> Result<Vec<Greeting>> {
        let rows = sqlx::query(
            "SELECT * FROM greetings WHERE account_id = $1 AND extension_id IS NULL ORDER BY id",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(greeting_from_row).collect()
    }

    /// Deletes a greeting's record and returns it, so the caller can delete
    /// its blob.
    pub async fn delete_greeting(&self, account: AccountId, id: &str) -> Result<Greeting> {
        let greeting = self.get_greeting(account, id).await?;
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        sqlx::query("DELETE FROM greetings WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(greeting)
    }
}

fn greeting_from_row(row: &AnyRow) -> Result<Greeting> {
    Ok(Greeting {
        id: row.int("id", WHAT)?.to_string(),
        greeting_type: parse_enum(WHAT, &row.text("type", WHAT)?)?,
        content_type: row.text("content_type", WHAT)?,
        answering_rule: row.opt_text("answering_rule_id", WHAT)?.map(IdRef::new),
        extension_id: row.opt_int("extension_id", WHAT)?,
        blob_key: row.text("blob_key", WHAT)?,
    })
}
