//! SIP registrations: the registrar's bindings, persisted so a restart does
//! not make every phone unreachable until it re-registers.

use jiff::Timestamp;
use sqlx::any::{AnyArguments, AnyRow};
use switchboard_phone::model::ExtensionId;
use tracing::debug;

use crate::db::{RowExt, from_millis, millis};
use crate::{Result, Store};

const WHAT: &str = "SIP registration";

/// One binding of an address of record to a contact (RFC 3261 section
/// 10.3), with what is needed to reach the phone behind NAT.
#[derive(Debug, Clone, PartialEq)]
pub struct SipRegistration {
    /// The address of record, e.g. `sip:101@pbx.example.com`.
    pub aor: String,
    /// The Contact URI the phone registered.
    pub contact_uri: String,
    /// Where the REGISTER came from (`ip:port`); requests go back there.
    pub source_address: String,
    /// `UDP`, `TCP`, `TLS`, `WS` or `WSS`.
    pub transport: String,
    pub expires_at: Timestamp,
    pub call_id: String,
    pub cseq: u32,
    /// The Contact's q-value, 0.0 to 1.0.
    pub q: Option<f32>,
    /// `+sip.instance` (RFC 5626), when the phone sent one.
    pub instance: Option<String>,
    /// The extension the registering credentials belong to.
    pub extension_id: Option<ExtensionId>,
    /// The phone's User-Agent header, if sent.
    pub user_agent: Option<String>,
}

impl Store {
    /// Adds or refreshes a binding, keyed by (aor, contact).
    pub async fn upsert_registration(&self, reg: &SipRegistration) -> Result<()> {
        upsert_query(reg).execute(&self.pool).await?;
        debug!(aor = %reg.aor, contact = %reg.contact_uri, "registration stored");
        Ok(())
    }

    /// Adds or refreshes several bindings in one transaction: the registrar
    /// commits the REGISTERs that arrive together as a group, so a burst
    /// costs one commit instead of one per phone.
    pub async fn upsert_registrations(&self, regs: &[SipRegistration]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for reg in regs {
            upsert_query(reg).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        debug!(count = regs.len(), "registrations stored");
        Ok(())
    }

    /// Removes one binding; removing a missing one is not an error.
    pub async fn remove_registration(&self, aor: &str, contact_uri: &str) -> Result<()> {
        sqlx::query("DELETE FROM sip_registrations WHERE aor = $1 AND contact_uri = $2")
            .bind(aor.to_owned())
            .bind(contact_uri.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes every binding of an address of record (`Contact: *`).
    pub async fn remove_registrations_of(&self, aor: &str) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sip_registrations WHERE aor = $1")
            .bind(aor.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Drops bindings that expired at or before `now`; returns how many.
    pub async fn remove_expired_registrations(&self, now: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sip_registrations WHERE expires_at <= $1")
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Every binding still valid at `now`, for the registrar to load at
    /// start-up.
    pub async fn load_registrations(&self, now: Timestamp) -> Result<Vec<SipRegistration>> {
        let rows = sqlx::query(
            "SELECT * FROM sip_registrations WHERE expires_at > $1 ORDER BY aor, contact_uri",
        )
        .bind(millis(now))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(registration_from_row).collect()
    }
}

/// q-values have at most three decimals (RFC 3261 section 25.1).
fn q_to_milli(q: f32) -> i64 {
    (q.clamp(0.0, 1.0) * 1000.0).round() as i64
}

fn registration_from_row(row: &AnyRow) -> Result<SipRegistration> {
    let q_milli = row.opt_int("q_milli", WHAT)?;
    Ok(SipRegistration {
        aor: row.text("aor", WHAT)?,
        contact_uri: row.text("contact_uri", WHAT)?,
        source_address: row.text("source_address", WHAT)?,
        transport: row.text("transport", WHAT)?,
        expires_at: from_millis(WHAT, row.int("expires_at", WHAT)?)?,
        call_id: row.text("call_id", WHAT)?,
        cseq: u32::try_from(row.int("cseq", WHAT)?).unwrap_or(u32::MAX),
        q: q_milli.map(|m| m as f32 / 1000.0),
        instance: row.opt_text("instance", WHAT)?,
        extension_id: row.opt_int("extension_id", WHAT)?,
        user_agent: row.opt_text("user_agent", WHAT)?,
    })
}

fn upsert_query(reg: &SipRegistration) -> sqlx::query::Query<'static, sqlx::Any, AnyArguments> {
    sqlx::query(
        "INSERT INTO sip_registrations (aor, contact_uri, source_address, transport, \
         expires_at, call_id, cseq, q_milli, instance, extension_id, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (aor, contact_uri) DO UPDATE SET \
         source_address = excluded.source_address, transport = excluded.transport, \
         expires_at = excluded.expires_at, call_id = excluded.call_id, \
         cseq = excluded.cseq, q_milli = excluded.q_milli, instance = excluded.instance, \
         extension_id = excluded.extension_id, user_agent = excluded.user_agent",
    )
    .bind(reg.aor.clone())
    .bind(reg.contact_uri.clone())
    .bind(reg.source_address.clone())
    .bind(reg.transport.clone())
    .bind(millis(reg.expires_at))
    .bind(reg.call_id.clone())
    .bind(i64::from(reg.cseq))
    .bind(reg.q.map(q_to_milli))
    .bind(reg.instance.clone())
    .bind(reg.extension_id)
    .bind(reg.user_agent.clone())
}
