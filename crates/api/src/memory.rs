//! [`MemoryBackend`]: every backend trait over in-process maps, for tests
//! and demos. Nothing survives the process.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_phone::model::{
    AFTER_HOURS_RULE_ID, Account, AccountId, AnsweringRule, Availability, BUSINESS_HOURS_RULE_ID,
    BusinessHours, CallLogRecord, CompanyAnsweringRule, Contact, Device, Extension, ExtensionId,
    ExtensionRef, ExtensionStatus, ExtensionType, ForwardingNumber, IvrMenu, IvrPrompt, Message,
    MessageId, PhoneNumber, Presence, ReadStatus, RuleType, UsageType,
};

use crate::backend::{
    ActiveCallLog, AuthBackend, AuthCode, BackendResult, Blobs, CallLogFilter, ClientApp,
    Directory, ExtensionFilter, JwtCredential, MessageFilter, SecretHash, Slice, Subject,
    TokenHashes, TokenRecord, UserLogin,
};
use crate::oauth::secret;
use crate::paging::{PageRequest, page_of};

/// Everything the backend holds.
#[derive(Debug, Default)]
struct Inner {
    apps: HashMap<String, ClientApp>,
    accounts: HashMap<AccountId, Account>,
    /// Extensions with the account each belongs to.
    extensions: Vec<(AccountId, Extension)>,
    admins: HashSet<ExtensionId>,
    passwords: HashMap<ExtensionId, SecretHash>,
    presence: HashMap<ExtensionId, Presence>,
    phone_numbers: Vec<(AccountId, PhoneNumber)>,
    credentials: Vec<JwtCredential>,
    tokens: Vec<TokenRecord>,
    codes: Vec<AuthCode>,
    account_hours: HashMap<AccountId, BusinessHours>,
    extension_hours: HashMap<ExtensionId, BusinessHours>,
    rules: HashMap<ExtensionId, Vec<AnsweringRule>>,
    forwarding: HashMap<ExtensionId, Vec<ForwardingNumber>>,
    call_log: Vec<(AccountId, CallLogRecord)>,
    messages: Vec<Message>,
    company_rules: HashMap<AccountId, Vec<CompanyAnsweringRule>>,
    ivr_menus: Vec<(AccountId, IvrMenu)>,
    ivr_prompts: Vec<(AccountId, IvrPrompt)>,
    devices: Vec<(AccountId, Device)>,
    blobs: HashMap<String, Vec<u8>>,
    active_calls: Vec<(AccountId, CallLogRecord)>,
    /// The last id handed out; new records count up from here.
    last_id: i64,
}

/// Ids the backend assigns start above this, clear of seeded ones.
const FIRST_ID: i64 = 1_000_000;

/// An in-memory [`AuthBackend`], [`Directory`], [`Blobs`] and
/// [`ActiveCallLog`].
#[derive(Debug, Default)]
pub struct MemoryBackend {
    inner: Mutex<Inner>,
}

/// Digits of a phone number, so `+1 (650) 555-0100` matches `16505550100`.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

impl MemoryBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic in another test thread leaves the maps consistent enough.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a client app.
    pub fn add_app(&self, app: ClientApp) {
        self.lock().apps.insert(app.client_id.clone(), app);
    }

    /// Adds an account.
    pub fn add_account(&self, account: Account) {
        self.lock().accounts.insert(account.id, account);
    }

    /// Adds an extension to an account; `password` lets it log in.
    pub fn add_extension(
        &self,
        account_id: AccountId,
        extension: Extension,
        password: Option<&str>,
    ) {
        let mut inner = self.lock();
        if let Some(password) = password {
            inner.passwords.insert(extension.id, secret::hash(password));
        }
        inner.extensions.push((account_id, extension));
    }

    /// Gives an extension the administrator role.
    pub fn make_admin(&self, extension_id: ExtensionId) {
        self.lock().admins.insert(extension_id);
    }

    /// Adds a phone number to an account.
    pub fn add_phone_number(&self, account_id: AccountId, number: PhoneNumber) {
        self.lock().phone_numbers.push((account_id, number));
    }
}

impl MemoryBackend {
    /// Sets the company's business hours.
    pub fn put_account_hours(&self, account_id: AccountId, hours: BusinessHours) {
        self.lock().account_hours.insert(account_id, hours);
    }

    /// Adds an answering rule to an extension.
    pub fn add_answering_rule(&self, extension_id: ExtensionId, rule: AnsweringRule) {
        self.lock()
            .rules
            .entry(extension_id)
            .or_default()
            .push(rule);
    }

    /// Adds a forwarding number to an extension.
    pub fn add_forwarding_number(&self, extension_id: ExtensionId, number: ForwardingNumber) {
        self.lock()
            .forwarding
            .entry(extension_id)
            .or_default()
            .push(number);
    }

    /// Adds a call log record to an account.
    pub fn add_call_log(&self, account_id: AccountId, record: CallLogRecord) {
        self.lock().call_log.push((account_id, record));
    }

    /// Adds a message to its owner's message store.
    pub fn add_message(&self, message: Message) {
        self.lock().messages.push(message);
    }

    /// Adds a company answering rule.
    pub fn add_company_answering_rule(&self, account_id: AccountId, rule: CompanyAnsweringRule) {
        self.lock()
            .company_rules
            .entry(account_id)
            .or_default()
            .push(rule);
    }

    /// Adds an IVR menu (its extension is added separately).
    pub fn add_ivr_menu(&self, account_id: AccountId, menu: IvrMenu) {
        self.lock().ivr_menus.push((account_id, menu));
    }

    /// Adds a device to an account.
    pub fn add_device(&self, account_id: AccountId, device: Device) {
        self.lock().devices.push((account_id, device));
    }

    /// Stores audio under `key`.
    pub fn add_blob(&self, key: &str, bytes: Vec<u8>) {
        self.lock().blobs.insert(key.to_owned(), bytes);
    }

    /// Adds a call in progress, as call control would report it.
    pub fn add_active_call(&self, account_id: AccountId, call: CallLogRecord) {
        self.lock().active_calls.push((account_id, call));
    }
}

fn within(t: jiff::Timestamp, from: Option<jiff::Timestamp>, to: Option<jiff::Timestamp>) -> bool {
    from.is_none_or(|f| t >= f) && to.is_none_or(|to| t < to)
}

fn any_of<T: PartialEq>(accepted: &[T], value: &T) -> bool {
    accepted.is_empty() || accepted.contains(value)
}

fn call_matches(filter: &CallLogFilter, r: &CallLogRecord) -> bool {
    let owner = r.extension.as_ref().map(|e| e.id);
    filter.extension.is_none_or(|e| owner == Some(e))
        && within(r.start_time, filter.date_from, filter.date_to)
        && any_of(&filter.call_types, &r.call_type)
        && any_of(&filter.directions, &r.direction)
}

fn message_matches(filter: &MessageFilter, m: &Message) -> bool {
    within(m.creation_time, filter.date_from, filter.date_to)
        && any_of(&filter.message_types, &m.message_type)
        && any_of(&filter.directions, &m.direction)
        && any_of(&filter.read_statuses, &m.read_status)
        && any_of(&filter.availabilities, &m.availability)
}

impl Inner {
    fn next_id(&mut self) -> i64 {
        self.last_id = self.last_id.max(FIRST_ID) + 1;
        self.last_id
    }

    /// The id a new rule of `rule_type` takes: built-in rules have fixed ids.
    fn rule_id(&mut self, rule_type: RuleType) -> String {
        match rule_type {
            RuleType::BusinessHours => BUSINESS_HOURS_RULE_ID.to_owned(),
            RuleType::AfterHours => AFTER_HOURS_RULE_ID.to_owned(),
            RuleType::Custom => self.next_id().to_string(),
        }
    }

    fn extension(&self, account_id: AccountId, id: ExtensionId) -> Option<&Extension> {
        self.extensions
            .iter()
            .find(|(a, e)| *a == account_id && e.id == id)
            .map(|(_, e)| e)
    }

    /// The user a login names: an extension number alone, or a company
    /// number (main or direct) with an optional extension number.
    fn find_login(&self, login: &UserLogin) -> Option<Subject> {
        let wanted = digits(&login.username);
        let number = self
            .phone_numbers
            .iter()
            .find(|(_, n)| digits(&n.phone_number) == wanted);
        let by_number = |account: Option<AccountId>, ext_number: &str| {
            let mut all = self.extensions.iter();
            let found = all.find(|(a, e)| {
                e.extension_number == ext_number && account.is_none_or(|want| want == *a)
            });
            found.map(|(a, e)| Subject {
                account_id: *a,
                extension_id: e.id,
            })
        };
        match (number, &login.extension) {
            (Some((account, _)), Some(ext)) => by_number(Some(*account), ext),
            (Some((account, n)), None) => {
                let owner = n.extension.as_ref()?.id;
                Some(Subject {
                    account_id: *account,
                    extension_id: owner,
                })
            }
            (None, _) => by_number(None, &login.username),
        }
    }
}

#[async_trait]
impl AuthBackend for MemoryBackend {
    async fn client_app(&self, client_id: &str) -> BackendResult<Option<ClientApp>> {
        Ok(self.lock().apps.get(client_id).cloned())
    }

    async fn check_password(
        &self,
        login: &UserLogin,
        password: &str,
    ) -> BackendResult<Option<Subject>> {
        let inner = self.lock();
        let Some(subject) = inner.find_login(login) else {
            return Ok(None);
        };
        let given = secret::hash(password);
        let stored = inner.passwords.get(&subject.extension_id);
        Ok(stored
            .is_some_and(|h| secret::same(h, &given))
            .then_some(subject))
    }

    async fn insert_token(&self, token: &TokenRecord) -> BackendResult<()> {
        self.lock().tokens.push(token.clone());
        Ok(())
    }

    async fn find_access_token(&self, access_hash: &str) -> BackendResult<Option<TokenRecord>> {
        let inner = self.lock();
        Ok(inner
            .tokens
            .iter()
            .find(|t| t.hashes.access_hash == access_hash)
            .cloned())
    }

    async fn rotate_refresh_token(
        &self,
        refresh_hash: &str,
        replacement: &TokenHashes,
        now: Timestamp,
    ) -> BackendResult<Option<TokenRecord>> {
        let mut inner = self.lock();
        let Some(old) = inner
            .tokens
            .iter_mut()
            .find(|t| t.hashes.refresh_hash == refresh_hash)
        else {
            return Ok(None);
        };
        if old.revoked {
            // A used refresh token came back: end its whole session.
            let session = old.session_id.clone();
            inner
                .tokens
                .iter_mut()
                .filter(|t| t.session_id == session)
                .for_each(|t| t.revoked = true);
            return Ok(None);
        }
        if old.hashes.refresh_expires_at <= now {
            return Ok(None);
        }
        old.revoked = true;
        let new = TokenRecord {
            hashes: replacement.clone(),
            revoked: false,
            ..old.clone()
        };
        inner.tokens.push(new.clone());
        Ok(Some(new))
    }

    async fn revoke_token(&self, token_hash: &str) -> BackendResult<bool> {
        let mut inner = self.lock();
        let found = inner.tokens.iter_mut().find(|t| {
            !t.revoked
                && (t.hashes.access_hash == token_hash || t.hashes.refresh_hash == token_hash)
        });
        Ok(found.map(|t| t.revoked = true).is_some())
    }

    async fn revoke_extension_tokens(&self, extension_id: ExtensionId) -> BackendResult<u64> {
        let mut inner = self.lock();
        let live = inner
            .tokens
            .iter_mut()
            .filter(|t| t.subject.extension_id == extension_id && !t.revoked);
        Ok(live.map(|t| t.revoked = true).count() as u64)
    }

    async fn create_jwt_credential(&self, credential: &JwtCredential) -> BackendResult<()> {
        self.lock().credentials.push(credential.clone());
        Ok(())
    }

    async fn find_jwt_credential(
        &self,
        jwt_hash: &str,
        now: Timestamp,
    ) -> BackendResult<Option<JwtCredential>> {
        let inner = self.lock();
        let found = inner
            .credentials
            .iter()
            .find(|c| c.jwt_hash == jwt_hash && !c.revoked && c.expires_at.is_none_or(|t| t > now));
        Ok(found.cloned())
    }

    async fn revoke_jwt_credential(&self, id: &str) -> BackendResult<()> {
        let mut inner = self.lock();
        inner
            .credentials
            .iter_mut()
            .filter(|c| c.id == id)
            .for_each(|c| c.revoked = true);
        Ok(())
    }

    async fn create_authorization_code(&self, code: &AuthCode) -> BackendResult<()> {
        self.lock().codes.push(code.clone());
        Ok(())
    }

    async fn consume_authorization_code(
        &self,
        code_hash: &str,
        now: Timestamp,
    ) -> BackendResult<Option<AuthCode>> {
        let mut inner = self.lock();
        let index = inner.codes.iter().position(|c| c.code_hash == code_hash);
        let code = index.map(|i| inner.codes.remove(i));
        Ok(code.filter(|c| c.expires_at > now))
    }
}

fn matches(filter: &ExtensionFilter, e: &Extension) -> bool {
    filter
        .extension_number
        .as_ref()
        .is_none_or(|n| *n == e.extension_number)
        && (filter.statuses.is_empty() || filter.statuses.contains(&e.status))
        && (filter.extension_types.is_empty() || filter.extension_types.contains(&e.extension_type))
}

#[async_trait]
impl Directory for MemoryBackend {
    async fn account(&self, account_id: AccountId) -> BackendResult<Option<Account>> {
        Ok(self.lock().accounts.get(&account_id).cloned())
    }

    async fn list_extensions(
        &self,
        account_id: AccountId,
        filter: &ExtensionFilter,
        page: PageRequest,
    ) -> BackendResult<Slice<Extension>> {
        let inner = self.lock();
        let mut found: Vec<Extension> = inner
            .extensions
            .iter()
            .filter(|(a, e)| *a == account_id && matches(filter, e))
            .map(|(_, e)| e.clone())
            .collect();
        found.sort_by(|a, b| a.extension_number.cmp(&b.extension_number));
        Ok(page_of(found, page))
    }

    async fn extension(
        &self,
        account_id: AccountId,
        extension_id: ExtensionId,
    ) -> BackendResult<Option<Extension>> {
        Ok(self.lock().extension(account_id, extension_id).cloned())
    }

    async fn is_admin(
        &self,
        account_id: AccountId,
        extension_id: ExtensionId,
    ) -> BackendResult<bool> {
        let inner = self.lock();
        let exists = inner.extension(account_id, extension_id).is_some();
        Ok(exists && inner.admins.contains(&extension_id))
    }

    async fn update_extension(
        &self,
        account_id: AccountId,
        extension: &Extension,
    ) -> BackendResult<Option<Extension>> {
        let mut inner = self.lock();
        let mut all = inner.extensions.iter_mut();
        let Some((_, stored)) = all.find(|(a, e)| *a == account_id && e.id == extension.id) else {
            return Ok(None);
        };
        stored.clone_from(extension);
        Ok(Some(extension.clone()))
    }

    async fn presence(&self, extension_id: ExtensionId) -> BackendResult<Presence> {
        let inner = self.lock();
        let stored = inner.presence.get(&extension_id).cloned();
        Ok(stored.unwrap_or_else(|| Presence::new(ExtensionRef::new(extension_id))))
    }

    async fn put_presence(&self, presence: &Presence) -> BackendResult<Presence> {
        self.lock()
            .presence
            .insert(presence.extension.id, presence.clone());
        Ok(presence.clone())
    }

    async fn list_phone_numbers(
        &self,
        account_id: AccountId,
        usage_types: &[UsageType],
        page: PageRequest,
    ) -> BackendResult<Slice<PhoneNumber>> {
        let inner = self.lock();
        let mut found: Vec<PhoneNumber> = inner
            .phone_numbers
            .iter()
            .filter(|(a, _)| *a == account_id)
            .filter(|(_, n)| usage_types.is_empty() || usage_types.contains(&n.usage_type))
            .map(|(_, n)| n.clone())
            .collect();
        found.sort_by(|a, b| a.phone_number.cmp(&b.phone_number));
        Ok(page_of(found, page))
    }

    async fn account_business_hours(&self, account_id: AccountId) -> BackendResult<BusinessHours> {
        Ok(self
            .lock()
            .account_hours
            .get(&account_id)
            .cloned()
            .unwrap_or_default())
    }

    async fn put_account_business_hours(
        &self,
        account_id: AccountId,
        hours: &BusinessHours,
    ) -> BackendResult<BusinessHours> {
        self.lock().account_hours.insert(account_id, hours.clone());
        Ok(hours.clone())
    }

    async fn extension_business_hours(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Option<BusinessHours>> {
        Ok(self.lock().extension_hours.get(&extension_id).cloned())
    }

    async fn put_extension_business_hours(
        &self,
        extension_id: ExtensionId,
        hours: Option<&BusinessHours>,
    ) -> BackendResult<()> {
        let mut inner = self.lock();
        match hours {
            Some(hours) => inner.extension_hours.insert(extension_id, hours.clone()),
            None => inner.extension_hours.remove(&extension_id),
        };
        Ok(())
    }

    async fn answering_rules(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<AnsweringRule>> {
        Ok(self
            .lock()
            .rules
            .get(&extension_id)
            .cloned()
            .unwrap_or_default())
    }

    async fn forwarding_numbers(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<ForwardingNumber>> {
        Ok(self
            .lock()
            .forwarding
            .get(&extension_id)
            .cloned()
            .unwrap_or_default())
    }

    async fn call_log(
        &self,
        account_id: AccountId,
        filter: &CallLogFilter,
        page: PageRequest,
    ) -> BackendResult<Slice<CallLogRecord>> {
        let inner = self.lock();
        let mut found: Vec<CallLogRecord> = inner
            .call_log
            .iter()
            .filter(|(a, r)| *a == account_id && call_matches(filter, r))
            .map(|(_, r)| r.clone())
            .collect();
        found.sort_by_key(|r| std::cmp::Reverse(r.start_time));
        Ok(page_of(found, page))
    }

    async fn messages(
        &self,
        extension_id: ExtensionId,
        filter: &MessageFilter,
        page: PageRequest,
    ) -> BackendResult<Slice<Message>> {
        let inner = self.lock();
        let mut found: Vec<Message> = inner
            .messages
            .iter()
            .filter(|m| m.extension_id == extension_id && message_matches(filter, m))
            .cloned()
            .collect();
        found.sort_by_key(|m| std::cmp::Reverse(m.creation_time));
        Ok(page_of(found, page))
    }

    async fn message(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
    ) -> BackendResult<Option<Message>> {
        let inner = self.lock();
        let found = inner
            .messages
            .iter()
            .find(|m| m.extension_id == extension_id && m.id == message_id);
        Ok(found.cloned())
    }

    async fn update_message_read_status(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
        read_status: ReadStatus,
        now: Timestamp,
    ) -> BackendResult<Option<Message>> {
        let mut inner = self.lock();
        let mut all = inner.messages.iter_mut();
        let Some(m) = all.find(|m| m.extension_id == extension_id && m.id == message_id) else {
            return Ok(None);
        };
        m.read_status = read_status;
        m.last_modified_time = now;
        Ok(Some(m.clone()))
    }

    async fn extension_phone_numbers(
        &self,
        extension_id: ExtensionId,
    ) -> BackendResult<Vec<PhoneNumber>> {
        let inner = self.lock();
        let owned = |n: &&(AccountId, PhoneNumber)| {
            n.1.extension.as_ref().is_some_and(|e| e.id == extension_id)
        };
        Ok(inner
            .phone_numbers
            .iter()
            .filter(owned)
            .map(|(_, n)| n.clone())
            .collect())
    }

    async fn create_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule: &AnsweringRule,
    ) -> BackendResult<AnsweringRule> {
        let mut inner = self.lock();
        let id = inner.rule_id(rule.rule_type);
        let rule = AnsweringRule { id, ..rule.clone() };
        let rules = inner.rules.entry(extension_id).or_default();
        rules.push(rule.clone());
        Ok(rule)
    }

    async fn update_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule: &AnsweringRule,
    ) -> BackendResult<Option<AnsweringRule>> {
        let mut inner = self.lock();
        let rules = inner.rules.entry(extension_id).or_default();
        Ok(replace(rules, |r| r.id == rule.id, rule))
    }

    async fn delete_answering_rule(
        &self,
        extension_id: ExtensionId,
        rule_id: &str,
    ) -> BackendResult<bool> {
        let mut inner = self.lock();
        let rules = inner.rules.entry(extension_id).or_default();
        Ok(remove(rules, |r| r.id == rule_id).is_some())
    }

    async fn company_answering_rules(
        &self,
        account_id: AccountId,
    ) -> BackendResult<Vec<CompanyAnsweringRule>> {
        let inner = self.lock();
        Ok(inner
            .company_rules
            .get(&account_id)
            .cloned()
            .unwrap_or_default())
    }

    async fn create_company_answering_rule(
        &self,
        account_id: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> BackendResult<CompanyAnsweringRule> {
        let mut inner = self.lock();
        let id = inner.rule_id(rule.rule_type);
        let rule = CompanyAnsweringRule { id, ..rule.clone() };
        let rules = inner.company_rules.entry(account_id).or_default();
        rules.push(rule.clone());
        Ok(rule)
    }

    async fn update_company_answering_rule(
        &self,
        account_id: AccountId,
        rule: &CompanyAnsweringRule,
    ) -> BackendResult<Option<CompanyAnsweringRule>> {
        let mut inner = self.lock();
        let rules = inner.company_rules.entry(account_id).or_default();
        Ok(replace(rules, |r| r.id == rule.id, rule))
    }

    async fn delete_company_answering_rule(
        &self,
        account_id: AccountId,
        rule_id: &str,
    ) -> BackendResult<bool> {
        let mut inner = self.lock();
        let rules = inner.company_rules.entry(account_id).or_default();
        Ok(remove(rules, |r| r.id == rule_id).is_some())
    }

    async fn create_forwarding_number(
        &self,
        extension_id: ExtensionId,
        number: &ForwardingNumber,
    ) -> BackendResult<ForwardingNumber> {
        let mut inner = self.lock();
        let id = inner.next_id().to_string();
        let number = ForwardingNumber {
            id,
            ..number.clone()
        };
        let numbers = inner.forwarding.entry(extension_id).or_default();
        numbers.push(number.clone());
        Ok(number)
    }

    async fn update_forwarding_number(
        &self,
        extension_id: ExtensionId,
        number: &ForwardingNumber,
    ) -> BackendResult<Option<ForwardingNumber>> {
        let mut inner = self.lock();
        let numbers = inner.forwarding.entry(extension_id).or_default();
        Ok(replace(numbers, |n| n.id == number.id, number))
    }

    async fn delete_forwarding_number(
        &self,
        extension_id: ExtensionId,
        id: &str,
    ) -> BackendResult<bool> {
        let mut inner = self.lock();
        let numbers = inner.forwarding.entry(extension_id).or_default();
        Ok(remove(numbers, |n| n.id == id).is_some())
    }

    async fn update_message_availability(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
        availability: Availability,
        now: Timestamp,
    ) -> BackendResult<Option<Message>> {
        let mut inner = self.lock();
        let mut all = inner.messages.iter_mut();
        let Some(m) = all.find(|m| m.extension_id == extension_id && m.id == message_id) else {
            return Ok(None);
        };
        m.availability = availability;
        m.last_modified_time = now;
        Ok(Some(m.clone()))
    }

    async fn delete_message(
        &self,
        extension_id: ExtensionId,
        message_id: MessageId,
    ) -> BackendResult<Option<Message>> {
        let mut inner = self.lock();
        let mine = |m: &Message| m.extension_id == extension_id && m.id == message_id;
        Ok(remove(&mut inner.messages, mine))
    }

    async fn call_log_record(
        &self,
        account_id: AccountId,
        extension: Option<ExtensionId>,
        record_id: &str,
    ) -> BackendResult<Option<CallLogRecord>> {
        let inner = self.lock();
        let filter = CallLogFilter {
            extension,
            ..CallLogFilter::default()
        };
        let found = inner
            .call_log
            .iter()
            .find(|(a, r)| *a == account_id && r.id == record_id && call_matches(&filter, r));
        Ok(found.map(|(_, r)| r.clone()))
    }

    async fn ivr_menus(&self, account_id: AccountId) -> BackendResult<Vec<IvrMenu>> {
        Ok(owned_by(&self.lock().ivr_menus, account_id))
    }

    async fn create_ivr_menu(
        &self,
        account_id: AccountId,
        menu: &IvrMenu,
    ) -> BackendResult<Option<IvrMenu>> {
        let mut inner = self.lock();
        let taken = inner
            .extensions
            .iter()
            .any(|(a, e)| *a == account_id && e.extension_number == menu.extension_number);
        if taken {
            return Ok(None);
        }
        let id = inner.next_id();
        let menu = IvrMenu {
            id: id.to_string(),
            ..menu.clone()
        };
        inner
            .extensions
            .push((account_id, menu_extension(id, &menu)));
        inner.ivr_menus.push((account_id, menu.clone()));
        Ok(Some(menu))
    }

    async fn update_ivr_menu(
        &self,
        account_id: AccountId,
        menu: &IvrMenu,
    ) -> BackendResult<Option<IvrMenu>> {
        let mut inner = self.lock();
        let mut all = inner.ivr_menus.iter_mut();
        let Some((_, stored)) = all.find(|(a, m)| *a == account_id && m.id == menu.id) else {
            return Ok(None);
        };
        stored.clone_from(menu);
        // The menu's extension follows its name and number, as in the store.
        let id: ExtensionId = menu.id.parse().unwrap_or_default();
        let mut extensions = inner.extensions.iter_mut();
        if let Some((_, ext)) = extensions.find(|(a, e)| *a == account_id && e.id == id) {
            ext.name.clone_from(&menu.name);
            ext.extension_number.clone_from(&menu.extension_number);
        }
        Ok(Some(menu.clone()))
    }

    async fn ivr_prompts(&self, account_id: AccountId) -> BackendResult<Vec<IvrPrompt>> {
        Ok(owned_by(&self.lock().ivr_prompts, account_id))
    }

    async fn create_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt: &IvrPrompt,
    ) -> BackendResult<IvrPrompt> {
        let mut inner = self.lock();
        let id = inner.next_id().to_string();
        let prompt = IvrPrompt {
            id,
            ..prompt.clone()
        };
        inner.ivr_prompts.push((account_id, prompt.clone()));
        Ok(prompt)
    }

    async fn update_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt: &IvrPrompt,
    ) -> BackendResult<Option<IvrPrompt>> {
        let mut inner = self.lock();
        let mut all = inner.ivr_prompts.iter_mut();
        let Some((_, stored)) = all.find(|(a, p)| *a == account_id && p.id == prompt.id) else {
            return Ok(None);
        };
        // Only the names change; the audio stays, as in the store.
        stored.name.clone_from(&prompt.name);
        stored.filename.clone_from(&prompt.filename);
        Ok(Some(stored.clone()))
    }

    async fn delete_ivr_prompt(
        &self,
        account_id: AccountId,
        prompt_id: &str,
    ) -> BackendResult<Option<IvrPrompt>> {
        let mut inner = self.lock();
        let found = remove(&mut inner.ivr_prompts, |(a, p)| {
            *a == account_id && p.id == prompt_id
        });
        Ok(found.map(|(_, p)| p))
    }

    async fn extension_devices(&self, extension_id: ExtensionId) -> BackendResult<Vec<Device>> {
        let inner = self.lock();
        let assigned =
            |d: &&(AccountId, Device)| d.1.extension.as_ref().is_some_and(|e| e.id == extension_id);
        Ok(inner
            .devices
            .iter()
            .filter(assigned)
            .map(|(_, d)| d.clone())
            .collect())
    }

    async fn device(
        &self,
        account_id: AccountId,
        device_id: &str,
    ) -> BackendResult<Option<Device>> {
        let inner = self.lock();
        let found = inner
            .devices
            .iter()
            .find(|(a, d)| *a == account_id && d.id == device_id);
        Ok(found.map(|(_, d)| d.clone()))
    }
}

/// Replaces the first item `matches` accepts with `new`; the stored copy.
fn replace<T: Clone>(items: &mut [T], matches: impl Fn(&T) -> bool, new: &T) -> Option<T> {
    let slot = items.iter_mut().find(|item| matches(item))?;
    slot.clone_from(new);
    Some(new.clone())
}

/// Removes and returns the first item `matches` accepts.
fn remove<T>(items: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> Option<T> {
    let index = items.iter().position(matches)?;
    Some(items.remove(index))
}

/// The items of one account, in insertion order.
fn owned_by<T: Clone>(items: &[(AccountId, T)], account_id: AccountId) -> Vec<T> {
    items
        .iter()
        .filter(|(a, _)| *a == account_id)
        .map(|(_, item)| item.clone())
        .collect()
}

/// The extension an IVR menu is, as the store creates it.
fn menu_extension(id: ExtensionId, menu: &IvrMenu) -> Extension {
    Extension {
        id,
        extension_number: menu.extension_number.clone(),
        name: menu.name.clone(),
        contact: Contact::default(),
        extension_type: ExtensionType::IvrMenu,
        status: ExtensionStatus::Enabled,
        regional_settings: None,
        ivr_pin: None,
        hidden: false,
    }
}

#[async_trait]
impl Blobs for MemoryBackend {
    async fn blob(&self, key: &str) -> BackendResult<Option<Vec<u8>>> {
        Ok(self.lock().blobs.get(key).cloned())
    }

    async fn put_blob(&self, key: &str, bytes: Vec<u8>) -> BackendResult<()> {
        self.add_blob(key, bytes);
        Ok(())
    }

    async fn delete_blob(&self, key: &str) -> BackendResult<()> {
        self.lock().blobs.remove(key);
        Ok(())
    }
}

#[async_trait]
impl ActiveCallLog for MemoryBackend {
    async fn active_calls(
        &self,
        account_id: AccountId,
        extension: Option<ExtensionId>,
    ) -> BackendResult<Vec<CallLogRecord>> {
        let inner = self.lock();
        let owner = |r: &CallLogRecord| r.extension.as_ref().map(|e| e.id);
        let mut found: Vec<CallLogRecord> = inner
            .active_calls
            .iter()
            .filter(|(a, r)| *a == account_id && extension.is_none_or(|e| owner(r) == Some(e)))
            .map(|(_, r)| r.clone())
            .collect();
        found.sort_by_key(|r| std::cmp::Reverse(r.start_time));
        Ok(found)
    }
}
