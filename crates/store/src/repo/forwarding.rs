//! An extension's forwarding numbers.

use sqlx::any::AnyRow;
use switchboard_phone::model::{ExtensionId, ForwardingNumber};

use crate::db::{RowExt, enum_text, next_id, parse_enum};
use crate::{Result, Store, StoreError};

const WHAT: &str = "forwarding number";

impl Store {
    /// The extension's forwarding numbers in creation order.
    pub async fn list_forwarding_numbers(
        &self,
        extension: ExtensionId,
    ) -> Result<Vec<ForwardingNumber>> {
        let rows =
            sqlx::query("SELECT * FROM forwarding_numbers WHERE extension_id = $1 ORDER BY id")
                .bind(extension)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(forwarding_from_row).collect()
    }

    /// One forwarding number of the extension.
    pub async fn get_forwarding_number(
        &self,
        extension: ExtensionId,
        id: &str,
    ) -> Result<ForwardingNumber> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let row =
            sqlx::query("SELECT * FROM forwarding_numbers WHERE extension_id = $1 AND id = $2")
                .bind(extension)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound(WHAT))?;
        forwarding_from_row(&row)
    }

    /// Adds a forwarding number, assigning its id.
    pub async fn create_forwarding_number(
        &self,
        extension: ExtensionId,
        number: &ForwardingNumber,
    ) -> Result<ForwardingNumber> {
        let id = next_id(&self.pool).await?;
        sqlx::query(
            "INSERT INTO forwarding_numbers (id, extension_id, phone_number, label, type) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(extension)
        .bind(number.phone_number.clone())
        .bind(number.label.clone())
        .bind(enum_text(&number.number_type))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        Ok(ForwardingNumber {
            id: id.to_string(),
            ..number.clone()
        })
    }

    /// Replaces a forwarding number's number, label and type.
    pub async fn update_forwarding_number(
        &self,
        extension: ExtensionId,
        number: &ForwardingNumber,
    ) -> Result<ForwardingNumber> {
        let id: i64 = number.id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let done = sqlx::query(
            "UPDATE forwarding_numbers SET phone_number = $3, label = $4, type = $5 \
             WHERE extension_id = $1 AND id = $2",
        )
        .bind(extension)
        .bind(id)
        .bind(number.phone_number.clone())
        .bind(number.label.clone())
        .bind(enum_text(&number.number_type))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(number.clone())
    }

    /// Deletes a forwarding number.
    pub async fn delete_forwarding_number(&self, extension: ExtensionId, id: &str) -> Result<()> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let done =
            sqlx::query("DELETE FROM forwarding_numbers WHERE extension_id = $1 AND id = $2")
                .bind(extension)
                .bind(id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(())
    }
}

fn forwarding_from_row(row: &AnyRow) -> Result<ForwardingNumber> {
    Ok(ForwardingNumber {
        id: row.int("id", WHAT)?.to_string(),
        phone_number: row.text("phone_number", WHAT)?,
        label: row.opt_text("label", WHAT)?,
        number_type: parse_enum(WHAT, &row.text("type", WHAT)?)?,
    })
}
