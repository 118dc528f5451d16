//! Answering rules of extensions (`CallHandlingRuleInfo`) and of the company
//! (`CompanyAnsweringRuleInfo`), kept as JSON in RingCentral's shape.

use serde::Serialize;
use serde::de::DeserializeOwned;
use switchboard_phone::model::{
    AFTER_HOURS_RULE_ID, AccountId, AnsweringRule, BUSINESS_HOURS_RULE_ID, CompanyAnsweringRule,
    ExtensionId, RuleType,
};
use tracing::debug;

use crate::db::{RowExt, enum_text, flag, from_json, to_json};
use crate::{Result, Store, StoreError};

const WHAT: &str = "answering rule";

/// The two rule tables differ only in their owner column.
#[derive(Clone, Copy)]
enum Owner {
    Extension(ExtensionId),
    Company(AccountId),
}

impl Owner {
    fn table(self) -> &'static str {
        match self {
            Self::Extension(_) => "extension_answering_rules",
            Self::Company(_) => "company_answering_rules",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Self::Extension(_) => "extension_id",
            Self::Company(_) => "account_id",
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Extension(id) | Self::Company(id) => id,
        }
    }
}

impl Store {
    /// An extension's rules: business hours, after hours, then custom rules
    /// in creation order.
    pub async fn list_answering_rules(&self, extension: ExtensionId) -> Result<Vec<AnsweringRule>> {
        self.list_rules(Owner::Extension(extension)).await
    }

    /// One of an extension's rules.
    pub async fn get_answering_rule(
        &self,
        extension: ExtensionId,
        rule_id: &str,
    ) -> Result<AnsweringRule> {
        self.get_rule(Owner::Extension(extension), rule_id).await
    }

    /// Adds a rule. Built-in types take their fixed ids
    /// (`business-hours-rule`, `after-hours-rule`); custom rules get a new
    /// numeric id.
    pub async fn create_answering_rule(
        &self,
        extension: ExtensionId,
        rule: &AnsweringRule,
    ) -> Result<AnsweringRule> {
        let id = self.rule_id_for(rule.rule_type).await?;
        let rule = AnsweringRule { id, ..rule.clone() };
        let owner = Owner::Extension(extension);
        self.insert_rule(owner, &rule.id, rule.rule_type, rule.enabled, &rule)
            .await?;
        Ok(rule)
    }

    /// Replaces a rule, matched by its id.
    pub async fn update_answering_rule(
        &self,
        extension: ExtensionId,
        rule: &AnsweringRule,
    ) -> Result<AnsweringRule> {
        let owner = Owner::Extension(extension);
        self.update_rule(owner, &rule.id, rule.rule_type, rule.enabled, rule)
            .await?;
        Ok(rule.clone())
    }

    /// Deletes a rule.
    pub async fn delete_answering_rule(&self, extension: ExtensionId, rule_id: &str) -> Result<()> {
        self.delete_rule(Owner::Extension(extension), rule_id).await
    }

    /// The company's rules, in the same order as an extension's.
    pub async fn list_company_answering_rules(
        &self,
        account: AccountId,
    ) -> Result<Vec<CompanyAnsweringRule>> {
        self.list_rules(Owner::Company(account)).await
    }

    /// One of the company's rules.
    pub async fn get_company_answering_rule(
        &self,
        account: AccountId,
        rule_id: &str,
    ) -> Result<CompanyAnsweringRule> {
        self.get_rule(Owner::Company(account), rule_id).await
    }

    /// Adds a company rule; ids as for [`Store::create_answering_rule`].
    pub async fn create_company_answering_rule(
        &self,
        account: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> Result<CompanyAnsweringRule> {
        let id = self.rule_id_for(rule.rule_type).await?;
        let rule = CompanyAnsweringRule { id, ..rule.clone() };
        let owner = Owner::Company(account);
        self.insert_rule(owner, &rule.id, rule.rule_type, rule.enabled, &rule)
            .await?;
        Ok(rule)
    }

    /// Replaces a company rule, matched by its id.
    pub async fn update_company_answering_rule(
        &self,
        account: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> Result<CompanyAnsweringRule> {
        let owner = Owner::Company(account);
        self.update_rule(owner, &rule.id, rule.rule_type, rule.enabled, rule)
            .await?;
        Ok(rule.clone())
    }

    /// Deletes a company rule.
    pub async fn delete_company_answering_rule(
        &self,
        account: AccountId,
        rule_id: &str,
    ) -> Result<()> {
        self.delete_rule(Owner::Company(account), rule_id).await
    }

    async fn rule_id_for(&self, rule_type: RuleType) -> Result<String> {
        Ok(match rule_type {
            RuleType::BusinessHours => BUSINESS_HOURS_RULE_ID.to_owned(),
            RuleType::AfterHours => AFTER_HOURS_RULE_ID.to_owned(),
            RuleType::Custom => self.next_id().await?.to_string(),
        })
    }

    async fn list_rules<T: DeserializeOwned>(&self, owner: Owner) -> Result<Vec<T>> {
        let sql = format!(
            "SELECT rule_id, body FROM {} WHERE {} = $1",
            owner.table(),
            owner.column()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner.id())
            .fetch_all(&self.pool)
            .await?;
        let mut keyed = Vec::with_capacity(rows.len());
        for row in &rows {
            let key = rule_order(&row.text("rule_id", WHAT)?);
            keyed.push((key, from_json::<T>(WHAT, &row.text("body", WHAT)?)?));
        }
        keyed.sort_by_key(|(key, _)| *key);
        Ok(keyed.into_iter().map(|(_, rule)| rule).collect())
    }

    async fn get_rule<T: DeserializeOwned>(&self, owner: Owner, rule_id: &str) -> Result<T> {
        let sql = format!(
            "SELECT body FROM {} WHERE {} = $1 AND rule_id = $2",
            owner.table(),
            owner.column()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner.id())
            .bind(rule_id.to_owned())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        from_json(WHAT, &row.text("body", WHAT)?)
    }

    async fn insert_rule<T: Serialize>(
        &self,
        owner: Owner,
        rule_id: &str,
        rule_type: RuleType,
        enabled: bool,
        body: &T,
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO {} ({}, rule_id, type, enabled, body) VALUES ($1, $2, $3, $4, $5)",
            owner.table(),
            owner.column()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner.id())
            .bind(rule_id.to_owned())
            .bind(enum_text(&rule_type))
            .bind(flag(enabled))
            .bind(to_json(body))
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        debug!(owner = owner.id(), rule_id, "answering rule created");
        Ok(())
    }

    async fn update_rule<T: Serialize>(
        &self,
        owner: Owner,
        rule_id: &str,
        rule_type: RuleType,
        enabled: bool,
        body: &T,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET type = $3, enabled = $4, body = $5 WHERE {} = $1 AND rule_id = $2",
            owner.table(),
            owner.column()
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner.id())
            .bind(rule_id.to_owned())
            .bind(enum_text(&rule_type))
            .bind(flag(enabled))
            .bind(to_json(body))
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(())
    }

    async fn delete_rule(&self, owner: Owner, rule_id: &str) -> Result<()> {
        let sql = format!(
            "DELETE FROM {} WHERE {} = $1 AND rule_id = $2",
            owner.table(),
            owner.column()
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner.id())
            .bind(rule_id.to_owned())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        Ok(())
    }
}

/// Business hours first, after hours second, custom rules by numeric id.
fn rule_order(rule_id: &str) -> (u8, i64) {
    match rule_id {
        BUSINESS_HOURS_RULE_ID => (0, 0),
        AFTER_HOURS_RULE_ID => (1, 0),
        custom => (2, custom.parse().unwrap_or(i64::MAX)),
    }
}
