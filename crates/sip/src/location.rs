//! The location service: bindings from addresses of record to contacts,
//! the traits through which the binary supplies credentials and storage,
//! and in-memory implementations of both.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::digest::Secret;
use crate::transport::Target;

/// A boxed future, so the traits below can be used as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failure of a credential or location backend.
#[derive(Debug, thiserror::Error)]
#[error("storage backend failed: {0}")]
pub struct StoreError(pub String);

/// What the registrar needs to check one user's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCredential {
    /// The password or its HA1 values.
    pub secret: Secret,
    /// The extension (RingCentral term) that owns this device credential.
    pub extension_id: String,
    /// The user part of the address of record this credential may
    /// register, usually the auth username itself.
    pub aor_user: String,
}

/// Looks up device credentials (implemented by the store in the binary).
pub trait CredentialSource: Send + Sync + 'static {
    /// The credential for an auth username, `None` when unknown.
    fn lookup<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, Result<Option<UserCredential>, StoreError>>;
}

/// One registered contact of an address of record (RFC 3261 §10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    /// The address of record, `user@domain`.
    pub aor: String,
    /// The extension that owns it.
    pub extension_id: String,
    /// The Contact URI as registered.
    pub contact: String,
    /// When the binding lapses.
    pub expires_at: SystemTime,
    /// Call-ID of the registering client, for ordering (§10.3 step 7).
    pub call_id: String,
    /// CSeq of the last REGISTER that touched it.
    pub cseq: u32,
    /// Where the REGISTER really came from: route requests here, not to
    /// the Contact, when the device sits behind NAT.
    pub source: Target,
    /// The device's User-Agent, if sent.
    pub user_agent: Option<String>,
}

/// Persists bindings (implemented by the store in the binary).
pub trait LocationStore: Send + Sync + 'static {
    /// Every stored binding, read once at start.
    fn load_all(&self) -> BoxFuture<'_, Result<Vec<Binding>, StoreError>>;
    /// Inserts or replaces the binding of (aor, contact).
    fn upsert(&self, binding: Binding) -> BoxFuture<'_, Result<(), StoreError>>;
    /// Removes the binding of (aor, contact), if any.
    fn remove<'a>(
        &'a self,
        aor: &'a str,
        contact: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// Credentials held in memory: username -> credential.
#[derive(Debug, Default)]
pub struct MemoryCredentials {
    users: RwLock<HashMap<String, UserCredential>>,
}

impl MemoryCredentials {
    /// An empty table.
    pub fn new() -> MemoryCredentials {
        MemoryCredentials::default()
    }

    /// Adds a user whose auth username is also its AOR user.
    pub fn add_user(&self, username: &str, password: &str, extension_id: &str) {
        let cred = UserCredential {
            secret: Secret::Password(password.to_owned()),
            extension_id: extension_id.to_owned(),
            aor_user: username.to_owned(),
        };
        self.insert(username, cred);
    }

    /// Adds or replaces a credential.
    pub fn insert(&self, username: &str, cred: UserCredential) {
        let mut users = self.users.write().unwrap_or_else(|e| e.into_inner());
        users.insert(username.to_owned(), cred);
    }
}

impl CredentialSource for MemoryCredentials {
    fn lookup<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, Result<Option<UserCredential>, StoreError>> {
        let users = self.users.read().unwrap_or_else(|e| e.into_inner());
        let found = users.get(username).cloned();
        Box::pin(async move { Ok(found) })
    }
}

/// Bindings held in memory; clones share the same table, so a test can
/// hand one clone to a server and read or reload it with another.
#[derive(Debug, Default, Clone)]
pub struct MemoryLocationStore {
    bindings: Arc<Mutex<HashMap<(String, String), Binding>>>,
}

impl MemoryLocationStore {
    /// An empty store.
    pub fn new() -> MemoryLocationStore {
        MemoryLocationStore::default()
    }

    /// A snapshot of what is stored.
    pub fn snapshot(&self) -> Vec<Binding> {
        let all = self.bindings.lock().unwrap_or_else(|e| e.into_inner());
        all.values().cloned().collect()
    }
}

impl LocationStore for MemoryLocationStore {
    fn load_all(&self) -> BoxFuture<'_, Result<Vec<Binding>, StoreError>> {
        let all = self.snapshot();
        Box::pin(async move { Ok(all) })
    }

    fn upsert(&self, binding: Binding) -> BoxFuture<'_, Result<(), StoreError>> {
        let mut all = self.bindings.lock().unwrap_or_else(|e| e.into_inner());
        all.insert((binding.aor.clone(), binding.contact.clone()), binding);
        Box::pin(async { Ok(()) })
    }

    fn remove<'a>(
        &'a self,
        aor: &'a str,
        contact: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let mut all = self.bindings.lock().unwrap_or_else(|e| e.into_inner());
        all.remove(&(aor.to_owned(), contact.to_owned()));
        Box::pin(async { Ok(()) })
    }
}

/// The in-memory index the registrar and call control read.
#[derive(Debug, Default)]
pub struct Location {
    by_aor: RwLock<HashMap<String, Vec<Binding>>>,
}

impl Location {
    /// Current (unexpired) bindings of an address of record (`user@domain`).
    pub fn lookup(&self, aor: &str) -> Vec<Binding> {
        let now = SystemTime::now();
        let map = self.by_aor.read().unwrap_or_else(|e| e.into_inner());
        let list = map
            .get(&aor.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default();
        list.into_iter().filter(|b| b.expires_at > now).collect()
    }

    /// Every current binding.
    pub fn all(&self) -> Vec<Binding> {
        let map = self.by_aor.read().unwrap_or_else(|e| e.into_inner());
        let now = SystemTime::now();
        map.values()
            .flatten()
            .filter(|b| b.expires_at > now)
            .cloned()
            .collect()
    }

    pub(crate) fn put(&self, b: Binding) {
        let mut map = self.by_aor.write().unwrap_or_else(|e| e.into_inner());
        let list = map.entry(b.aor.to_ascii_lowercase()).or_default();
        list.retain(|x| x.contact != b.contact);
        list.push(b);
    }

    pub(crate) fn delete(&self, aor: &str, contact: &str) {
        let mut map = self.by_aor.write().unwrap_or_else(|e| e.into_inner());
        if let Some(list) = map.get_mut(&aor.to_ascii_lowercase()) {
            list.retain(|x| x.contact != contact);
            if list.is_empty() {
                map.remove(&aor.to_ascii_lowercase());
            }
        }
    }

    /// Removes and returns expired bindings (for the sweeper).
    pub(crate) fn take_expired(&self) -> Vec<Binding> {
        let now = SystemTime::now();
        let mut map = self.by_aor.write().unwrap_or_else(|e| e.into_inner());
        let mut gone = Vec::new();
        for list in map.values_mut() {
            let (old, keep): (Vec<_>, Vec<_>) = list.drain(..).partition(|b| b.expires_at <= now);
            *list = keep;
            gone.extend(old);
        }
        map.retain(|_, l| !l.is_empty());
        gone
    }
}
