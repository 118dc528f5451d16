//! Devices and their SIP credentials: what the registrar authenticates
//! against.

use sqlx::any::AnyRow;
use switchboard_phone::model::{
    AccountId, Device, DeviceStatus, ExtensionId, ExtensionRef, SipCredentials,
};
use tracing::debug;

use crate::db::{RowExt, enum_text, next_id, parse_enum};
use crate::{Result, Store, StoreError};

const WHAT: &str = "device";

impl Store {
    /// Creates a device, assigning its id. A taken SIP username is a
    /// [`StoreError::Conflict`].
    pub async fn create_device(&self, account: AccountId, device: &Device) -> Result<Device> {
        let id = next_id(&self.pool).await?;
        sqlx::query(
            "INSERT INTO devices (id, account_id, extension_id, name, type, status, \
             sip_username, sip_password, sip_authorization_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(account)
        .bind(device.extension.as_ref().map(|e| e.id))
        .bind(device.name.clone())
        .bind(enum_text(&device.device_type))
        .bind(enum_text(&device.status))
        .bind(device.sip_info.username.clone())
        .bind(device.sip_info.password.clone())
        .bind(device.sip_info.authorization_id.clone())
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        debug!(account_id = account, device_id = id, "device created");
        Ok(Device {
            id: id.to_string(),
            ..device.clone()
        })
    }

    /// The device with this id in this account.
    pub async fn get_device(&self, account: AccountId, id: &str) -> Result<Device> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let row = sqlx::query("SELECT * FROM devices WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        device_from_row(&row)
    }

    /// The devices assigned to an extension: the phones its calls ring.
    pub async fn list_extension_devices(&self, extension: ExtensionId) -> Result<Vec<Device>> {
        let rows = sqlx::query("SELECT * FROM devices WHERE extension_id = $1 ORDER BY id")
            .bind(extension)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(device_from_row).collect()
    }

    /// The device whose address of record user part is `username`.
    pub async fn get_device_by_sip_username(&self, username: &str) -> Result<Option<Device>> {
        let row = sqlx::query("SELECT * FROM devices WHERE sip_username = $1")
            .bind(username.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(device_from_row).transpose()
    }

    /// The device whose digest username (`authorizationId`) is `auth_id`:
    /// what the registrar looks up when a REGISTER is challenged.
    pub async fn get_device_by_authorization_id(&self, auth_id: &str) -> Result<Option<Device>> {
        let row = sqlx::query("SELECT * FROM devices WHERE sip_authorization_id = $1")
            .bind(auth_id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(device_from_row).transpose()
    }

    /// Replaces a device's name, type, owner and credentials.
    pub async fn update_device(&self, account: AccountId, device: &Device) -> Result<Device> {
        let id: i64 = device.id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let done = sqlx::query(
            "UPDATE devices SET extension_id = $3, name = $4, type = $5, status = $6, \
             sip_username = $7, sip_password = $8, sip_authorization_id = $9 \
             WHERE account_id = $1 AND id = $2",
        )
        .bind(account)
        .bind(id)
        .bind(device.extension.as_ref().map(|e| e.id))
        .bind(device.name.clone())
        .bind(enum_text(&device.device_type))
        .bind(enum_text(&device.status))
        .bind(device.sip_info.username.clone())
        .bind(device.sip_info.password.clone())
        .bind(device.sip_info.authorization_id.clone())
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(device.clone())
    }

    /// Records whether the device is registered (`Online`).
    pub async fn set_device_status(&self, id: &str, status: DeviceStatus) -> Result<()> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        sqlx::query("UPDATE devices SET status = $2 WHERE id = $1")
            .bind(id)
            .bind(enum_text(&status))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes a device.
    pub async fn delete_device(&self, account: AccountId, id: &str) -> Result<()> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let done = sqlx::query("DELETE FROM devices WHERE account_id = $1 AND id = $2")
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

fn device_from_row(row: &AnyRow) -> Result<Device> {
    Ok(Device {
        id: row.int("id", WHAT)?.to_string(),
        name: row.text("name", WHAT)?,
        device_type: parse_enum(WHAT, &row.text("type", WHAT)?)?,
        extension: row.opt_int("extension_id", WHAT)?.map(ExtensionRef::new),
        status: parse_enum(WHAT, &row.text("status", WHAT)?)?,
        sip_info: SipCredentials {
            username: row.text("sip_username", WHAT)?,
            password: row.text("sip_password", WHAT)?,
            authorization_id: row.text("sip_authorization_id", WHAT)?,
        },
    })
}
