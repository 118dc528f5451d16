//! The account's phone numbers: listing by usage type and the E.164 lookup
//! that routes every inbound call.

use sqlx::any::AnyRow;
use switchboard_phone::model::{AccountId, ExtensionId, ExtensionRef, PhoneNumber, UsageType};
use tracing::debug;

use crate::db::{Bind, RowExt, Sql, count, enum_text, next_id, parse_enum};
use crate::{Page, Paged, Result, Store, StoreError};

const WHAT: &str = "phone number";

impl Store {
    /// Adds a number to the account, assigning its id. A number already
    /// present anywhere is a [`StoreError::Conflict`].
    pub async fn create_phone_number(
        &self,
        account: AccountId,
        number: &PhoneNumber,
    ) -> Result<PhoneNumber> {
        let id = next_id(&self.pool).await?;
        sqlx::query(
            "INSERT INTO phone_numbers (id, account_id, phone_number, type, usage_type, status, \
             label, extension_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(account)
        .bind(number.phone_number.clone())
        .bind(enum_text(&number.number_type))
        .bind(enum_text(&number.usage_type))
        .bind(enum_text(&number.status))
        .bind(number.label.clone())
        .bind(number.extension.as_ref().map(|e| e.id))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        debug!(account_id = account, phone_number = %number.phone_number, "number added");
        Ok(PhoneNumber {
            id,
            ..number.clone()
        })
    }

    /// One page of the account's numbers, optionally only these usage types.
    pub async fn list_phone_numbers(
        &self,
        account: AccountId,
        usage_types: &[UsageType],
        page: Page,
    ) -> Result<Paged<PhoneNumber>> {
        let filtered = |select: &str| {
            let mut sql = Sql::new("SELECT ");
            sql.push(select)
                .push(" FROM phone_numbers WHERE account_id = ");
            sql.bind(Bind::Int(account));
            sql.and_in("usage_type", usage_types.iter().map(enum_text).collect());
            sql
        };
        let total = count(&self.pool, &filtered("COUNT(*)")).await?;
        let mut sql = filtered("*");
        sql.push(" ORDER BY phone_number LIMIT ")
            .bind(Bind::Int(page.limit()));
        sql.push(" OFFSET ").bind(Bind::Int(page.offset()));
        let rows = sql.query().fetch_all(&self.pool).await?;
        let records = rows.iter().map(number_from_row).collect::<Result<_>>()?;
        Ok(Paged {
            records,
            page,
            total_elements: total,
        })
    }

    /// The numbers assigned to an extension.
    pub async fn list_extension_phone_numbers(
        &self,
        extension: ExtensionId,
    ) -> Result<Vec<PhoneNumber>> {
        let rows = sqlx::query(
            "SELECT * FROM phone_numbers WHERE extension_id = $1 ORDER BY phone_number",
        )
        .bind(extension)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(number_from_row).collect()
    }

    /// The number with this id in this account.
    pub async fn get_phone_number(&self, account: AccountId, id: i64) -> Result<PhoneNumber> {
        let row = sqlx::query("SELECT * FROM phone_numbers WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        number_from_row(&row)
    }

    /// The number an inbound call was made to, by exact E.164.
    pub async fn find_phone_number(&self, e164: &str) -> Result<Option<PhoneNumber>> {
        let row = sqlx::query("SELECT * FROM phone_numbers WHERE phone_number = $1")
            .bind(e164.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(number_from_row).transpose()
    }

    /// Reassigns a number: its usage type, label and owner.
    pub async fn update_phone_number(
        &self,
        account: AccountId,
        number: &PhoneNumber,
    ) -> Result<PhoneNumber> {
        let done = sqlx::query(
            "UPDATE phone_numbers SET type = $3, usage_type = $4, status = $5, label = $6, \
             extension_id = $7 WHERE account_id = $1 AND id = $2",
        )
        .bind(account)
        .bind(number.id)
        .bind(enum_text(&number.number_type))
        .bind(enum_text(&number.usage_type))
        .bind(enum_text(&number.status))
        .bind(number.label.clone())
        .bind(number.extension.as_ref().map(|e| e.id))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(number.clone())
    }

    /// Removes a number from the account.
    pub async fn delete_phone_number(&self, account: AccountId, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM phone_numbers WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(())
    }
}

fn number_from_row(row: &AnyRow) -> Result<PhoneNumber> {
    Ok(PhoneNumber {
        id: row.int("id", WHAT)?,
        phone_number: row.text("phone_number", WHAT)?,
        number_type: parse_enum(WHAT, &row.text("type", WHAT)?)?,
        usage_type: parse_enum(WHAT, &row.text("usage_type", WHAT)?)?,
        status: parse_enum(WHAT, &row.text("status", WHAT)?)?,
        label: row.opt_text("label", WHAT)?,
        extension: row.opt_int("extension_id", WHAT)?.map(ExtensionRef::new),
    })
}
