//! The call log: records with their legs, written once per call and read
//! by account or extension, newest first, within a date range.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::any::AnyRow;
use switchboard_phone::model::ExtensionId;
use switchboard_phone::model::{AccountId, CallLogLeg, CallLogRecord, CallType, Direction};
use tracing::debug;

use crate::db::{Bind, RowExt, Sql, count, enum_text, from_json, millis, next_id, to_json};
use crate::{Page, Paged, Result, Store, StoreError};

const WHAT: &str = "call log record";

/// The query filters of `readCompanyCallLog` / `readUserCallLog`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallLogFilter {
    /// Only this extension's records (the user call log).
    pub extension: Option<ExtensionId>,
    /// Inclusive lower bound on `startTime`.
    pub date_from: Option<Timestamp>,
    /// Exclusive upper bound on `startTime`.
    pub date_to: Option<Timestamp>,
    pub call_types: Vec<CallType>,
    pub directions: Vec<Direction>,
}

impl CallLogFilter {
    fn sql(&self, account: AccountId, select: &str) -> Sql {
        let mut sql = Sql::new("SELECT ");
        sql.push(select).push(" FROM call_log WHERE account_id = ");
        sql.bind(Bind::Int(account));
        if let Some(extension) = self.extension {
            sql.push(" AND extension_id = ").bind(Bind::Int(extension));
        }
        if let Some(from) = self.date_from {
            sql.push(" AND start_time >= ")
                .bind(Bind::Int(millis(from)));
        }
        if let Some(to) = self.date_to {
            sql.push(" AND start_time < ").bind(Bind::Int(millis(to)));
        }
        sql.and_in("type", self.call_types.iter().map(enum_text).collect());
        sql.and_in("direction", self.directions.iter().map(enum_text).collect());
        sql
    }
}

impl Store {
    /// Writes a record and its legs in one transaction, assigning the
    /// record id: either all of it is stored or none.
    pub async fn insert_call_log(
        &self,
        account: AccountId,
        record: &CallLogRecord,
    ) -> Result<CallLogRecord> {
        let mut tx = self.pool.begin().await?;
        let id = next_id(&mut *tx).await?;
        let record = CallLogRecord {
            id: id.to_string(),
            ..record.clone()
        };
        insert_record_row(&mut tx, account, id, &record).await?;
        for (index, leg) in record.legs.iter().enumerate() {
            insert_leg_row(&mut tx, id, index, leg).await?;
        }
        tx.commit().await?;
        debug!(
            account_id = account,
            call_log_id = id,
            legs = record.legs.len(),
            "call logged"
        );
        Ok(record)
    }

    /// One page of call log records, newest first, with their legs.
    pub async fn list_call_log(
        &self,
        account: AccountId,
        filter: &CallLogFilter,
        page: Page,
    ) -> Result<Paged<CallLogRecord>> {
        let total = count(&self.pool, &filter.sql(account, "COUNT(*)")).await?;
        let mut sql = filter.sql(account, "id, body");
        sql.push(" ORDER BY start_time DESC, id DESC LIMIT ")
            .bind(Bind::Int(page.limit()));
        sql.push(" OFFSET ").bind(Bind::Int(page.offset()));
        let rows = sql.query().fetch_all(&self.pool).await?;
        let records = self.with_legs(&rows).await?;
        Ok(Paged {
            records,
            page,
            total_elements: total,
        })
    }

    /// One record of the account (optionally of one extension's log).
    pub async fn get_call_log_record(
        &self,
        account: AccountId,
        extension: Option<ExtensionId>,
        id: &str,
    ) -> Result<CallLogRecord> {
        let id: i64 = id.parse().map_err(|_| StoreError::NotFound(WHAT))?;
        let filter = CallLogFilter {
            extension,
            ..CallLogFilter::default()
        };
        let mut sql = filter.sql(account, "id, body");
        sql.push(" AND id = ").bind(Bind::Int(id));
        let row = sql.query().fetch_optional(&self.pool).await?;
        let row = row.ok_or(StoreError::NotFound(WHAT))?;
        let mut records = self.with_legs(std::slice::from_ref(&row)).await?;
        records.pop().ok_or(StoreError::NotFound(WHAT))
    }

    /// Parses record rows and attaches their legs with one more query.
    async fn with_legs(&self, rows: &[AnyRow]) -> Result<Vec<CallLogRecord>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.int("id", WHAT))
            .collect::<Result<_>>()?;
        let mut legs = self.legs_of(&ids).await?;
        let mut records = Vec::with_capacity(rows.len());
        for (row, id) in rows.iter().zip(&ids) {
            let mut record: CallLogRecord = from_json(WHAT, &row.text("body", WHAT)?)?;
            record.id = id.to_string();
            record.legs = legs.remove(id).unwrap_or_default();
            records.push(record);
        }
        Ok(records)
    }

    /// The legs of several records, each record's in leg order.
    async fn legs_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<CallLogLeg>>> {
        let mut sql = Sql::new("SELECT record_id, body FROM call_log_legs WHERE record_id IN (");
        for (i, id) in ids.iter().enumerate() {
            sql.push(if i == 0 { "" } else { ", " })
                .bind(Bind::Int(*id));
        }
        sql.push(") ORDER BY record_id, leg_index");
        let mut legs: HashMap<i64, Vec<CallLogLeg>> = HashMap::new();
        for row in sql.query().fetch_all(&self.pool).await? {
            let leg = from_json(WHAT, &row.text("body", WHAT)?)?;
            legs.entry(row.int("record_id", WHAT)?)
                .or_default()
                .push(leg);
        }
        Ok(legs)
    }
}

async fn insert_record_row(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: AccountId,
    id: i64,
    record: &CallLogRecord,
) -> Result<()> {
    // Legs live in their own rows; the body is the record without them.
    let body = CallLogRecord {
        legs: Vec::new(),
        ..record.clone()
    };
    sqlx::query(
        "INSERT INTO call_log (id, account_id, extension_id, session_id, telephony_session_id, \
         start_time, type, direction, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(account)
    .bind(record.extension.as_ref().map(|e| e.id))
    .bind(record.session_id.clone())
    .bind(record.telephony_session_id.clone())
    .bind(millis(record.start_time))
    .bind(enum_text(&record.call_type))
    .bind(enum_text(&record.direction))
    .bind(to_json(&body))
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
    Ok(())
}

async fn insert_leg_row(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    record_id: i64,
    index: usize,
    leg: &CallLogLeg,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO call_log_legs (record_id, leg_index, extension_id, body) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(record_id)
    .bind(i64::try_from(index).unwrap_or(i64::MAX))
    .bind(leg.extension.as_ref().map(|e| e.id))
    .bind(to_json(leg))
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::from_sqlx("call log leg", e))?;
    Ok(())
}
