//! The registrar's view of the store: device credentials by SIP
//! authorization id, and registrations persisted so they survive a restart.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jiff::Timestamp;
use switchboard_sip::digest::Secret;
use switchboard_sip::location::{BoxFuture, StoreError as SipStoreError};
use switchboard_sip::{
    Binding, CredentialSource, LocationStore, Target, Transport, UserCredential,
};
use switchboard_store::{SipRegistration, Store};
use tokio::sync::{mpsc, oneshot};

/// Device credentials, looked up by the digest username (authorization id).
/// Answers are remembered for [`CREDENTIAL_TTL`]: a phone re-registering and
/// a scanner guessing passwords ask for the same few rows thousands of times
/// a second, and each database read costs a thread hop.
pub struct StoreCredentials {
    store: Store,
    cache: Mutex<HashMap<String, (Instant, Option<UserCredential>)>>,
}

/// How long a looked-up credential is reused; a password changed through the
/// API takes effect for SIP within this time.
const CREDENTIAL_TTL: Duration = Duration::from_secs(5);

/// The cache is cleared rather than grown past this many usernames.
const CREDENTIAL_CACHE_LIMIT: usize = 10_000;

impl StoreCredentials {
    fn cached(&self, username: &str) -> Option<Option<UserCredential>> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let (at, credential) = cache.get(username)?;
        (at.elapsed() < CREDENTIAL_TTL).then(|| credential.clone())
    }

    fn remember(&self, username: &str, credential: &Option<UserCredential>) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CREDENTIAL_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(username.to_owned(), (Instant::now(), credential.clone()));
    }

    async fn fetch(&self, username: &str) -> Result<Option<UserCredential>, SipStoreError> {
        let device = self.store.get_device_by_authorization_id(username).await;
        let Some(device) = device.map_err(sip_error)? else {
            return Ok(None);
        };
        let Some(extension) = device.extension else {
            return Ok(None);
        };
        Ok(Some(UserCredential {
            secret: Secret::Password(device.sip_info.password),
            extension_id: extension.id.to_string(),
            aor_user: device.sip_info.username,
        }))
    }
}

/// SIP bindings kept in the `sip_registrations` table. Writes go through
/// one writer task that commits whatever has queued up as one transaction
/// (group commit); each caller still waits until its own change is stored.
pub struct StoreLocations {
    store: Store,
    writes: mpsc::Sender<Write>,
}

enum Change {
    Upsert(SipRegistration),
    Remove { aor: String, contact: String },
}

struct Write {
    change: Change,
    done: oneshot::Sender<Result<(), String>>,
}

/// Most changes committed in one transaction.
const MAX_GROUP: usize = 512;

/// Must be called inside the tokio runtime: it spawns the writer task.
pub fn backends(store: &Store) -> (Arc<StoreCredentials>, Arc<StoreLocations>) {
    let (writes, queue) = mpsc::channel(4 * MAX_GROUP);
    tokio::spawn(write_changes(store.clone(), queue));
    let credentials = StoreCredentials {
        store: store.clone(),
        cache: Mutex::default(),
    };
    let locations = StoreLocations {
        store: store.clone(),
        writes,
    };
    (Arc::new(credentials), Arc::new(locations))
}

fn sip_error(error: switchboard_store::StoreError) -> SipStoreError {
    // The registrar logs this; the peer only ever sees a 500.
    SipStoreError(error.to_string())
}

/// Applies changes in arrival order: runs of upserts are committed together,
/// and a removal first commits the run before it so the order is kept.
async fn write_changes(store: Store, mut queue: mpsc::Receiver<Write>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while queue.recv_many(&mut group, MAX_GROUP).await > 0 {
        let mut upserts: Vec<Write> = Vec::new();
        for write in group.drain(..) {
            if let Change::Remove { aor, contact } = &write.change {
                commit_upserts(&store, std::mem::take(&mut upserts)).await;
                let result = store.remove_registration(aor, contact).await;
                let _ = write.done.send(result.map_err(|e| e.to_string()));
            } else {
                upserts.push(write);
            }
        }
        commit_upserts(&store, upserts).await;
    }
}

async fn commit_upserts(store: &Store, writes: Vec<Write>) {
    if writes.is_empty() {
        return;
    }
    let rows: Vec<SipRegistration> = writes
        .iter()
        .filter_map(|write| match &write.change {
            Change::Upsert(row) => Some(row.clone()),
            Change::Remove { .. } => None,
        })
        .collect();
    let result = store
        .upsert_registrations(&rows)
        .await
        .map_err(|e| e.to_string());
    for write in writes {
        let _ = write.done.send(result.clone());
    }
}

impl StoreLocations {
    async fn write(&self, change: Change) -> Result<(), SipStoreError> {
        let (done, result) = oneshot::channel();
        let stopped = || SipStoreError("the registration writer has stopped".into());
        self.writes
            .send(Write { change, done })
            .await
            .map_err(|_| stopped())?;
        result.await.map_err(|_| stopped())?.map_err(SipStoreError)
    }
}

impl CredentialSource for StoreCredentials {
    fn lookup<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, Result<Option<UserCredential>, SipStoreError>> {
        Box::pin(async move {
            if let Some(credential) = self.cached(username) {
                return Ok(credential);
            }
            let credential = self.fetch(username).await?;
            self.remember(username, &credential);
            Ok(credential)
        })
    }
}

impl LocationStore for StoreLocations {
    fn load_all(&self) -> BoxFuture<'_, Result<Vec<Binding>, SipStoreError>> {
        Box::pin(async move {
            let rows = self.store.load_registrations(Timestamp::now()).await;
            let rows = rows.map_err(sip_error)?;
            Ok(rows.into_iter().filter_map(binding_from_row).collect())
        })
    }

    fn upsert(&self, binding: Binding) -> BoxFuture<'_, Result<(), SipStoreError>> {
        Box::pin(self.write(Change::Upsert(row_from_binding(&binding))))
    }

    fn remove<'a>(
        &'a self,
        aor: &'a str,
        contact: &'a str,
    ) -> BoxFuture<'a, Result<(), SipStoreError>> {
        let change = Change::Remove {
            aor: aor.to_owned(),
            contact: contact.to_owned(),
        };
        Box::pin(self.write(change))
    }
}

fn row_from_binding(binding: &Binding) -> SipRegistration {
    SipRegistration {
        aor: binding.aor.clone(),
        contact_uri: binding.contact.clone(),
        source_address: binding.source.addr.to_string(),
        transport: binding.source.transport.as_str().to_owned(),
        expires_at: to_timestamp(binding.expires_at),
        call_id: binding.call_id.clone(),
        cseq: binding.cseq,
        q: None,
        instance: None,
        extension_id: binding.extension_id.parse().ok(),
        user_agent: binding.user_agent.clone(),
    }
}

/// A row that no longer parses (hand-edited, say) is skipped with a warning
/// rather than stopping the server from starting.
fn binding_from_row(row: SipRegistration) -> Option<Binding> {
    let transport = match row.transport.as_str() {
        "UDP" => Transport::Udp,
        "TCP" => Transport::Tcp,
        other => {
            tracing::warn!(aor = %row.aor, transport = other, "stored binding skipped");
            return None;
        }
    };
    let Ok(addr) = row.source_address.parse() else {
        tracing::warn!(aor = %row.aor, source = %row.source_address, "stored binding skipped");
        return None;
    };
    Some(Binding {
        aor: row.aor,
        extension_id: row
            .extension_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        contact: row.contact_uri,
        expires_at: to_system_time(row.expires_at),
        call_id: row.call_id,
        cseq: row.cseq,
        source: Target { addr, transport },
        user_agent: row.user_agent,
    })
}

fn to_timestamp(time: SystemTime) -> Timestamp {
    let millis = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    Timestamp::from_millisecond(i64::try_from(millis).unwrap_or(i64::MAX)).unwrap_or(Timestamp::MAX)
}

fn to_system_time(time: Timestamp) -> SystemTime {
    let millis = u64::try_from(time.as_millisecond()).unwrap_or(0);
    UNIX_EPOCH + Duration::from_millis(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn demo_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let config = switchboard_store::StoreConfig {
            data_dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let store = Store::open(&config).await.unwrap();
        crate::demo::create(&store, &crate::demo::DemoConfig::default())
            .await
            .unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn a_demo_device_is_found_by_its_authorization_id() {
        let (_dir, store) = demo_store().await;
        let (credentials, _) = backends(&store);

        let found = credentials
            .lookup("101")
            .await
            .unwrap()
            .expect("device 101");
        let unknown = credentials.lookup("999").await.unwrap();

        assert_eq!(found.aor_user, "101");
        assert!(matches!(found.secret, Secret::Password(ref p) if p.len() == 16));
        assert!(unknown.is_none());
    }

    #[tokio::test]
    async fn a_binding_survives_a_round_trip_through_the_store() {
        let (_dir, store) = demo_store().await;
        let (_, locations) = backends(&store);
        let binding = Binding {
            aor: "101@example.com".into(),
            extension_id: "7".into(),
            contact: "sip:101@127.0.0.1:5062".into(),
            expires_at: SystemTime::now() + Duration::from_secs(600),
            call_id: "abc".into(),
            cseq: 3,
            source: Target {
                addr: "127.0.0.1:5062".parse().unwrap(),
                transport: Transport::Tcp,
            },
            user_agent: Some("baresip".into()),
        };

        locations.upsert(binding.clone()).await.unwrap();
        let loaded = locations.load_all().await.unwrap();
        locations
            .remove(&binding.aor, &binding.contact)
            .await
            .unwrap();

        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].source, binding.source);
        assert_eq!(loaded[0].contact, binding.contact);
        assert!(locations.load_all().await.unwrap().is_empty());
    }
}
