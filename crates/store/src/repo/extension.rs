//! Extensions: list with RingCentral's filters and paging, lookups by id and
//! by number, create, update, delete, and per-extension business hours.

use sqlx::any::AnyRow;
use switchboard_phone::model::{
    AccountId, BusinessHours, Extension, ExtensionId, ExtensionStatus, ExtensionType,
};
use tracing::debug;

use crate::db::to_json;
use crate::db::{Bind, RowExt, Sql, count, enum_text, flag, from_json, next_id, parse_enum};
use crate::{Page, Paged, Result, Store, StoreError};

const WHAT: &str = "extension";

/// The query filters of `GET /account/{a}/extension`; empty lists match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionFilter {
    pub extension_types: Vec<ExtensionType>,
    pub statuses: Vec<ExtensionStatus>,
    pub extension_number: Option<String>,
}

impl ExtensionFilter {
    /// `SELECT <select> FROM extensions WHERE ...` for this filter.
    fn sql(&self, account: AccountId, select: &str) -> Sql {
        let mut sql = Sql::new("SELECT ");
        sql.push(select)
            .push(" FROM extensions WHERE account_id = ");
        sql.bind(Bind::Int(account));
        sql.and_in("type", self.extension_types.iter().map(enum_text).collect());
        sql.and_in("status", self.statuses.iter().map(enum_text).collect());
        if let Some(number) = &self.extension_number {
            sql.push(" AND extension_number = ")
                .bind(Bind::Text(number.clone()));
        }
        sql
    }
}

impl Store {
    /// One page of the account's extensions, ordered by extension number
    /// as RingCentral lists them.
    pub async fn list_extensions(
        &self,
        account: AccountId,
        filter: &ExtensionFilter,
        page: Page,
    ) -> Result<Paged<Extension>> {
        let total = count(&self.pool, &filter.sql(account, "COUNT(*)")).await?;
        let mut sql = filter.sql(account, "*");
        sql.push(" ORDER BY extension_number, id LIMIT ")
            .bind(Bind::Int(page.limit()));
        sql.push(" OFFSET ").bind(Bind::Int(page.offset()));
        let rows = sql.query().fetch_all(&self.pool).await?;
        let records = rows.iter().map(extension_from_row).collect::<Result<_>>()?;
        Ok(Paged {
            records,
            page,
            total_elements: total,
        })
    }

    /// Every extension of the account, for routing and the directory.
    pub async fn all_extensions(&self, account: AccountId) -> Result<Vec<Extension>> {
        let rows =
            sqlx::query("SELECT * FROM extensions WHERE account_id = $1 ORDER BY extension_number")
                .bind(account)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(extension_from_row).collect()
    }

    /// The extension with this id in this account.
    pub async fn get_extension(&self, account: AccountId, id: ExtensionId) -> Result<Extension> {
        let row = sqlx::query("SELECT * FROM extensions WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        extension_from_row(&row)
    }

    /// The account of an extension: resolves `~` for a token's owner.
    pub async fn extension_account(&self, id: ExtensionId) -> Result<AccountId> {
        let row = sqlx::query("SELECT account_id FROM extensions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        row.int("account_id", WHAT)
    }

    /// The extension dialled as `number` (`"101"`), if any.
    pub async fn get_extension_by_number(
        &self,
        account: AccountId,
        number: &str,
    ) -> Result<Option<Extension>> {
        let row =
            sqlx::query("SELECT * FROM extensions WHERE account_id = $1 AND extension_number = $2")
                .bind(account)
                .bind(number.to_owned())
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(extension_from_row).transpose()
    }

    /// Creates an extension, assigning its id (the `id` given is ignored).
    /// A taken extension number is a [`StoreError::Conflict`].
    pub async fn create_extension(
        &self,
        account: AccountId,
        extension: &Extension,
    ) -> Result<Extension> {
        let id = next_id(&self.pool).await?;
        let created = Extension {
            id,
            ..extension.clone()
        };
        insert_extension(&self.pool, account, &created).await?;
        debug!(account_id = account, extension_id = id, "extension created");
        Ok(created)
    }

    /// Replaces an extension's fields, `ivr_pin` included (it is never
    /// serialized, so merge a client's body into the stored extension
    /// first). Business hours and the password hash stay as they are.
    pub async fn update_extension(
        &self,
        account: AccountId,
        extension: &Extension,
    ) -> Result<Extension> {
        let done = sqlx::query(
            "UPDATE extensions SET extension_number = $3, name = $4, type = $5, status = $6, \
             contact = $7, regional_settings = $8, ivr_pin = $9, hidden = $10 \
             WHERE account_id = $1 AND id = $2",
        )
        .bind(account)
        .bind(extension.id)
        .bind(extension.extension_number.clone())
        .bind(extension.name.clone())
        .bind(enum_text(&extension.extension_type))
        .bind(enum_text(&extension.status))
        .bind(to_json(&extension.contact))
        .bind(extension.regional_settings.as_ref().map(to_json))
        .bind(extension.ivr_pin.clone())
        .bind(flag(extension.hidden))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(extension.clone())
    }

    /// Deletes an extension with its rules, forwarding numbers, messages,
    /// greetings and presence (cascades); devices and numbers are kept and
    /// become unassigned.
    pub async fn delete_extension(&self, account: AccountId, id: ExtensionId) -> Result<()> {
        let done = sqlx::query("DELETE FROM extensions WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        debug!(account_id = account, extension_id = id, "extension deleted");
        Ok(())
    }

    /// Stores the hash (a PHC string such as argon2's) of the password the
    /// user logs in with; `None` disables password login.
    pub async fn set_extension_password_hash(
        &self,
        id: ExtensionId,
        password_hash: Option<&str>,
    ) -> Result<()> {
        let done = sqlx::query("UPDATE extensions SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(password_hash.map(str::to_owned))
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(())
    }

    /// The stored password hash of an extension, `None` when it has none.
    pub async fn get_extension_password_hash(&self, id: ExtensionId) -> Result<Option<String>> {
        let row = sqlx::query("SELECT password_hash FROM extensions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        row.opt_text("password_hash", WHAT)
    }

    /// The extension's own business hours; `None` means it follows the
    /// company's.
    pub async fn get_extension_business_hours(
        &self,
        id: ExtensionId,
    ) -> Result<Option<BusinessHours>> {
        let row = sqlx::query("SELECT business_hours FROM extensions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        let json = row.opt_text("business_hours", WHAT)?;
        json.map(|j| from_json("business hours", &j)).transpose()
    }

    /// Sets (`Some`) or clears (`None`) the extension's business hours.
    pub async fn put_extension_business_hours(
        &self,
        id: ExtensionId,
        hours: Option<&BusinessHours>,
    ) -> Result<()> {
        let done = sqlx::query("UPDATE extensions SET business_hours = $2 WHERE id = $1")
            .bind(id)
            .bind(hours.map(to_json))
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(())
    }
}

/// Inserts a row for `extension` on any executor, so IVR menus can create
/// their extension inside a transaction.
pub(crate) async fn insert_extension<'e, E>(
    executor: E,
    account: AccountId,
    extension: &Extension,
) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO extensions (id, account_id, extension_number, name, type, status, \
         contact, regional_settings, ivr_pin, hidden) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(extension.id)
    .bind(account)
    .bind(extension.extension_number.clone())
    .bind(extension.name.clone())
    .bind(enum_text(&extension.extension_type))
    .bind(enum_text(&extension.status))
    .bind(to_json(&extension.contact))
    .bind(extension.regional_settings.as_ref().map(to_json))
    .bind(extension.ivr_pin.clone())
    .bind(flag(extension.hidden))
    .execute(executor)
    .await
    .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
    Ok(())
}

fn extension_from_row(row: &AnyRow) -> Result<Extension> {
    let regional = row.opt_text("regional_settings", WHAT)?;
    Ok(Extension {
        id: row.int("id", WHAT)?,
        extension_number: row.text("extension_number", WHAT)?,
        name: row.text("name", WHAT)?,
        contact: from_json(WHAT, &row.text("contact", WHAT)?)?,
        extension_type: parse_enum(WHAT, &row.text("type", WHAT)?)?,
        status: parse_enum(WHAT, &row.text("status", WHAT)?)?,
        regional_settings: regional.map(|r| from_json(WHAT, &r)).transpose()?,
        ivr_pin: row.opt_text("ivr_pin", WHAT)?,
        hidden: row.int("hidden", WHAT)? != 0,
    })
}
