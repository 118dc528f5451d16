//! What the API needs from persistence and from the running phone system,
//! as four traits.
//!
//! Each method maps onto one `switchboard-store` method (named beside it),
//! so the binary implements [`AuthBackend`], [`Directory`] and [`Blobs`]
//! over the store in a few lines, and [`ActiveCallLog`] over call control's
//! registry; [`crate::memory::MemoryBackend`] implements all four for
//! tests. Secrets never cross this boundary in clear: tokens, codes, JWTs
//! and client secrets travel as [`SecretHash`]es, and passwords are checked
//! by the backend. Account data uses the `switchboard-phone` model types.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_phone::model::{
    Account, AccountId, AnsweringRule, Availability, BusinessHours, CallLogRecord, CallType,
    CompanyAnsweringRule, Device, Direction, Extension, ExtensionId, ExtensionStatus,
    ExtensionType, ForwardingNumber, IvrMenu, IvrPrompt, Message, MessageId, MessageType,
    PhoneNumber, Presence, ReadStatus, UsageType,
};

use crate::paging::PageRequest;
use crate::permission::Scope;

/// A persistence failure. Its text is logged, never sent to a client.
#[derive(Debug, thiserror::Error)]
#[error("backend failure: {0}")]
pub struct BackendError(pub Box<dyn std::error::Error + Send + Sync>);

impl BackendError {
    /// Wraps any error as a backend failure.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(e))
    }

    /// A backend that does not implement `operation` yet.
    pub fn unsupported(operation: &'static str) -> Self {
        Self(format!("{operation} is not supported by this backend").into())
    }
}

/// Result of a backend call.
pub type BackendResult<T> = Result<T, BackendError>;

/// Lowercase hex SHA-256 of a token, code, JWT or client secret (the same
/// form as `switchboard_store::oauth::hash_secret`).
pub type SecretHash = String;

/// A registered client application (store: `OAuthClient`).
#[derive(Debug, Clone)]
pub struct ClientApp {
    /// The public `client_id`.
    pub client_id: String,
    /// Display name, shown on the login page.
    pub name: String,
    /// Hash of the client secret; `None` for a public client, which must
    /// use PKCE with the authorization code grant.
    pub secret_hash: Option<SecretHash>,
    /// Redirect URIs accepted by `/restapi/oauth/authorize`, compared exactly.
    pub redirect_uris: Vec<String>,
    /// Grant types this app may use (`password`, `authorization_code`,
    /// `urn:ietf:params:oauth:grant-type:jwt-bearer`, `refresh_token`).
    pub grants: Vec<String>,
    /// Permissions the app was granted; tokens never carry more. (The store
    /// keeps none yet: give apps [`Scope::all`] until it does.)
    pub scope: Scope,
}

/// The user a token acts for: an extension of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subject {
    /// Account id.
    pub account_id: AccountId,
    /// Extension id (the token's `owner_id`).
    pub extension_id: ExtensionId,
}

/// How a user named themself at the password grant or the login page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserLogin {
    /// A phone number in E.164 (`+16505550100`) or an extension number.
    pub username: String,
    /// Extension number within the company reached by a phone number.
    pub extension: Option<String>,
}

/// Hashes and lifetimes of one access/refresh pair (store: `TokenHashes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHashes {
    /// Hash of the access token.
    pub access_hash: SecretHash,
    /// When the access token expires.
    pub access_expires_at: Timestamp,
    /// Hash of the refresh token.
    pub refresh_hash: SecretHash,
    /// When the refresh token expires.
    pub refresh_expires_at: Timestamp,
}

/// An issued token pair (store: `NewToken`/`TokenRecord`).
///
/// A refresh replaces the pair with a new one in the same session; the old
/// pair is revoked. Presenting a revoked refresh token again means it was
/// copied, so the backend revokes the whole session.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// RingCentral's `session_id`, shared by every pair of one login.
    pub session_id: String,
    /// App the tokens were issued to.
    pub client_id: String,
    /// User the tokens act for.
    pub subject: Subject,
    /// Granted permissions.
    pub scope: Scope,
    /// The secrets' hashes and lifetimes.
    pub hashes: TokenHashes,
    /// Revoked by logout, rotation or reuse detection.
    pub revoked: bool,
}

/// A pending authorization code (store: `AuthorizationCode`).
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// Hash of the code.
    pub code_hash: SecretHash,
    /// App it was issued to.
    pub client_id: String,
    /// The exact `redirect_uri` of the authorize request.
    pub redirect_uri: String,
    /// The user who logged in.
    pub subject: Subject,
    /// Granted permissions.
    pub scope: Scope,
    /// PKCE `code_challenge`, if the client sent one.
    pub code_challenge: Option<String>,
    /// `plain` or `S256`, with a challenge.
    pub code_challenge_method: Option<String>,
    /// When the code stops being valid.
    pub expires_at: Timestamp,
}

/// A JWT credential a user holds for the JWT bearer grant (store:
/// `JwtCredential`). Its JWT is signed by the server; the row is what makes
/// it revocable.
#[derive(Debug, Clone)]
pub struct JwtCredential {
    /// The JWT's `jti`.
    pub id: String,
    /// Whom it logs in as.
    pub subject: Subject,
    /// Hash of the whole JWT.
    pub jwt_hash: SecretHash,
    /// Apps allowed to present it; empty means any.
    pub client_ids: Vec<String>,
    /// Expiry, if the credential has one.
    pub expires_at: Option<Timestamp>,
    /// Revoked by the user or an admin.
    pub revoked: bool,
}

/// OAuth persistence: apps, users' credentials, tokens and codes.
#[async_trait]
pub trait AuthBackend: Send + Sync + 'static {
    /// The app with this `client_id` (store: `get_oauth_client`).
    async fn client_app(&self, client_id: &str) -> BackendResult<Option<ClientApp>>;

    /// Checks a user's password; `None` for an unknown user or a wrong
    /// password alike, so the caller cannot tell which.
    async fn check_password(
        &self,
        login: &UserLogin,
        password: &str,
    ) -> BackendResult<Option<Subject>>;

    /// Stores a newly issued pair (store: `insert_token`).
    async fn insert_token(&self, token: &TokenRecord) -> BackendResult<()>;

    /// The pair whose access token hashes to `access_hash` (store:
    /// `find_access_token`). Returning expired and revoked pairs too lets
    /// the API answer "expired" (OAU-128) rather than "invalid" (OAU-129);
    /// a backend that filters them out loses only that distinction.
    async fn find_access_token(&self, access_hash: &str) -> BackendResult<Option<TokenRecord>>;

    /// Replaces the live pair whose refresh token hashes to `refresh_hash`
    /// with `replacement` in the same session, atomically, and returns the
    /// new pair (store: `rotate_refresh_token`). `None` when the refresh
    /// token is unknown, expired or already used; in the last case the
    /// backend also revokes the whole session.
    async fn rotate_refresh_token(
        &self,
        refresh_hash: &str,
        replacement: &TokenHashes,
        now: Timestamp,
    ) -> BackendResult<Option<TokenRecord>>;

    /// Revokes the pair either of whose tokens hashes to `token_hash`;
    /// `false` if none did (store: `revoke_token`).
    async fn revoke_token(&self, token_hash: &str) -> BackendResult<bool>;

    /// Revokes every pair of one user, as when the extension is disabled;
    /// returns how many (store: `revoke_extension_tokens`).
    async fn revoke_extension_tokens(&self, extension_id: ExtensionId) -> BackendResult<u64>;

    /// Stores a JWT credential (store: `create_jwt_credential`).
    async fn create_jwt_credential(&self, credential: &JwtCredential) -> BackendResult<()>;

    /// The unrevoked, unexpired credential whose JWT hashes to `jwt_hash`
    /// (store: `find_jwt_credential`).
    async fn find_jwt_credential(
        &self,
        jwt_hash: &str,
        now: Timestamp,
    ) -> BackendResult<Option<JwtCredential>>;

    /// Revokes a JWT credential by id (store: `revoke_jwt_credential`).
    async fn revoke_jwt_credential(&self, id: &str) -> BackendResult<()>;

    /// Stores an authorization code (store: `create_authorization_code`).
    async fn create_authorization_code(&self, code: &AuthCode) -> BackendResult<()>;

    /// Marks a code used and returns it, once; `None` when unknown, used or
    /// expired (store: `consume_authorization_code`).
    async fn consume_authorization_code(
        &self,
        code_hash: &str,
        now: Timestamp,
    ) -> BackendResult<Option<AuthCode>>;
}

/// Filters of `listExtensions` (store: `ExtensionFilter`); empty lists
/// match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionFilter {
    /// Accepted types.
    pub extension_types: Vec<ExtensionType>,
    /// Accepted statuses.
    pub statuses: Vec<ExtensionStatus>,
    /// Exact extension number.
    pub extension_number: Option<String>,
}

/// Filters of the call log lists (store: `CallLogFilter`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallLogFilter {
    /// Only this extension's records (the user call log).
    pub extension: Option<ExtensionId>,
    /// Inclusive lower bound on `startTime`.
    pub date_from: Option<Timestamp>,
    /// Exclusive upper bound on `startTime`.
    pub date_to: Option<Timestamp>,
    /// Accepted call types; empty accepts all.
    pub call_types: Vec<CallType>,
    /// Accepted directions; empty accepts all.
    pub directions: Vec<Direction>,
}

/// Filters of the message store list (store: `MessageFilter`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    /// Accepted message types; empty accepts all.
    pub message_types: Vec<MessageType>,
    /// Accepted directions; empty accepts all.
    pub directions: Vec<Direction>,
    /// Accepted read statuses; empty accepts all.
    pub read_statuses: Vec<ReadStatus>,
    /// Accepted availabilities; empty accepts all.
    pub availabilities: Vec<Availability>,
    /// Inclusive lower bound on `creationTime`.
    pub date_from: Option<Timestamp>,
    /// Exclusive upper bound on `creationTime`.
    pub date_to: Option<Timestamp>,
}

/// One page of a list and the size of the whole list (store: `Paged`).
#[derive(Debug, Clone)]
pub struct Slice<T> {
    /// The records on the page, in the list's order.
    pub records: Vec<T>,
    /// Records matching the filter, on all pages.
    pub total: u64,
}

/// Account and extension data read and written by the REST endpoints.
#[async_trait]
pub trait Directory: Send + Sync + 'static {
    /// Reads an account (store: `get_account`, `NotFound` as `None`).
    async fn account(&self, account_id: AccountId) -> BackendResult<Option<Account>>;

    /// One page of an account's extensions matching `filter`, ordered by
    /// extension number (store: `list_extensions`).
    async fn list_extensions(
        &self,
        account_id: AccountId,
        filter: &ExtensionFilter,
        page: PageRequest,
    ) -> BackendResult<Slice<Extension>>;

    /// Reads one extension of an account (store: `get_extension`).
    async fn extension(
        &self,
        account_id: AccountId,
        extension_id: ExtensionId,
    ) -> BackendResult<Option<Extension>>;

    /// Whether the user holds the account's administrator role, which lets
    /// them change other extensions. Until roles are stored, the binary may
    /// answer "the operator extension only".
    async fn is_admin(
        &self,
        account_id: AccountId,
        extension_id: ExtensionId,
    ) -> BackendResult<bool>;

    /// Replaces an extension's fields; `None` if it does not exist (store:
    /// `update_extension`).
    async fn update_extension(
        &self,
        account_id: AccountId,
        extension: &Extension,
    ) -> BackendResult<Option<Extension>>;

    /// An extension's presence, the default one if never set (store:
    /// `get_presence`). The caller has checked that the extension exists.
    async fn presence(&self, extension_id: ExtensionId) -> BackendResult<Presence>;

    /// Stores the presence of `presence.extension` (store: `put_presence`).
    async fn put_presence(&self, presence: &Presence) -> BackendResult<Presence>;

    /// One page of an account's phone numbers whose usage type is in
    /// `usage_types` (all when empty) (store: `list_phone_numbers`).
    async fn list_phone_numbers(
        &self,
        account_id: AccountId,
        usage_types: &[UsageType],
        page: PageRequest,
    ) -> BackendResult<Slice<PhoneNumber>>;

    /// The company's business hours (store: `get_account_business_hours`).
    async fn account_business_hours(&self, account_id: AccountId) -> BackendResult<BusinessHours>;

    /// Replaces the company's business hours (store:
    /// `put_account_business_hours`).
    async fn put_account_business_hours(
        &self,
        account_id: AccountId,
        hours: &BusinessHours,
    ) -> BackendResult<BusinessHours>;

    /// An extension's own business hours; `None` means the company's apply
    /// (store: `get_extension_business_hours`).
    async fn extension_business_hours(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Option<BusinessHours>>;

    /// Replaces an extension's business hours (store:
    /// `put_extension_business_hours`).
    async fn put_extension_business_hours(
        &self,
        extension_id: ExtensionId,
        hours: Option<&BusinessHours>,
    ) -> BackendResult<()>;

    /// An extension's answering rules, business hours rule first (store:
    /// `list_answering_rules`).
    async fn answering_rules(&self, extension_id: ExtensionId)
    -> BackendResult<Vec<AnsweringRule>>;

    /// An extension's forwarding numbers (store: `list_forwarding_numbers`).
    async fn forwarding_numbers(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<ForwardingNumber>>;

    /// One page of call log records, newest first (store: `list_call_log`).
    async fn call_log(
        &self,
        account_id: AccountId,
        filter: &CallLogFilter,
        page: PageRequest,
    ) -> BackendResult<Slice<CallLogRecord>>;

    /// One page of an extension's messages, newest first (store:
    /// `list_messages`).
    async fn messages(
        &self,
        extension_id: ExtensionId,
        filter: &MessageFilter,
        page: PageRequest,
    ) -> BackendResult<Slice<Message>>;

    /// One message of an extension (store: `get_message`).
    async fn message(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
    ) -> BackendResult<Option<Message>>;

    /// Marks a message read or unread; `None` if it does not exist (store:
    /// `update_message_read_status`).
    async fn update_message_read_status(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
        read_status: ReadStatus,
        now: Timestamp,
    ) -> BackendResult<Option<Message>>;

    /// The numbers assigned to an extension (store:
    /// `list_extension_phone_numbers`).
    async fn extension_phone_numbers(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<PhoneNumber>>;

    /// Adds a rule to an extension; built-in types take their fixed ids,
    /// custom rules get a new numeric id (store: `create_answering_rule`).
    async fn create_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule: &AnsweringRule,
    ) -> BackendResult<AnsweringRule>;

    /// Replaces the rule with `rule.id`; `None` if there is none (store:
    /// `update_answering_rule`).
    async fn update_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule: &AnsweringRule,
    ) -> BackendResult<Option<AnsweringRule>>;

    /// Deletes a rule; `false` if there was none (store:
    /// `delete_answering_rule`).
    async fn delete_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule_id: &str,
    ) -> BackendResult<bool>;

    /// The company's rules, business hours rule first (store:
    /// `list_company_answering_rules`).
    async fn company_answering_rules(
        &self,
        account_id: AccountId,
    ) -> BackendResult<Vec<CompanyAnsweringRule>>;

    /// Adds a company rule, ids as for extension rules (store:
    /// `create_company_answering_rule`).
    async fn create_company_answering_rule(
        &self,
        account_id: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> BackendResult<CompanyAnsweringRule>;

    /// Replaces the company rule with `rule.id`; `None` if there is none
    /// (store: `update_company_answering_rule`).
    async fn update_company_answering_rule(
        &self,
        account_id: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> BackendResult<Option<CompanyAnsweringRule>>;

    /// Deletes a company rule; `false` if there was none (store:
    /// `delete_company_answering_rule`).
    async fn delete_company_answering_rule(
        &self,
        account_id: AccountId,
        rule_id: &str,
    ) -> BackendResult<bool>;

    /// Adds a forwarding number, assigning its id (store:
    /// `create_forwarding_number`).
    async fn create_forwarding_number(
        &self,
        extension_id: ExtensionId,
        number: &ForwardingNumber,
    ) -> BackendResult<ForwardingNumber>;

    /// Replaces the forwarding number with `number.id`; `None` if there is
    /// none (store: `update_forwarding_number`).
    async fn update_forwarding_number(
        &self,
        extension_id: ExtensionId,
        number: &ForwardingNumber,
    ) -> BackendResult<Option<ForwardingNumber>>;

    /// Deletes a forwarding number; `false` if there was none (store:
    /// `delete_forwarding_number`).
    async fn delete_forwarding_number(
        &self,
        extension_id: ExtensionId,
        id: &str,
    ) -> BackendResult<bool>;

    /// Moves a message to `Deleted` (the trash) or back to `Alive`; `None`
    /// if it does not exist (store: `update_message_availability`).
    async fn update_message_availability(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
        availability: Availability,
        now: Timestamp,
    ) -> BackendResult<Option<Message>>;

    /// Removes a message for good and returns it, so the caller can delete
    /// its attachments' audio; `None` if there was none (store:
    /// `delete_message`).
    async fn delete_message(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
    ) -> BackendResult<Option<Message>>;

    /// One call log record of the account, of one extension's log when
    /// `extension` is set (store: `get_call_log_record`).
    async fn call_log_record(
        &self,
        account_id: AccountId,
        extension: Option<ExtensionId>,
        record_id: &str,
    ) -> BackendResult<Option<CallLogRecord>>;

    /// The account's IVR menus, by id (store: `list_ivr_menus`).
    async fn ivr_menus(&self, account_id: AccountId) -> BackendResult<Vec<IvrMenu>>;

    /// Creates an IVR menu and the extension it is, assigning the id both
    /// share; `None` when its extension number is taken (store:
    /// `create_ivr_menu`, `Conflict` as `None`).
    async fn create_ivr_menu(
        &self,
        account_id: AccountId,
        menu: &IvrMenu,
    ) -> BackendResult<Option<IvrMenu>>;

    /// Replaces the IVR menu with `menu.id`; `None` if there is none
    /// (store: `update_ivr_menu`).
    async fn update_ivr_menu(
        &self,
        account_id: AccountId,
        menu: &IvrMenu,
    ) -> BackendResult<Option<IvrMenu>>;

    /// The account's IVR prompts, by id (store: `list_ivr_prompts`).
    async fn ivr_prompts(&self, account_id: AccountId) -> BackendResult<Vec<IvrPrompt>>;

    /// Records a prompt whose audio is already stored under its
    /// `blob_key`, assigning its id (store: `create_ivr_prompt`).
    async fn create_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt: &IvrPrompt,
    ) -> BackendResult<IvrPrompt>;

    /// Renames the prompt with `prompt.id`; `None` if there is none (store:
    /// `update_ivr_prompt`).
    async fn update_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt: &IvrPrompt,
    ) -> BackendResult<Option<IvrPrompt>>;

    /// Deletes a prompt's record and returns it, so the caller can delete
    /// its audio; `None` if there was none (store: `delete_ivr_prompt`).
    async fn delete_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt_id: &str,
    ) -> BackendResult<Option<IvrPrompt>>;

    /// The devices assigned to an extension (store:
    /// `list_extension_devices`).
    async fn extension_devices(&self, extension_id: ExtensionId) -> BackendResult<Vec<Device>>;

    /// One device of the account (store: `get_device`).
    async fn device(&self, account_id: AccountId, device_id: &str)
    -> BackendResult<Option<Device>>;
}

/// Audio kept outside the database: voicemail, IVR prompts, greetings
/// (store: `BlobStore`). Keys come from the records that own the audio
/// (`blob_key`), never from a client.
#[async_trait]
pub trait Blobs: Send + Sync + 'static {
    /// The bytes under `key`; `None` when absent (store: `BlobStore::get`,
    /// `NotFound` as `None`).
    async fn blob(&self, key: &str) -> BackendResult<Option<Vec<u8>>>;

    /// Stores `bytes` under `key`, replacing any earlier content (store:
    /// `BlobStore::put`).
    async fn put_blob(&self, key: &str, bytes: Vec<u8>) -> BackendResult<()>;

    /// Removes `key`; an absent key is not an error (store:
    /// `BlobStore::delete`).
    async fn delete_blob(&self, key: &str) -> BackendResult<()>;
}

/// The calls in progress, from call control's registry: the binary
/// implements it; without one, nothing is ever active.
#[async_trait]
pub trait ActiveCallLog: Send + Sync + 'static {
    /// The account's calls in progress, shaped like call log records
    /// (`result` "In Progress"), newest first; only those whose
    /// `extension` is `extension` when set.
    async fn active_calls(
        &self,
        account_id: AccountId,
        extension: Option<ExtensionId>,
    ) -> BackendResult<Vec<CallLogRecord>>;
}

/// The [`ActiveCallLog`] of a server without call control: no calls.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoActiveCalls;

#[async_trait]
impl ActiveCallLog for NoActiveCalls {
    async fn active_calls(
        &self,
        _account_id: AccountId,
        _extension: Option<ExtensionId>,
    ) -> BackendResult<Vec<CallLogRecord>> {
        Ok(Vec::new())
    }
}

/// The [`Blobs`] of a server without audio storage: every key is absent
/// and writes fail, so uploads answer 500 rather than lose the audio.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoBlobs;

#[async_trait]
impl Blobs for NoBlobs {
    async fn blob(&self, _key: &str) -> BackendResult<Option<Vec<u8>>> {
        Ok(None)
    }

    async fn put_blob(&self, _key: &str, _bytes: Vec<u8>) -> BackendResult<()> {
        Err(BackendError::unsupported("put_blob"))
    }

    async fn delete_blob(&self, _key: &str) -> BackendResult<()> {
        Ok(())
    }
}
