//! The account row and the company business hours.

use sqlx::any::AnyRow;
use switchboard_phone::model::{
    Account, AccountId, BusinessHours, ExtensionRef, RegionalSettings, TimezoneInfo,
};
use tracing::debug;

use crate::db::{RowExt, from_json, next_id, to_json};
use crate::{Result, Store, StoreError};

const WHAT: &str = "account";

impl Store {
    /// Creates the account, assigning its id (the `id` given is ignored).
    pub async fn create_account(&self, account: &Account) -> Result<Account> {
        let id = next_id(&self.pool).await?;
        sqlx::query(
            "INSERT INTO accounts (id, company_name, main_number, operator_extension_id, \
             timezone, status) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(account.company_name.clone())
        .bind(account.main_number.clone())
        .bind(account.operator.as_ref().map(|op| op.id))
        .bind(account.regional_settings.timezone.name.clone())
        .bind(account.status.clone())
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        debug!(account_id = id, "account created");
        Ok(Account {
            id,
            ..account.clone()
        })
    }

    /// The account with this id.
    pub async fn get_account(&self, id: AccountId) -> Result<Account> {
        let row = sqlx::query("SELECT * FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        account_from_row(&row)
    }

    /// The first account: a single-company deployment's only one.
    pub async fn default_account(&self) -> Result<Account> {
        let row = sqlx::query("SELECT * FROM accounts ORDER BY id LIMIT 1")
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        account_from_row(&row)
    }

    /// Replaces the account's editable fields.
    pub async fn update_account(&self, account: &Account) -> Result<Account> {
        let done = sqlx::query(
            "UPDATE accounts SET company_name = $2, main_number = $3, \
             operator_extension_id = $4, timezone = $5, status = $6 WHERE id = $1",
        )
        .bind(account.id)
        .bind(account.company_name.clone())
        .bind(account.main_number.clone())
        .bind(account.operator.as_ref().map(|op| op.id))
        .bind(account.regional_settings.timezone.name.clone())
        .bind(account.status.clone())
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        self.get_account(account.id).await
    }

    /// The company business hours; an account that never set them is open
    /// around the clock (an empty schedule).
    pub async fn get_account_business_hours(&self, id: AccountId) -> Result<BusinessHours> {
        let row = sqlx::query("SELECT business_hours FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        match row.opt_text("business_hours", WHAT)? {
            Some(json) => from_json("business hours", &json),
            None => Ok(BusinessHours::default()),
        }
    }

    /// Replaces the company business hours.
    pub async fn put_account_business_hours(
        &self,
        id: AccountId,
        hours: &BusinessHours,
    ) -> Result<BusinessHours> {
        let done = sqlx::query("UPDATE accounts SET business_hours = $2 WHERE id = $1")
            .bind(id)
            .bind(to_json(hours))
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(hours.clone())
    }
}

fn account_from_row(row: &AnyRow) -> Result<Account> {
    let operator = row
        .opt_int("operator_extension_id", WHAT)?
        .map(ExtensionRef::new);
    let timezone = TimezoneInfo::named(row.text("timezone", WHAT)?);
    Ok(Account {
        id: row.int("id", WHAT)?,
        company_name: row.text("company_name", WHAT)?,
        main_number: row.text("main_number", WHAT)?,
        operator,
        regional_settings: RegionalSettings { timezone },
        status: row.text("status", WHAT)?,
    })
}
