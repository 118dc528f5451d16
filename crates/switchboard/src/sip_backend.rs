//! The registrar's view of the store: device credentials by SIP
//! authorization id, and registrations persisted so they survive a restart.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::Timestamp;
use switchboard_sip::digest::Secret;
use switchboard_sip::location::{BoxFuture, StoreError as SipStoreError};
use switchboard_sip::{
    Binding, CredentialSource, LocationStore, Target, Transport, UserCredential,
};
use switchboard_store::{SipRegistration, Store};

/// Device credentials, looked up by the digest username (authorization id).
pub struct StoreCredentials {
    store: Store,
}

/// SIP bindings kept in the `sip_registrations` table.
pub struct StoreLocations {
    store: Store,
}

pub fn backends(store: &Store) -> (Arc<StoreCredentials>, Arc<StoreLocations>) {
    (
        Arc::new(StoreCredentials {
            store: store.clone(),
        }),
        Arc::new(StoreLocations {
            store: store.clone(),
        }),
    )
}

fn sip_error(error: switchboard_store::StoreError) -> SipStoreError {
    // The registrar logs this; the peer only ever sees a 500.
    SipStoreError(error.to_string())
}

impl CredentialSource for StoreCredentials {
    fn lookup<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, Result<Option<UserCredential>, SipStoreError>> {
        Box::pin(async move {
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
        })
    }
}

impl LocationStore for StoreLocations {
    fn load_all(&self) -> BoxFuture<'_, Result<Vec<Binding>, SipStoreError>> {
        Box::pin(async move {
            let rows = self.store.load_registrations(Timestamp::now()).await;
            Ok(rows
                .map_err(sip_error)?
                .into_iter()
                .filter_map(binding_from_row)
                .collect())
        })
    }

    fn upsert(&self, binding: Binding) -> BoxFuture<'_, Result<(), SipStoreError>> {
        Box::pin(async move {
            let row = row_from_binding(&binding);
            self.store
                .upsert_registration(&row)
                .await
                .map_err(sip_error)
        })
    }

    fn remove<'a>(
        &'a self,
        aor: &'a str,
        contact: &'a str,
    ) -> BoxFuture<'a, Result<(), SipStoreError>> {
        Box::pin(async move {
            self.store
                .remove_registration(aor, contact)
                .await
                .map_err(sip_error)
        })
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
