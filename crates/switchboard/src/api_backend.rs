//! [`StoreBackend`]: the REST API's backend traits ([`AuthBackend`],
//! [`Directory`]) over the store, so the API reads and writes the same
//! database as the phone system; [`StoreBlobs`] for its audio; plus the
//! default OAuth app and JWT credentials the demo prints.
//!
//! A store failure reaches the API as a [`BackendError`] whose text names
//! only what failed ("database error"); the full cause chain is logged
//! here, never sent to a client. Passwords are Argon2id PHC strings, hashed
//! and checked on the blocking pool so a login does not stall the runtime.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

use anyhow::Context as _;
use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_api::backend::{
    AuthBackend, AuthCode, BackendError, BackendResult, Blobs, CallLogFilter, ClientApp, Directory,
    ExtensionFilter, JwtCredential, MessageFilter, Slice, Subject, TokenHashes, TokenRecord,
    UserLogin,
};
use switchboard_api::oauth::jwt::JwtKeyError;
use switchboard_api::oauth::{JWT_BEARER, issue_jwt_credential, secret};
use switchboard_api::paging::PageRequest;
use switchboard_api::password::{hash_password, verify_password};
use switchboard_api::permission::Scope;
use switchboard_api::{ApiConfig, AppState};
use switchboard_phone::model::{
    Account, AccountId, AnsweringRule, Availability, BusinessHours, CallLogRecord,
    CompanyAnsweringRule, Device, Extension, ExtensionId, ExtensionStatus, ForwardingNumber,
    IvrMenu, IvrPrompt, Message, MessageId, PhoneNumber, Presence, ReadStatus, UsageType,
};
use switchboard_store::oauth as stored;
use switchboard_store::{BlobStore, Page, Paged, Store, StoreError};

/// Both API backend traits over one [`Store`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StoreBackend {
    store: Store,
}

/// The API's audio storage over the store's [`BlobStore`] (voicemail,
/// prompts, greetings).
#[derive(Debug, Clone)]
pub struct StoreBlobs {
    blobs: Arc<dyn BlobStore>,
}

/// The API's shared state with a [`StoreBackend`] behind both data traits
/// and `blobs` for audio; fails only if configured JWT key files cannot be
/// used. Calls in progress stay empty until call control supplies them.
pub fn api_state(
    config: ApiConfig,
    store: Store,
    blobs: Arc<dyn BlobStore>,
) -> Result<AppState, JwtKeyError> {
    let backend = Arc::new(StoreBackend::new(store));
    let state = AppState::new(config, backend.clone(), backend)?;
    Ok(state.with_blobs(Arc::new(StoreBlobs::new(blobs))))
}

impl StoreBackend {
    /// A backend over `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Sets the password an extension logs in with (Argon2id) and ends its
    /// sessions, since whoever held the old password may hold tokens too.
    pub async fn set_password(
        &self,
        extension_id: ExtensionId,
        password: &str,
    ) -> BackendResult<()> {
        let password = password.to_owned();
        let hashed = tokio::task::spawn_blocking(move || hash_password(&password));
        let phc = hashed.await.map_err(BackendError::new)?;
        let phc = phc.map_err(BackendError::new)?;

        let store = &self.store;
        let set = store.set_extension_password_hash(extension_id, Some(&phc));
        set.await.map_err(failure)?;
        let revoked = store.revoke_extension_tokens(extension_id, Timestamp::now());
        revoked.await.map_err(failure)?;
        tracing::info!(extension_id, "password changed");
        Ok(())
    }
}

/// Turns a store failure into the API's opaque error. The cause chain may
/// hold database text, so it goes to the log only.
fn failure(err: StoreError) -> BackendError {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error = %chain, "store call failed");
    BackendError::new(err)
}

/// `NotFound` as `None`: the traits report absence, not failure.
fn found<T>(result: Result<T, StoreError>) -> BackendResult<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(err) => Err(failure(err)),
    }
}

/// Whether a delete found its record.
fn deleted(result: Result<(), StoreError>) -> BackendResult<bool> {
    found(result).map(|done| done.is_some())
}

/// `Expired` as `None`: a used, revoked or expired secret is an answer.
fn still_valid<T>(result: Result<T, StoreError>) -> BackendResult<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::Expired(what)) => {
            tracing::debug!(what, "secret refused as used, revoked or expired");
            Ok(None)
        }
        Err(err) => Err(failure(err)),
    }
}

/// The store's page for the API's. The API already bounds `page` by
/// `u32::MAX` and `perPage` by 1000; saturating keeps a wider future range
/// safe.
fn page(request: PageRequest) -> Page {
    let number = u32::try_from(request.page).unwrap_or(u32::MAX);
    let per_page = u32::try_from(request.per_page).unwrap_or(u32::MAX);
    Page::new(number, per_page)
}

fn slice<T>(paged: Paged<T>) -> Slice<T> {
    Slice {
        records: paged.records,
        total: paged.total_elements,
    }
}

fn client_app(client: stored::OAuthClient) -> ClientApp {
    ClientApp {
        client_id: client.id,
        name: client.name,
        secret_hash: client.secret_hash,
        redirect_uris: client.redirect_uris,
        grants: client.grants,
        // An empty or unknown scope grants nothing: an app gets only the
        // permissions written down for it.
        scope: Scope::parse(&client.scope),
    }
}

fn stored_hashes(hashes: &TokenHashes) -> stored::TokenHashes {
    stored::TokenHashes {
        access_hash: hashes.access_hash.clone(),
        access_expires_at: hashes.access_expires_at,
        refresh_hash: Some(hashes.refresh_hash.clone()),
        refresh_expires_at: Some(hashes.refresh_expires_at),
    }
}

fn api_hashes(hashes: stored::TokenHashes) -> TokenHashes {
    // The API issues every pair with a refresh token. A row without one
    // (written by another tool) gets a hash no token hashes to and an
    // expiry in the past, so it can never be refreshed.
    TokenHashes {
        access_hash: hashes.access_hash,
        access_expires_at: hashes.access_expires_at,
        refresh_hash: hashes.refresh_hash.unwrap_or_default(),
        refresh_expires_at: hashes.refresh_expires_at.unwrap_or(Timestamp::UNIX_EPOCH),
    }
}

fn new_token(token: &TokenRecord, now: Timestamp) -> stored::NewToken {
    stored::NewToken {
        session_id: token.session_id.clone(),
        client_id: token.client_id.clone(),
        account_id: token.subject.account_id,
        extension_id: token.subject.extension_id,
        scope: token.scope.to_string(),
        hashes: stored_hashes(&token.hashes),
        created_at: now,
    }
}

fn token_record(record: stored::TokenRecord) -> TokenRecord {
    let token = record.token;
    TokenRecord {
        session_id: token.session_id,
        client_id: token.client_id,
        subject: Subject {
            account_id: token.account_id,
            extension_id: token.extension_id,
        },
        scope: Scope::parse(&token.scope),
        hashes: api_hashes(token.hashes),
        revoked: record.revoked_at.is_some(),
    }
}

fn stored_jwt(credential: &JwtCredential, now: Timestamp) -> stored::JwtCredential {
    stored::JwtCredential {
        id: credential.id.clone(),
        account_id: credential.subject.account_id,
        extension_id: credential.subject.extension_id,
        token_hash: credential.jwt_hash.clone(),
        client_ids: credential.client_ids.clone(),
        created_at: now,
        expires_at: credential.expires_at,
        revoked_at: credential.revoked.then_some(now),
    }
}

fn api_jwt(credential: stored::JwtCredential) -> JwtCredential {
    JwtCredential {
        id: credential.id,
        subject: Subject {
            account_id: credential.account_id,
            extension_id: credential.extension_id,
        },
        jwt_hash: credential.token_hash,
        client_ids: credential.client_ids,
        expires_at: credential.expires_at,
        revoked: credential.revoked_at.is_some(),
    }
}

fn stored_code(code: &AuthCode) -> stored::AuthorizationCode {
    stored::AuthorizationCode {
        code_hash: code.code_hash.clone(),
        client_id: code.client_id.clone(),
        account_id: code.subject.account_id,
        extension_id: code.subject.extension_id,
        redirect_uri: code.redirect_uri.clone(),
        scope: code.scope.to_string(),
        code_challenge: code.code_challenge.clone(),
        code_challenge_method: code.code_challenge_method.clone(),
        expires_at: code.expires_at,
    }
}

fn api_code(code: stored::AuthorizationCode) -> AuthCode {
    AuthCode {
        code_hash: code.code_hash,
        client_id: code.client_id,
        redirect_uri: code.redirect_uri,
        subject: Subject {
            account_id: code.account_id,
            extension_id: code.extension_id,
        },
        scope: Scope::parse(&code.scope),
        code_challenge: code.code_challenge,
        code_challenge_method: code.code_challenge_method,
        expires_at: code.expires_at,
    }
}

/// Checks `password` against `stored` on the blocking pool: Argon2 takes
/// tens of milliseconds of CPU by design.
async fn verify(password: &str, stored: Option<String>) -> BackendResult<bool> {
    let password = password.to_owned();
    let check = move || verify_password(&password, stored.as_deref());
    tokio::task::spawn_blocking(check)
        .await
        .map_err(BackendError::new)
}

/// An extension together with the account it belongs to.
type Located = (AccountId, Extension);

impl StoreBackend {
    /// The extension a login names: with `extension`, that extension of the
    /// company a phone number belongs to; without, the owner of a direct
    /// number, or an extension number of the default company.
    async fn find_login(&self, login: &UserLogin) -> BackendResult<Option<Located>> {
        let number = self.find_number(&login.username).await?;
        match (number, &login.extension) {
            (Some((account, _)), Some(ext)) => self.by_number(account, ext).await,
            (Some((account, number)), None) => match number.extension {
                Some(owner) => self.located(account, owner.id).await,
                // The main number alone names nobody: RingCentral asks for
                // an extension with it.
                None => Ok(None),
            },
            // An extension field next to an unknown number names nobody.
            (None, Some(_)) => Ok(None),
            (None, None) => self.by_default_number(&login.username).await,
        }
    }

    /// The company number `username` spells (`+1 (650) 555-0100` and
    /// `16505550100` alike) with its account.
    async fn find_number(&self, username: &str) -> BackendResult<Option<(AccountId, PhoneNumber)>> {
        let digits: String = username.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return Ok(None);
        }
        let lookup = self.store.find_phone_number(&format!("+{digits}")).await;
        let Some(number) = lookup.map_err(failure)? else {
            return Ok(None);
        };
        let account = self.number_account(&number).await?;
        Ok(account.map(|account| (account, number)))
    }

    /// The account a number belongs to: its owner's, or for an unassigned
    /// number (the main number) the default company's if it holds it.
    async fn number_account(&self, number: &PhoneNumber) -> BackendResult<Option<AccountId>> {
        if let Some(owner) = &number.extension {
            return found(self.store.extension_account(owner.id).await);
        }
        // TODO: the store cannot name the account of an unassigned number;
        // this matters once one database holds several companies.
        let Some(account) = found(self.store.default_account().await)? else {
            return Ok(None);
        };
        let held = found(self.store.get_phone_number(account.id, number.id).await)?;
        Ok(held.map(|_| account.id))
    }

    async fn by_number(&self, account: AccountId, number: &str) -> BackendResult<Option<Located>> {
        let found = self.store.get_extension_by_number(account, number).await;
        Ok(found.map_err(failure)?.map(|ext| (account, ext)))
    }

    async fn by_default_number(&self, number: &str) -> BackendResult<Option<Located>> {
        match found(self.store.default_account().await)? {
            Some(account) => self.by_number(account.id, number).await,
            None => Ok(None),
        }
    }

    async fn located(&self, account: AccountId, id: ExtensionId) -> BackendResult<Option<Located>> {
        let ext = found(self.store.get_extension(account, id).await)?;
        Ok(ext.map(|ext| (account, ext)))
    }

    /// The stored hash of a user who may log in: enabled, with a password.
    async fn login_hash(&self, user: Option<&Located>) -> BackendResult<Option<String>> {
        let Some((_, ext)) = user else {
            return Ok(None);
        };
        if ext.status != ExtensionStatus::Enabled {
            tracing::debug!(extension_id = ext.id, "login of an extension not enabled");
            return Ok(None);
        }
        let hash = found(self.store.get_extension_password_hash(ext.id).await)?;
        Ok(hash.flatten())
    }
}

#[async_trait]
impl AuthBackend for StoreBackend {
    async fn client_app(&self, client_id: &str) -> BackendResult<Option<ClientApp>> {
        let client = found(self.store.get_oauth_client(client_id).await)?;
        Ok(client.map(client_app))
    }

    async fn check_password(
        &self,
        login: &UserLogin,
        password: &str,
    ) -> BackendResult<Option<Subject>> {
        let user = self.find_login(login).await?;
        let hash = self.login_hash(user.as_ref()).await?;
        // Verified even without a hash (against a dummy), so timing does
        // not tell which users exist.
        let matches = verify(password, hash).await?;

        Ok(user.filter(|_| matches).map(|(account_id, ext)| Subject {
            account_id,
            extension_id: ext.id,
        }))
    }

    async fn insert_token(&self, token: &TokenRecord) -> BackendResult<()> {
        let token = new_token(token, Timestamp::now());
        self.store.insert_token(&token).await.map_err(failure)?;
        Ok(())
    }

    async fn find_access_token(&self, access_hash: &str) -> BackendResult<Option<TokenRecord>> {
        // `lookup_` keeps expired and revoked pairs, so the API can answer
        // OAU-128 rather than OAU-129.
        let record = self.store.lookup_access_token(access_hash).await;
        Ok(record.map_err(failure)?.map(token_record))
    }

    async fn rotate_refresh_token(
        &self,
        refresh_hash: &str,
        replacement: &TokenHashes,
        now: Timestamp,
    ) -> BackendResult<Option<TokenRecord>> {
        // The store revokes the session itself when a used token returns.
        let replacement = stored_hashes(replacement);
        let rotated = self
            .store
            .rotate_refresh_token(refresh_hash, &replacement, now)
            .await;
        Ok(still_valid(rotated)?.map(token_record))
    }

    async fn revoke_token(&self, token_hash: &str) -> BackendResult<bool> {
        let revoked = self.store.revoke_token(token_hash, Timestamp::now()).await;
        revoked.map_err(failure)
    }

    async fn revoke_extension_tokens(&self, extension_id: ExtensionId) -> BackendResult<u64> {
        let revoked = self
            .store
            .revoke_extension_tokens(extension_id, Timestamp::now());
        revoked.await.map_err(failure)
    }

    async fn create_jwt_credential(&self, credential: &JwtCredential) -> BackendResult<()> {
        let credential = stored_jwt(credential, Timestamp::now());
        let created = self.store.create_jwt_credential(&credential).await;
        created.map_err(failure)
    }

    async fn find_jwt_credential(
        &self,
        jwt_hash: &str,
        now: Timestamp,
    ) -> BackendResult<Option<JwtCredential>> {
        let credential = self.store.find_jwt_credential(jwt_hash, now).await;
        Ok(credential.map_err(failure)?.map(api_jwt))
    }

    async fn revoke_jwt_credential(&self, id: &str) -> BackendResult<()> {
        // Unknown and already revoked both leave the credential unusable,
        // which is all the caller asked for.
        let revoked = self.store.revoke_jwt_credential(id, Timestamp::now()).await;
        found(revoked).map(|_| ())
    }

    async fn create_authorization_code(&self, code: &AuthCode) -> BackendResult<()> {
        let created = self
            .store
            .create_authorization_code(&stored_code(code))
            .await;
        created.map_err(failure)
    }

    async fn consume_authorization_code(
        &self,
        code_hash: &str,
        now: Timestamp,
    ) -> BackendResult<Option<AuthCode>> {
        let code = self.store.consume_authorization_code(code_hash, now).await;
        Ok(still_valid(code)?.map(api_code))
    }
}

fn extension_filter(filter: &ExtensionFilter) -> switchboard_store::ExtensionFilter {
    switchboard_store::ExtensionFilter {
        extension_types: filter.extension_types.clone(),
        statuses: filter.statuses.clone(),
        extension_number: filter.extension_number.clone(),
    }
}

fn call_log_filter(filter: &CallLogFilter) -> switchboard_store::CallLogFilter {
    switchboard_store::CallLogFilter {
        extension: filter.extension,
        date_from: filter.date_from,
        date_to: filter.date_to,
        call_types: filter.call_types.clone(),
        directions: filter.directions.clone(),
    }
}

fn message_filter(filter: &MessageFilter) -> switchboard_store::MessageFilter {
    switchboard_store::MessageFilter {
        message_types: filter.message_types.clone(),
        directions: filter.directions.clone(),
        read_statuses: filter.read_statuses.clone(),
        availabilities: filter.availabilities.clone(),
        date_from: filter.date_from,
        date_to: filter.date_to,
    }
}

#[async_trait]
impl Directory for StoreBackend {
    async fn account(&self, account_id: AccountId) -> BackendResult<Option<Account>> {
        found(self.store.get_account(account_id).await)
    }

    async fn list_extensions(
        &self,
        account_id: AccountId,
        filter: &ExtensionFilter,
        page_request: PageRequest,
    ) -> BackendResult<Slice<Extension>> {
        let filter = extension_filter(filter);
        let listed = self
            .store
            .list_extensions(account_id, &filter, page(page_request))
            .await;
        Ok(slice(listed.map_err(failure)?))
    }

    async fn extension(
        &self,
        account_id: AccountId,
        extension_id: ExtensionId,
    ) -> BackendResult<Option<Extension>> {
        found(self.store.get_extension(account_id, extension_id).await)
    }

    async fn is_admin(
        &self,
        account_id: AccountId,
        extension_id: ExtensionId,
    ) -> BackendResult<bool> {
        // TODO: roles are not stored yet; until they are, the account's
        // operator extension is its one administrator.
        let account = found(self.store.get_account(account_id).await)?;
        let operator = account.and_then(|a| a.operator);
        Ok(operator.is_some_and(|op| op.id == extension_id))
    }

    async fn update_extension(
        &self,
        account_id: AccountId,
        extension: &Extension,
    ) -> BackendResult<Option<Extension>> {
        found(self.store.update_extension(account_id, extension).await)
    }

    async fn presence(&self, extension_id: ExtensionId) -> BackendResult<Presence> {
        self.store.get_presence(extension_id).await.map_err(failure)
    }

    async fn put_presence(&self, presence: &Presence) -> BackendResult<Presence> {
        self.store.put_presence(presence).await.map_err(failure)
    }

    async fn list_phone_numbers(
        &self,
        account_id: AccountId,
        usage_types: &[UsageType],
        page_request: PageRequest,
    ) -> BackendResult<Slice<PhoneNumber>> {
        let listed = self
            .store
            .list_phone_numbers(account_id, usage_types, page(page_request))
            .await;
        Ok(slice(listed.map_err(failure)?))
    }

    async fn account_business_hours(&self, account_id: AccountId) -> BackendResult<BusinessHours> {
        let hours = self.store.get_account_business_hours(account_id).await;
        hours.map_err(failure)
    }

    async fn put_account_business_hours(
        &self,
        account_id: AccountId,
        hours: &BusinessHours,
    ) -> BackendResult<BusinessHours> {
        let stored = self
            .store
            .put_account_business_hours(account_id, hours)
            .await;
        stored.map_err(failure)
    }

    async fn extension_business_hours(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Option<BusinessHours>> {
        let hours = self.store.get_extension_business_hours(extension_id).await;
        hours.map_err(failure)
    }

    async fn put_extension_business_hours(
        &self,
        extension_id: ExtensionId,
        hours: Option<&BusinessHours>,
    ) -> BackendResult<()> {
        let stored = self
            .store
            .put_extension_business_hours(extension_id, hours)
            .await;
        stored.map_err(failure)
    }

    async fn answering_rules(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<AnsweringRule>> {
        let rules = self.store.list_answering_rules(extension_id).await;
        rules.map_err(failure)
    }

    async fn forwarding_numbers(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<ForwardingNumber>> {
        let numbers = self.store.list_forwarding_numbers(extension_id).await;
        numbers.map_err(failure)
    }

    async fn call_log(
        &self,
        account_id: AccountId,
        filter: &CallLogFilter,
        page_request: PageRequest,
    ) -> BackendResult<Slice<CallLogRecord>> {
        let filter = call_log_filter(filter);
        let listed = self
            .store
            .list_call_log(account_id, &filter, page(page_request))
            .await;
        Ok(slice(listed.map_err(failure)?))
    }

    async fn messages(
        &self,
        extension_id: ExtensionId,
        filter: &MessageFilter,
        page_request: PageRequest,
    ) -> BackendResult<Slice<Message>> {
        let filter = message_filter(filter);
        let listed = self
            .store
            .list_messages(extension_id, &filter, page(page_request))
            .await;
        Ok(slice(listed.map_err(failure)?))
    }

    async fn message(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
    ) -> BackendResult<Option<Message>> {
        found(self.store.get_message(extension_id, message_id).await)
    }

    async fn update_message_read_status(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
        read_status: ReadStatus,
        now: Timestamp,
    ) -> BackendResult<Option<Message>> {
        let updated = self
            .store
            .update_message_read_status(extension_id, message_id, read_status, now)
            .await;
        found(updated)
    }

    async fn extension_phone_numbers(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<PhoneNumber>> {
        let numbers = self.store.list_extension_phone_numbers(extension_id).await;
        numbers.map_err(failure)
    }

    async fn create_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule: &AnsweringRule,
    ) -> BackendResult<AnsweringRule> {
        let created = self.store.create_answering_rule(extension_id, rule).await;
        created.map_err(failure)
    }

    async fn update_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule: &AnsweringRule,
    ) -> BackendResult<Option<AnsweringRule>> {
        found(self.store.update_answering_rule(extension_id, rule).await)
    }

    async fn delete_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule_id: &str,
    ) -> BackendResult<bool> {
        deleted(
            self.store
                .delete_answering_rule(extension_id, rule_id)
                .await,
        )
    }

    async fn company_answering_rules(
        &self,
        account_id: AccountId,
    ) -> BackendResult<Vec<CompanyAnsweringRule>> {
        let rules = self.store.list_company_answering_rules(account_id).await;
        rules.map_err(failure)
    }

    async fn create_company_answering_rule(
        &self,
        account_id: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> BackendResult<CompanyAnsweringRule> {
        let created = self.store.create_company_answering_rule(account_id, rule);
        created.await.map_err(failure)
    }

    async fn update_company_answering_rule(
        &self,
        account_id: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> BackendResult<Option<CompanyAnsweringRule>> {
        let updated = self.store.update_company_answering_rule(account_id, rule);
        found(updated.await)
    }

    async fn delete_company_answering_rule(
        &self,
        account_id: AccountId,
        rule_id: &str,
    ) -> BackendResult<bool> {
        let removed = self
            .store
            .delete_company_answering_rule(account_id, rule_id);
        deleted(removed.await)
    }

    async fn create_forwarding_number(
        &self,
        extension_id: ExtensionId,
        number: &ForwardingNumber,
    ) -> BackendResult<ForwardingNumber> {
        let created = self.store.create_forwarding_number(extension_id, number);
        created.await.map_err(failure)
    }

    async fn update_forwarding_number(
        &self,
        extension_id: ExtensionId,
        number: &ForwardingNumber,
    ) -> BackendResult<Option<ForwardingNumber>> {
        found(
            self.store
                .update_forwarding_number(extension_id, number)
                .await,
        )
    }

    async fn delete_forwarding_number(
        &self,
        extension_id: ExtensionId,
        id: &str,
    ) -> BackendResult<bool> {
        deleted(self.store.delete_forwarding_number(extension_id, id).await)
    }

    async fn update_message_availability(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
        availability: Availability,
        now: Timestamp,
    ) -> BackendResult<Option<Message>> {
        let updated = self
            .store
            .update_message_availability(extension_id, message_id, availability, now)
            .await;
        found(updated)
    }

    async fn delete_message(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
    ) -> BackendResult<Option<Message>> {
        found(self.store.delete_message(extension_id, message_id).await)
    }

    async fn call_log_record(
        &self,
        account_id: AccountId,
        extension: Option<ExtensionId>,
        record_id: &str,
    ) -> BackendResult<Option<CallLogRecord>> {
        let record = self
            .store
            .get_call_log_record(account_id, extension, record_id)
            .await;
        found(record)
    }

    async fn ivr_menus(&self, account_id: AccountId) -> BackendResult<Vec<IvrMenu>> {
        self.store.list_ivr_menus(account_id).await.map_err(failure)
    }

    async fn create_ivr_menu(
        &self,
        account_id: AccountId,
        menu: &IvrMenu,
    ) -> BackendResult<Option<IvrMenu>> {
        match self.store.create_ivr_menu(account_id, menu).await {
            Ok(menu) => Ok(Some(menu)),
            // The menu's extension number is taken: the caller's answer.
            Err(StoreError::Conflict(_)) => Ok(None),
            Err(err) => Err(failure(err)),
        }
    }

    async fn update_ivr_menu(
        &self,
        account_id: AccountId,
        menu: &IvrMenu,
    ) -> BackendResult<Option<IvrMenu>> {
        found(self.store.update_ivr_menu(account_id, menu).await)
    }

    async fn ivr_prompts(&self, account_id: AccountId) -> BackendResult<Vec<IvrPrompt>> {
        self.store
            .list_ivr_prompts(account_id)
            .await
            .map_err(failure)
    }

    async fn create_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt: &IvrPrompt,
    ) -> BackendResult<IvrPrompt> {
        let created = self.store.create_ivr_prompt(account_id, prompt).await;
        created.map_err(failure)
    }

    async fn update_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt: &IvrPrompt,
    ) -> BackendResult<Option<IvrPrompt>> {
        found(self.store.update_ivr_prompt(account_id, prompt).await)
    }

    async fn delete_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt_id: &str,
    ) -> BackendResult<Option<IvrPrompt>> {
        found(self.store.delete_ivr_prompt(account_id, prompt_id).await)
    }

    async fn extension_devices(&self, extension_id: ExtensionId) -> BackendResult<Vec<Device>> {
        let devices = self.store.list_extension_devices(extension_id).await;
        devices.map_err(failure)
    }

    async fn device(
        &self,
        account_id: AccountId,
        device_id: &str,
    ) -> BackendResult<Option<Device>> {
        found(self.store.get_device(account_id, device_id).await)
    }
}

impl StoreBlobs {
    /// Audio storage over `blobs`.
    pub fn new(blobs: Arc<dyn BlobStore>) -> Self {
        Self { blobs }
    }
}

#[async_trait]
impl Blobs for StoreBlobs {
    async fn blob(&self, key: &str) -> BackendResult<Option<Vec<u8>>> {
        found(self.blobs.get(key).await)
    }

    async fn put_blob(&self, key: &str, bytes: Vec<u8>) -> BackendResult<()> {
        self.blobs.put(key, bytes).await.map_err(failure)
    }

    async fn delete_blob(&self, key: &str) -> BackendResult<()> {
        self.blobs.delete(key).await.map_err(failure)
    }
}

/// The `client_id` of the app Switchboard registers for itself, so that a
/// fresh install can log in (SDKs, curl) before anyone registers an app.
pub const DEFAULT_CLIENT_ID: &str = "switchboard-default";

/// The default app's credentials. The secret is known only to the call
/// that created the app: the store keeps just its hash.
#[derive(Clone)]
pub struct DefaultClient {
    /// Always [`DEFAULT_CLIENT_ID`].
    pub client_id: String,
    /// The client secret, `Some` only when this call created the app.
    pub client_secret: Option<String>,
}

impl fmt::Debug for DefaultClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret belongs on the operator's terminal, not in logs.
        f.debug_struct("DefaultClient")
            .field("client_id", &self.client_id)
            .field("created", &self.client_secret.is_some())
            .finish()
    }
}

/// Makes sure the default app exists: a confidential app with every
/// permission and the password, JWT bearer and refresh token grants (no
/// redirect URIs, so no authorization code flow). Creates it with a fresh
/// secret when missing.
pub async fn ensure_default_client(store: &Store) -> anyhow::Result<DefaultClient> {
    let existing = store.get_oauth_client(DEFAULT_CLIENT_ID).await;
    match existing {
        Ok(_) => return Ok(default_client(None)),
        Err(StoreError::NotFound(_)) => {}
        Err(err) => return Err(err).context("cannot read the default OAuth app"),
    }

    let client_secret = secret::random_token();
    let grants = ["password", JWT_BEARER, "refresh_token"];
    let client = stored::OAuthClient {
        id: DEFAULT_CLIENT_ID.to_owned(),
        name: "Switchboard default app".to_owned(),
        secret_hash: Some(secret::hash(&client_secret)),
        grants: grants.map(str::to_owned).to_vec(),
        redirect_uris: Vec::new(),
        scope: Scope::all().to_string(),
        created_at: Timestamp::now(),
    };
    match store.create_oauth_client(&client).await {
        Ok(()) => {
            tracing::info!(client_id = DEFAULT_CLIENT_ID, "default OAuth app created");
            Ok(default_client(Some(client_secret)))
        }
        // Another process created it between our read and write.
        Err(StoreError::Conflict(_)) => Ok(default_client(None)),
        Err(err) => Err(err).context("cannot create the default OAuth app"),
    }
}

/// Replaces the default app with a new one under a fresh secret, for an
/// operator who lost the old one. The old app's tokens go with it.
// TODO: no command calls this yet; wire it to a CLI flag when operators
// need a lost secret replaced without editing the database.
#[cfg_attr(not(test), allow(dead_code))]
pub async fn reset_default_client(store: &Store) -> anyhow::Result<DefaultClient> {
    match store.delete_oauth_client(DEFAULT_CLIENT_ID).await {
        Ok(()) | Err(StoreError::NotFound(_)) => {}
        Err(err) => return Err(err).context("cannot delete the default OAuth app"),
    }
    tracing::info!(client_id = DEFAULT_CLIENT_ID, "default OAuth app reset");
    ensure_default_client(store).await
}

fn default_client(client_secret: Option<String>) -> DefaultClient {
    DefaultClient {
        client_id: DEFAULT_CLIENT_ID.to_owned(),
        client_secret,
    }
}

/// Issues a JWT credential (no expiry) for an extension and returns the
/// signed JWT, to be shown once. It is signed with `state`'s key: under the
/// default empty `jwt_hs256_secret` it stops working when the process exits.
pub async fn issue_extension_jwt(
    state: &AppState,
    store: &Store,
    extension_id: ExtensionId,
) -> anyhow::Result<String> {
    let account_id = store
        .extension_account(extension_id)
        .await
        .with_context(|| format!("extension {extension_id} cannot get a JWT credential"))?;
    let subject = Subject {
        account_id,
        extension_id,
    };
    issue_jwt_credential(state, subject, None)
        .await
        .context("cannot issue a JWT credential")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use switchboard_api::oauth::secret::{hash, random_token};
    use switchboard_phone::model::{Direction, DndStatus, ExtensionType, RuleType};
    use switchboard_store::{LocalBlobStore, StoreConfig};

    use super::*;
    use crate::demo::{DemoConfig, create};

    const MAIN_NUMBER: &str = "+16505550100";
    const PASSWORD: &str = "Correct-horse-1";

    /// A store in a temporary directory holding the demo company and the
    /// default app (tokens and codes must name a stored app).
    struct Fixture {
        backend: StoreBackend,
        account: AccountId,
        client_secret: String,
        dir: tempfile::TempDir,
    }

    impl Fixture {
        async fn new() -> Self {
            let dir = tempfile::tempdir().expect("temp dir");
            let config = StoreConfig {
                data_dir: dir.path().to_path_buf(),
                ..StoreConfig::default()
            };
            let store = Store::open(&config).await.expect("store");
            let demo = create(&store, &DemoConfig::default()).await.expect("demo");
            let client = ensure_default_client(&store).await.expect("default app");
            Self {
                backend: StoreBackend::new(store),
                account: demo.account.id,
                client_secret: client.client_secret.expect("a new app's secret"),
                dir,
            }
        }

        fn store(&self) -> &Store {
            &self.backend.store
        }

        async fn extension_id(&self, number: &str) -> ExtensionId {
            let found = self.store().get_extension_by_number(self.account, number);
            found.await.unwrap().expect("demo extension").id
        }

        async fn subject(&self, number: &str) -> Subject {
            Subject {
                account_id: self.account,
                extension_id: self.extension_id(number).await,
            }
        }
    }

    fn login(username: &str, extension: Option<&str>) -> UserLogin {
        UserLogin {
            username: username.to_owned(),
            extension: extension.map(str::to_owned),
        }
    }

    fn request(page: u64, per_page: u64) -> PageRequest {
        PageRequest { page, per_page }
    }

    /// `hours` from now, in whole milliseconds as the store keeps them.
    fn in_hours(hours: i64) -> Timestamp {
        let span = jiff::SignedDuration::from_hours(hours);
        let at = Timestamp::now().checked_add(span).unwrap();
        Timestamp::from_millisecond(at.as_millisecond()).unwrap()
    }

    fn fresh_hashes() -> TokenHashes {
        TokenHashes {
            access_hash: hash(&random_token()),
            access_expires_at: in_hours(1),
            refresh_hash: hash(&random_token()),
            refresh_expires_at: in_hours(24),
        }
    }

    fn token(subject: Subject) -> TokenRecord {
        TokenRecord {
            session_id: "session-1".to_owned(),
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            subject,
            scope: Scope::all(),
            hashes: fresh_hashes(),
            revoked: false,
        }
    }

    #[tokio::test]
    async fn a_password_set_through_the_backend_logs_in_by_any_name() {
        let f = Fixture::new().await;
        let alice = f.subject("101").await;
        f.backend
            .set_password(alice.extension_id, PASSWORD)
            .await
            .unwrap();

        let stored = f.store().get_extension_password_hash(alice.extension_id);
        assert!(stored.await.unwrap().unwrap().starts_with("$argon2id$"));
        for name in [
            login("101", None),
            login(MAIN_NUMBER, Some("101")),
            login("+1 (650) 555-0111", None),
        ] {
            let checked = f.backend.check_password(&name, PASSWORD).await.unwrap();
            assert_eq!(checked, Some(alice), "{name:?}");
        }
    }

    #[tokio::test]
    async fn wrong_passwords_and_unknown_users_are_refused_alike() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        f.backend.set_password(alice, PASSWORD).await.unwrap();

        let refused = [
            (login("101", None), "wrong"),
            (login("102", None), PASSWORD),
            (login("999", None), PASSWORD),
            (login(MAIN_NUMBER, None), PASSWORD),
            (login("+15550000000", Some("101")), PASSWORD),
        ];
        for (name, password) in refused {
            let checked = f.backend.check_password(&name, password).await.unwrap();
            assert_eq!(checked, None, "{name:?}");
        }
    }

    #[tokio::test]
    async fn a_disabled_extension_cannot_log_in() {
        let f = Fixture::new().await;
        let id = f.extension_id("101").await;
        f.backend.set_password(id, PASSWORD).await.unwrap();
        let mut ext = f.store().get_extension(f.account, id).await.unwrap();
        ext.status = ExtensionStatus::Disabled;
        f.store().update_extension(f.account, &ext).await.unwrap();

        let name = login("101", None);
        let checked = f.backend.check_password(&name, PASSWORD).await;
        assert_eq!(checked.unwrap(), None);
    }

    #[tokio::test]
    async fn tokens_are_found_rotated_and_a_reused_refresh_ends_the_session() {
        let f = Fixture::new().await;
        let first = token(f.subject("101").await);
        f.backend.insert_token(&first).await.unwrap();

        let found = f.backend.find_access_token(&first.hashes.access_hash).await;
        let found = found.unwrap().expect("inserted pair");
        assert_eq!(found.hashes, first.hashes);
        assert_eq!(
            (found.subject, found.scope, found.revoked),
            (first.subject, Scope::all(), false)
        );

        let next = fresh_hashes();
        let now = Timestamp::now();
        let rotated = f
            .backend
            .rotate_refresh_token(&first.hashes.refresh_hash, &next, now);
        let rotated = rotated.await.unwrap().expect("rotated pair");
        assert_eq!(
            (rotated.session_id.as_str(), &rotated.hashes),
            ("session-1", &next)
        );
        let old = f
            .backend
            .find_access_token(&first.hashes.access_hash)
            .await
            .unwrap();
        assert!(old.unwrap().revoked, "rotation revokes the old pair");

        let other = fresh_hashes();
        let again = f
            .backend
            .rotate_refresh_token(&first.hashes.refresh_hash, &other, now);
        assert!(
            again.await.unwrap().is_none(),
            "a used refresh token is refused"
        );
        let new = f
            .backend
            .find_access_token(&next.access_hash)
            .await
            .unwrap();
        assert!(new.unwrap().revoked, "reuse revokes the whole session");
    }

    #[tokio::test]
    async fn revoking_a_token_by_either_hash_reports_whether_one_was_live() {
        let f = Fixture::new().await;
        let pair = token(f.subject("102").await);
        f.backend.insert_token(&pair).await.unwrap();

        assert!(
            f.backend
                .revoke_token(&pair.hashes.refresh_hash)
                .await
                .unwrap()
        );
        assert!(
            !f.backend
                .revoke_token(&pair.hashes.access_hash)
                .await
                .unwrap()
        );
        assert!(!f.backend.revoke_token(&hash("unknown")).await.unwrap());
        let unknown = f.backend.find_access_token(&hash("unknown")).await.unwrap();
        assert!(unknown.is_none());
    }

    #[tokio::test]
    async fn jwt_credentials_are_found_until_revoked() {
        let f = Fixture::new().await;
        let credential = JwtCredential {
            id: "jti-1".to_owned(),
            subject: f.subject("103").await,
            jwt_hash: hash("a.jwt.value"),
            client_ids: vec![DEFAULT_CLIENT_ID.to_owned()],
            expires_at: None,
            revoked: false,
        };
        f.backend.create_jwt_credential(&credential).await.unwrap();

        let now = Timestamp::now();
        let found = f
            .backend
            .find_jwt_credential(&credential.jwt_hash, now)
            .await
            .unwrap();
        let found = found.expect("stored credential");
        assert_eq!(
            (found.id.as_str(), found.subject),
            ("jti-1", credential.subject)
        );
        assert_eq!(found.client_ids, credential.client_ids);

        f.backend.revoke_jwt_credential("jti-1").await.unwrap();
        f.backend.revoke_jwt_credential("jti-1").await.unwrap();
        let gone = f
            .backend
            .find_jwt_credential(&credential.jwt_hash, now)
            .await
            .unwrap();
        assert!(gone.is_none());
    }

    #[tokio::test]
    async fn an_authorization_code_is_consumed_once() {
        let f = Fixture::new().await;
        let code = AuthCode {
            code_hash: hash("code"),
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            redirect_uri: "http://127.0.0.1:1/callback".to_owned(),
            subject: f.subject("101").await,
            scope: Scope::all(),
            code_challenge: Some("challenge".to_owned()),
            code_challenge_method: Some("S256".to_owned()),
            expires_at: in_hours(1),
        };
        f.backend.create_authorization_code(&code).await.unwrap();

        let now = Timestamp::now();
        let used = f
            .backend
            .consume_authorization_code(&code.code_hash, now)
            .await;
        let used = used.unwrap().expect("first use");
        assert_eq!((used.subject, used.scope), (code.subject, Scope::all()));
        assert_eq!(used.code_challenge, code.code_challenge);
        let twice = f
            .backend
            .consume_authorization_code(&code.code_hash, now)
            .await;
        assert!(twice.unwrap().is_none());
    }

    #[tokio::test]
    async fn extensions_are_listed_with_filters_and_pages() {
        let f = Fixture::new().await;
        let users = ExtensionFilter {
            extension_types: vec![ExtensionType::User],
            ..ExtensionFilter::default()
        };

        let page2 = f
            .backend
            .list_extensions(f.account, &users, request(2, 2))
            .await
            .unwrap();
        assert_eq!(page2.total, 3);
        let numbers: Vec<&str> = page2
            .records
            .iter()
            .map(|e| e.extension_number.as_str())
            .collect();
        assert_eq!(numbers, ["103"]);

        let all = ExtensionFilter::default();
        let every = f
            .backend
            .list_extensions(f.account, &all, request(1, 100))
            .await
            .unwrap();
        assert_eq!(every.total, 4, "three users and the IVR menu");

        let one = ExtensionFilter {
            extension_number: Some("102".to_owned()),
            ..ExtensionFilter::default()
        };
        let bob = f
            .backend
            .list_extensions(f.account, &one, request(1, 100))
            .await
            .unwrap();
        assert_eq!(bob.records[0].name, "Bob Baker");
    }

    #[tokio::test]
    async fn missing_account_and_extension_read_as_none() {
        let f = Fixture::new().await;
        assert!(f.backend.account(f.account + 999).await.unwrap().is_none());
        assert!(
            f.backend
                .extension(f.account, 999_999)
                .await
                .unwrap()
                .is_none()
        );
        let alice = f.extension_id("101").await;
        let found = f.backend.extension(f.account, alice).await.unwrap();
        assert_eq!(found.unwrap().extension_number, "101");
    }

    #[tokio::test]
    async fn only_the_operator_extension_is_an_administrator() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let bob = f.extension_id("102").await;
        assert!(
            f.backend.is_admin(f.account, alice).await.unwrap(),
            "the demo operator"
        );
        assert!(!f.backend.is_admin(f.account, bob).await.unwrap());

        let mut account = f.store().get_account(f.account).await.unwrap();
        account.operator = Some(switchboard_phone::model::ExtensionRef::new(bob));
        f.store().update_account(&account).await.unwrap();
        assert!(f.backend.is_admin(f.account, bob).await.unwrap());
        assert!(!f.backend.is_admin(f.account, alice).await.unwrap());
    }

    #[tokio::test]
    async fn presence_round_trips_through_the_backend() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let mut presence = f.backend.presence(alice).await.unwrap();
        assert_eq!(presence.extension.id, alice);

        presence.dnd_status = DndStatus::DoNotAcceptAnyCalls;
        presence.message = Some("In a meeting".to_owned());
        f.backend.put_presence(&presence).await.unwrap();
        assert_eq!(f.backend.presence(alice).await.unwrap(), presence);
    }

    #[tokio::test]
    async fn answering_rules_and_forwarding_numbers_of_a_demo_user() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;

        let rules = f.backend.answering_rules(alice).await.unwrap();
        let kinds: Vec<RuleType> = rules.iter().map(|r| r.rule_type).collect();
        assert_eq!(kinds, [RuleType::BusinessHours, RuleType::AfterHours]);
        let numbers = f.backend.forwarding_numbers(alice).await.unwrap();
        assert_eq!(numbers[0].phone_number, "+16505550181");
    }

    #[tokio::test]
    async fn business_hours_of_company_and_extension() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let company = f.backend.account_business_hours(f.account).await.unwrap();
        assert!(
            f.backend
                .extension_business_hours(alice)
                .await
                .unwrap()
                .is_none()
        );

        f.backend
            .put_extension_business_hours(alice, Some(&company))
            .await
            .unwrap();
        let own = f.backend.extension_business_hours(alice).await.unwrap();
        assert_eq!(own, Some(company.clone()));
        let put = f
            .backend
            .put_account_business_hours(f.account, &company)
            .await;
        assert_eq!(put.unwrap(), company);
    }

    fn call(extension: ExtensionId, hours_ago: i64, direction: &str) -> CallLogRecord {
        let record = json!({"id": "", "sessionId": format!("s-{hours_ago}"),
            "startTime": in_hours(-hours_ago).to_string(), "duration": 30, "type": "Voice",
            "direction": direction, "action": "Phone Call", "result": "Accepted",
            "from": {"phoneNumber": "+15550001111"}, "to": {"extensionNumber": "101"},
            "extension": {"id": extension}});
        serde_json::from_value(record).expect("call log JSON")
    }

    #[tokio::test]
    async fn the_call_log_is_listed_newest_first_with_filters_and_pages() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        for (hours_ago, direction) in [(3, "Inbound"), (1, "Inbound"), (2, "Outbound")] {
            let record = call(alice, hours_ago, direction);
            f.store().insert_call_log(f.account, &record).await.unwrap();
        }

        let inbound = CallLogFilter {
            extension: Some(alice),
            directions: vec![Direction::Inbound],
            ..CallLogFilter::default()
        };
        let first = f
            .backend
            .call_log(f.account, &inbound, request(1, 1))
            .await
            .unwrap();
        assert_eq!(first.total, 2);
        assert_eq!(first.records[0].session_id, "s-1");

        let recent = CallLogFilter {
            date_from: Some(in_hours(-2) - jiff::SignedDuration::from_mins(5)),
            ..CallLogFilter::default()
        };
        let listed = f
            .backend
            .call_log(f.account, &recent, request(1, 100))
            .await
            .unwrap();
        let sessions: Vec<&str> = listed
            .records
            .iter()
            .map(|r| r.session_id.as_str())
            .collect();
        assert_eq!(sessions, ["s-1", "s-2"]);
    }

    fn voicemail(extension: ExtensionId) -> Message {
        let at = in_hours(-1).to_string();
        let message = json!({"id": 0, "extensionId": extension.to_string(),
            "type": "VoiceMail", "direction": "Inbound", "from": {"phoneNumber": "+15550001111"},
            "to": [], "creationTime": at, "lastModifiedTime": at, "readStatus": "Unread",
            "availability": "Alive", "messageStatus": "Received", "attachments": []});
        serde_json::from_value(message).expect("message JSON")
    }

    #[tokio::test]
    async fn a_voicemail_is_listed_read_and_marked_read() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let stored = f.store().insert_message(&voicemail(alice)).await.unwrap();

        let unread = MessageFilter {
            read_statuses: vec![ReadStatus::Unread],
            ..MessageFilter::default()
        };
        let listed = f.backend.messages(alice, &unread, request(1, 100)).await;
        assert_eq!(listed.unwrap().total, 1);
        let one = f.backend.message(alice, stored.id).await.unwrap();
        assert_eq!(one.map(|m| m.id), Some(stored.id));

        let now = Timestamp::now();
        let read = f
            .backend
            .update_message_read_status(alice, stored.id, ReadStatus::Read, now)
            .await;
        assert_eq!(read.unwrap().unwrap().read_status, ReadStatus::Read);
        let listed = f.backend.messages(alice, &unread, request(1, 100)).await;
        assert_eq!(listed.unwrap().total, 0);
    }

    #[tokio::test]
    async fn another_extensions_message_reads_as_none() {
        let f = Fixture::new().await;
        let (alice, bob) = (f.extension_id("101").await, f.extension_id("102").await);
        let stored = f.store().insert_message(&voicemail(alice)).await.unwrap();

        assert!(f.backend.message(bob, stored.id).await.unwrap().is_none());
        let now = Timestamp::now();
        let marked = f
            .backend
            .update_message_read_status(bob, stored.id, ReadStatus::Read, now)
            .await;
        assert!(marked.unwrap().is_none());
    }

    #[tokio::test]
    async fn phone_numbers_are_listed_by_usage_and_by_owner() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let direct = [UsageType::DirectNumber];

        let listed = f
            .backend
            .list_phone_numbers(f.account, &direct, request(1, 2))
            .await;
        let listed = listed.unwrap();
        assert_eq!((listed.total, listed.records.len()), (3, 2));
        let own = f.backend.extension_phone_numbers(alice).await.unwrap();
        let own: Vec<&str> = own.iter().map(|n| n.phone_number.as_str()).collect();
        assert_eq!(own, ["+16505550111"]);
    }

    #[tokio::test]
    async fn the_default_client_is_created_once_with_its_secret() {
        let f = Fixture::new().await;
        let again = ensure_default_client(f.store()).await.unwrap();
        assert!(
            again.client_secret.is_none(),
            "the secret is shown only once"
        );

        let app = f
            .backend
            .client_app(DEFAULT_CLIENT_ID)
            .await
            .unwrap()
            .unwrap();
        let secret = hash(&f.client_secret);
        assert_eq!(app.secret_hash.as_deref(), Some(secret.as_str()));
        assert_eq!(app.scope, Scope::all());
        assert!(app.grants.iter().any(|g| g == "password"));

        let reset = reset_default_client(f.store()).await.unwrap();
        let new_secret = reset.client_secret.expect("a fresh secret");
        assert_ne!(new_secret, f.client_secret);
        let app = f
            .backend
            .client_app(DEFAULT_CLIENT_ID)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(app.secret_hash, Some(hash(&new_secret)));
        assert!(f.backend.client_app("nobody").await.unwrap().is_none());
    }

    fn model<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("model JSON")
    }

    #[tokio::test]
    async fn a_custom_answering_rule_is_created_updated_and_deleted() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let rule: AnsweringRule = model(json!({"id": "", "type": "Custom",
            "name": "Holidays", "callHandlingAction": "TakeMessagesOnly"}));

        let mut created = f.backend.create_answering_rule(alice, &rule).await.unwrap();
        assert!(
            created.id.parse::<i64>().is_ok(),
            "custom rules get numeric ids"
        );
        created.name = Some("Vacation".to_owned());
        let updated = f
            .backend
            .update_answering_rule(alice, &created)
            .await
            .unwrap();
        assert_eq!(updated.and_then(|r| r.name).as_deref(), Some("Vacation"));
        assert_eq!(f.backend.answering_rules(alice).await.unwrap().len(), 3);

        assert!(
            f.backend
                .delete_answering_rule(alice, &created.id)
                .await
                .unwrap()
        );
        assert!(
            !f.backend
                .delete_answering_rule(alice, &created.id)
                .await
                .unwrap()
        );
        let gone = f
            .backend
            .update_answering_rule(alice, &created)
            .await
            .unwrap();
        assert!(gone.is_none());
    }

    #[tokio::test]
    async fn company_rules_and_ivr_menus_of_the_demo_company() {
        let f = Fixture::new().await;
        let rules = f.backend.company_answering_rules(f.account).await.unwrap();
        assert_eq!(rules.len(), 2);
        let mut rule = rules[1].clone();
        rule.enabled = false;
        let updated = f
            .backend
            .update_company_answering_rule(f.account, &rule)
            .await;
        assert_eq!(updated.unwrap().map(|r| r.enabled), Some(false));

        let menus = f.backend.ivr_menus(f.account).await.unwrap();
        assert_eq!(menus[0].extension_number, "800");
        let clash = IvrMenu {
            extension_number: "101".to_owned(),
            ..menus[0].clone()
        };
        let refused = f.backend.create_ivr_menu(f.account, &clash).await.unwrap();
        assert!(refused.is_none(), "a taken extension number is None");
    }

    #[tokio::test]
    async fn forwarding_numbers_are_created_updated_and_deleted() {
        let f = Fixture::new().await;
        let bob = f.extension_id("102").await;
        let home: ForwardingNumber = model(json!({"id": "", "phoneNumber": "+15550002222",
            "label": "Home", "type": "Home"}));

        let mut created = f
            .backend
            .create_forwarding_number(bob, &home)
            .await
            .unwrap();
        created.label = Some("Cabin".to_owned());
        let updated = f
            .backend
            .update_forwarding_number(bob, &created)
            .await
            .unwrap();
        assert_eq!(updated.and_then(|n| n.label).as_deref(), Some("Cabin"));
        assert_eq!(f.backend.forwarding_numbers(bob).await.unwrap().len(), 2);
        assert!(
            f.backend
                .delete_forwarding_number(bob, &created.id)
                .await
                .unwrap()
        );
        assert!(
            !f.backend
                .delete_forwarding_number(bob, "not-a-number")
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn one_call_log_record_is_read_only_within_its_owners_log() {
        let f = Fixture::new().await;
        let (alice, bob) = (f.extension_id("101").await, f.extension_id("102").await);
        let stored = f
            .store()
            .insert_call_log(f.account, &call(alice, 1, "Inbound"))
            .await;
        let id = stored.unwrap().id;

        let company = f
            .backend
            .call_log_record(f.account, None, &id)
            .await
            .unwrap();
        assert_eq!(company.map(|r| r.session_id).as_deref(), Some("s-1"));
        let own = f
            .backend
            .call_log_record(f.account, Some(alice), &id)
            .await
            .unwrap();
        assert!(own.is_some());
        let other = f
            .backend
            .call_log_record(f.account, Some(bob), &id)
            .await
            .unwrap();
        assert!(other.is_none());
    }

    #[tokio::test]
    async fn a_message_goes_to_the_trash_and_is_deleted_once() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let stored = f.store().insert_message(&voicemail(alice)).await.unwrap();

        let trashed = f
            .backend
            .update_message_availability(alice, stored.id, Availability::Deleted, Timestamp::now())
            .await;
        assert_eq!(
            trashed.unwrap().map(|m| m.availability),
            Some(Availability::Deleted)
        );
        let removed = f.backend.delete_message(alice, stored.id).await.unwrap();
        assert_eq!(removed.map(|m| m.id), Some(stored.id));
        assert!(
            f.backend
                .delete_message(alice, stored.id)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_demo_users_softphone_is_listed_and_read() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        let devices = f.backend.extension_devices(alice).await.unwrap();
        assert_eq!(devices.len(), 1);

        let one = f.backend.device(f.account, &devices[0].id).await.unwrap();
        assert_eq!(one.map(|d| d.name), Some(devices[0].name.clone()));
        assert!(
            f.backend
                .device(f.account, "999999")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn blobs_round_trip_and_a_bad_key_fails_without_detail() {
        let f = Fixture::new().await;
        let blobs = StoreBlobs::new(Arc::new(LocalBlobStore::new(f.dir.path().join("blobs"))));
        let key = "voicemail/101/1.wav";

        assert!(blobs.blob(key).await.unwrap().is_none());
        blobs.put_blob(key, b"RIFF".to_vec()).await.unwrap();
        assert_eq!(
            blobs.blob(key).await.unwrap().as_deref(),
            Some(&b"RIFF"[..])
        );
        blobs.delete_blob(key).await.unwrap();
        blobs.delete_blob(key).await.unwrap();
        assert!(blobs.blob(key).await.unwrap().is_none());

        let err = blobs.put_blob("../escape", Vec::new()).await.unwrap_err();
        assert_eq!(err.to_string(), "backend failure: blob storage error");
    }

    /// The real router over the store on 127.0.0.1 port 0; the sender
    /// stops it when dropped.
    async fn serve(f: &Fixture) -> (String, AppState, tokio::sync::oneshot::Sender<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = ApiConfig {
            public_base_url: base.clone(),
            ..ApiConfig::default()
        };
        let blobs = Arc::new(LocalBlobStore::new(f.dir.path().join("blobs")));
        let state = api_state(config, f.store().clone(), blobs).expect("state");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        tokio::spawn(switchboard_api::serve_on(listener, state.clone(), shutdown));
        (base, state, stop)
    }

    async fn token_grant(
        http: &reqwest::Client,
        base: &str,
        secret: &str,
        form: &[(&str, &str)],
    ) -> Value {
        let response = http
            .post(format!("{base}/restapi/oauth/token"))
            .basic_auth(DEFAULT_CLIENT_ID, Some(secret))
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        response.json().await.unwrap()
    }

    async fn list_extensions(http: &reqwest::Client, base: &str, token: &Value) -> Value {
        let access = token["access_token"].as_str().expect("access_token");
        let response = http
            .get(format!("{base}/restapi/v1.0/account/~/extension?perPage=2"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        response.json().await.unwrap()
    }

    #[tokio::test]
    async fn the_router_over_the_store_logs_in_and_lists_extensions() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        f.backend.set_password(alice, PASSWORD).await.unwrap();
        let secret = f.client_secret.clone();
        let (base, state, _stop) = serve(&f).await;
        let http = reqwest::Client::new();

        let form = [
            ("grant_type", "password"),
            ("username", MAIN_NUMBER),
            ("extension", "101"),
            ("password", PASSWORD),
        ];
        let token = token_grant(&http, &base, &secret, &form).await;
        assert_eq!(token["owner_id"], alice.to_string());
        let page = list_extensions(&http, &base, &token).await;
        assert_eq!(page["paging"]["totalElements"], 4);
        assert_eq!(page["records"][0]["extensionNumber"], "101");

        let jwt = issue_extension_jwt(&state, f.store(), alice).await.unwrap();
        let form = [("grant_type", JWT_BEARER), ("assertion", jwt.as_str())];
        let token = token_grant(&http, &base, &secret, &form).await;
        assert_eq!(token["owner_id"], alice.to_string());
    }

    #[tokio::test]
    async fn a_session_refreshed_through_the_router_ends_the_old_token() {
        let f = Fixture::new().await;
        let bob = f.extension_id("102").await;
        f.backend.set_password(bob, PASSWORD).await.unwrap();
        let (base, _state, _stop) = serve(&f).await;
        let http = reqwest::Client::new();
        let form = [("grant_type", "password"), ("username", "+16505550112")];
        let form = [&form[..], &[("password", PASSWORD)]].concat();
        let first = token_grant(&http, &base, &f.client_secret, &form).await;

        let refresh = first["refresh_token"].as_str().expect("refresh_token");
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
        let second = token_grant(&http, &base, &f.client_secret, &form).await;
        assert_eq!(second["session_id"], first["session_id"]);
        list_extensions(&http, &base, &second).await;

        let old = first["access_token"].as_str().unwrap();
        let url = format!("{base}/restapi/v1.0/account/~/extension");
        let refused = http.get(url).bearer_auth(old).send().await.unwrap();
        assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn a_database_failure_answers_500_without_its_text() {
        let f = Fixture::new().await;
        let (base, _state, _stop) = serve(&f).await;
        f.store().close().await;

        let err = f.backend.account(f.account).await.unwrap_err();
        assert_eq!(err.to_string(), "backend failure: database error");
        let response = reqwest::Client::new()
            .get(format!("{base}/restapi/v1.0/account/~"))
            .bearer_auth("any-token")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            reqwest::StatusCode::INTERNAL_SERVER_ERROR
        );
        let body = response.text().await.unwrap().to_lowercase();
        assert!(body.contains("internal server error"), "{body}");
        assert!(
            !body.contains("pool") && !body.contains("database"),
            "{body}"
        );
    }

    /// A `multipart/form-data` upload of `bytes` as the prompt `file`.
    fn prompt_form(file: &str, bytes: &[u8]) -> (String, Vec<u8>) {
        let boundary = "store-test";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; \
             filename=\"{file}\"\r\nContent-Type: audio/wav\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }

    #[tokio::test]
    async fn an_ivr_prompt_uploaded_through_the_router_is_stored_and_played_back() {
        let f = Fixture::new().await;
        let alice = f.extension_id("101").await;
        f.backend.set_password(alice, PASSWORD).await.unwrap();
        let (base, _state, _stop) = serve(&f).await;
        let http = reqwest::Client::new();
        let form = [
            ("grant_type", "password"),
            ("username", MAIN_NUMBER),
            ("extension", "101"),
            ("password", PASSWORD),
        ];
        let token = token_grant(&http, &base, &f.client_secret, &form).await;
        let access = token["access_token"].as_str().expect("access_token");
        let prompts = format!("{base}/restapi/v1.0/account/~/ivr-prompts");

        let audio = b"RIFF\x24\x00\x00\x00WAVE stored";
        let (content_type, body) = prompt_form("hello.wav", audio);
        let upload = http.post(&prompts).bearer_auth(access);
        let upload = upload.header("content-type", content_type).body(body);
        let created: Value = upload.send().await.unwrap().json().await.unwrap();
        let id = created["id"].as_str().expect("prompt id");
        let stored = f.store().get_ivr_prompt(f.account, id).await.unwrap();
        assert_eq!(stored.filename.as_deref(), Some("hello.wav"));

        let content = format!("{prompts}/{id}/content");
        let played = http.get(&content).bearer_auth(access).send().await.unwrap();
        assert_eq!(played.headers()["content-type"], "audio/wav");
        assert_eq!(played.bytes().await.unwrap().as_ref(), audio);

        let one = format!("{prompts}/{id}");
        let deleted = http.delete(&one).bearer_auth(access).send().await.unwrap();
        assert_eq!(deleted.status(), reqwest::StatusCode::NO_CONTENT);
        let gone = f.dir.path().join("blobs").join(&stored.blob_key);
        assert!(!gone.exists(), "the audio went with the record");
    }
}
