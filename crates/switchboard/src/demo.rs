//! The demo company: what `switchboard init --demo` (and `serve` on an empty
//! data directory) creates, so a newcomer can register a phone and call in
//! within a minute. Written in RingCentral's own JSON shapes.

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchboard_phone::model::{
    Account, AnsweringRule, BusinessHours, CompanyAnsweringRule, Device, Extension, ExtensionId,
    ExtensionRef, ForwardingNumber, IvrMenu, PhoneNumber,
};
use switchboard_store::Store;

/// The `[demo]` section: what the demo company looks like.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemoConfig {
    /// Create the demo company when `serve` starts on an empty database.
    pub create_on_empty: bool,
    /// The company's name, spoken by the auto-attendant.
    pub company_name: String,
    /// The company's time zone (IANA name); business hours are Mon-Fri 9-17 in it.
    pub time_zone: String,
    /// The main number, in E.164, that trunk calls arrive on.
    pub main_number: String,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            create_on_empty: true,
            company_name: "Example Company".to_owned(),
            time_zone: "America/New_York".to_owned(),
            main_number: "+16505550100".to_owned(),
        }
    }
}

/// One demo user, as printed once for the operator.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub extension_id: ExtensionId,
    pub extension_number: String,
    pub name: String,
    pub sip_username: String,
    pub sip_password: String,
    pub direct_number: String,
}

/// What was created, for printing.
#[derive(Debug, Clone)]
pub struct DemoCompany {
    pub account: Account,
    pub users: Vec<DemoUser>,
    pub ivr_extension_number: String,
}

struct Person {
    number: &'static str,
    first: &'static str,
    last: &'static str,
    mobile: &'static str,
}

const PEOPLE: [Person; 3] = [
    Person {
        number: "101",
        first: "Alice",
        last: "Anders",
        mobile: "+16505550181",
    },
    Person {
        number: "102",
        first: "Bob",
        last: "Baker",
        mobile: "+16505550182",
    },
    Person {
        number: "103",
        first: "Carol",
        last: "Chen",
        mobile: "+16505550183",
    },
];

const IVR_EXTENSION_NUMBER: &str = "800";

/// Creates the demo company in an empty store.
pub async fn create(store: &Store, config: &DemoConfig) -> Result<DemoCompany> {
    let account = store.create_account(&account(config)?).await?;
    store
        .put_account_business_hours(account.id, &weekday_hours()?)
        .await?;

    let mut users = Vec::new();
    let mut extension_ids = Vec::new();
    for (index, person) in PEOPLE.iter().enumerate() {
        let (user, id) = create_user(store, &account, person, index).await?;
        users.push(user);
        extension_ids.push(id);
    }

    // The first user is the operator, which also makes her the company's
    // administrator for the API (company call log, company rules).
    let mut account = account;
    account.operator = Some(ExtensionRef {
        id: extension_ids[0],
        ..Default::default()
    });
    let account = store.update_account(&account).await?;

    let menu = ivr_menu(config, &extension_ids)?;
    let menu = store.create_ivr_menu(account.id, &menu).await?;
    for rule in company_rules(config, &menu)? {
        store
            .create_company_answering_rule(account.id, &rule)
            .await?;
    }
    let main = phone_number(&config.main_number, "MainCompanyNumber", None)?;
    store.create_phone_number(account.id, &main).await?;

    Ok(DemoCompany {
        account,
        users,
        ivr_extension_number: menu.extension_number,
    })
}

/// What an API client needs to log in to the demo company.
#[derive(Debug, Clone)]
pub struct ApiAccess {
    pub client_id: String,
    /// Shown only when this start created the app.
    pub client_secret: Option<String>,
    /// Per user: (extension number, password for the password grant, JWT credential).
    pub users: Vec<(String, String, String)>,
}

/// Creates the default OAuth app, and an API password and a JWT credential
/// for each demo user.
pub async fn grant_api_access(
    store: &Store,
    api: &switchboard_api::AppState,
    company: &DemoCompany,
) -> Result<ApiAccess> {
    let client = crate::api_backend::ensure_default_client(store).await?;
    let backend = crate::api_backend::StoreBackend::new(store.clone());

    let mut users = Vec::new();
    for user in &company.users {
        let password = random_secret(16);
        backend
            .set_password(user.extension_id, &password)
            .await
            .map_err(|e| anyhow::anyhow!("cannot set the API password: {e}"))?;
        let jwt = crate::api_backend::issue_extension_jwt(api, store, user.extension_id).await?;
        users.push((user.extension_number.clone(), password, jwt));
    }
    Ok(ApiAccess {
        client_id: client.client_id,
        client_secret: client.client_secret,
        users,
    })
}

/// What the operator is shown at the first start: passwords and secrets.
pub fn summary(company: &DemoCompany, access: &ApiAccess) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Created the demo company {:?}.",
        company.account.company_name
    );
    let _ = writeln!(
        out,
        "Main number {} reaches the auto-attendant (extension {}).",
        company.account.main_number, company.ivr_extension_number
    );
    let _ = writeln!(out, "\nSIP accounts:");
    for user in &company.users {
        let _ = writeln!(
            out,
            "  extension {}  {:<13} username {}  password {}  direct number {}",
            user.extension_number,
            user.name,
            user.sip_username,
            user.sip_password,
            user.direct_number
        );
    }
    let _ = writeln!(out, "\nREST API (RingCentral-compatible):");
    let _ = writeln!(out, "  client id      {}", access.client_id);
    if let Some(secret) = &access.client_secret {
        let _ = writeln!(out, "  client secret  {secret}");
    }
    for (number, password, jwt) in &access.users {
        let _ = writeln!(out, "  extension {number}  password {password}");
        let _ = writeln!(out, "    JWT {jwt}");
    }
    out
}

/// Prints the summary and keeps a copy, readable by the owner only, as
/// `demo-credentials.txt` in the data directory (scripts/demo-call reads it).
pub fn announce(
    data_dir: &std::path::Path,
    company: &DemoCompany,
    access: &ApiAccess,
) -> Result<()> {
    let text = summary(company, access);
    print!("{text}");
    let path = data_dir.join("demo-credentials.txt");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    println!(
        "\nThese credentials are not printed again; a copy is in {}",
        path.display()
    );
    Ok(())
}

fn account(config: &DemoConfig) -> Result<Account> {
    from_json(json!({
        "id": 0,
        "companyName": config.company_name,
        "mainNumber": config.main_number,
        "regionalSettings": { "timezone": { "name": config.time_zone } },
        "status": "Confirmed",
    }))
}

fn weekday_hours() -> Result<BusinessHours> {
    let nine_to_five = json!([{ "from": "09:00", "to": "17:00" }]);
    from_json(json!({ "schedule": { "weeklyRanges": {
        "monday": nine_to_five, "tuesday": nine_to_five, "wednesday": nine_to_five,
        "thursday": nine_to_five, "friday": nine_to_five,
    }}}))
}

async fn create_user(
    store: &Store,
    account: &Account,
    person: &Person,
    index: usize,
) -> Result<(DemoUser, ExtensionId)> {
    let extension: Extension = from_json(json!({
        "id": 0,
        "extensionNumber": person.number,
        "name": format!("{} {}", person.first, person.last),
        "contact": {
            "firstName": person.first,
            "lastName": person.last,
            "email": format!("{}@example.com", person.first.to_lowercase()),
        },
        "type": "User",
        "status": "Enabled",
    }))?;
    let extension = store.create_extension(account.id, &extension).await?;

    let password = random_secret(16);
    let device: Device = from_json(json!({
        "id": "",
        "name": format!("{}'s softphone", person.first),
        "type": "SoftPhone",
        "extension": { "id": extension.id },
        "status": "Offline",
        "sipInfo": {
            "username": person.number,
            "password": password,
            "authorizationId": person.number,
        },
    }))?;
    store.create_device(account.id, &device).await?;

    let direct = format!("+1650555011{}", index + 1);
    let number = phone_number(&direct, "DirectNumber", Some(extension.id))?;
    store.create_phone_number(account.id, &number).await?;

    let mobile: ForwardingNumber = from_json(json!({
        "id": "", "phoneNumber": person.mobile, "label": "Mobile", "type": "Mobile",
    }))?;
    let mobile = store
        .create_forwarding_number(extension.id, &mobile)
        .await?;
    for rule in user_rules(&mobile)? {
        store.create_answering_rule(extension.id, &rule).await?;
    }

    let user = DemoUser {
        extension_id: extension.id,
        extension_number: person.number.to_owned(),
        name: extension.name.clone(),
        sip_username: person.number.to_owned(),
        sip_password: password,
        direct_number: direct,
    };
    Ok((user, extension.id))
}

/// In business hours: ring the softphone, then the mobile, then voicemail.
/// After hours: straight to voicemail.
fn user_rules(mobile: &ForwardingNumber) -> Result<Vec<AnsweringRule>> {
    let business = from_json(json!({
        "id": "business-hours-rule",
        "type": "BusinessHours",
        "enabled": true,
        "callHandlingAction": "ForwardCalls",
        "forwarding": {
            "notifyMySoftPhones": true,
            "softPhonesRingCount": 2,
            "ringingMode": "Sequentially",
            "rules": [{
                "index": 1, "ringCount": 2, "enabled": true,
                "forwardingNumbers": [{
                    "id": mobile.id, "phoneNumber": mobile.phone_number,
                    "label": "Mobile", "type": "Mobile",
                }],
            }],
        },
        "voicemail": { "enabled": true },
    }))?;
    let after_hours = from_json(json!({
        "id": "after-hours-rule",
        "type": "AfterHours",
        "enabled": true,
        "callHandlingAction": "TakeMessagesOnly",
        "voicemail": { "enabled": true },
    }))?;
    Ok(vec![business, after_hours])
}

fn ivr_menu(config: &DemoConfig, extension_ids: &[ExtensionId]) -> Result<IvrMenu> {
    let names: Vec<String> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, p)| format!("For {} {}, press {}.", p.first, p.last, i + 1))
        .collect();
    let text = format!(
        "Thank you for calling {}. If you know your party's extension, dial it now. {} \
         To search the company directory by name, press 9.",
        config.company_name,
        names.join(" ")
    );

    let mut actions: Vec<Value> = PEOPLE
        .iter()
        .zip(extension_ids)
        .enumerate()
        .map(|(i, (p, id))| {
            json!({ "input": (i + 1).to_string(), "action": "Connect",
                    "extension": { "id": id, "extensionNumber": p.number } })
        })
        .collect();
    actions.push(json!({ "input": "9", "action": "DialByName" }));
    actions.push(json!({ "input": "Star", "action": "Repeat" }));

    from_json(json!({
        "id": "",
        "name": "Main Menu",
        "extensionNumber": IVR_EXTENSION_NUMBER,
        "promptRepeatCount": 2,
        "prompt": { "mode": "TextToSpeech", "text": text },
        "actions": actions,
    }))
}

/// Both in and after business hours, calls to the main number reach the
/// auto-attendant; each extension's own rules then apply.
fn company_rules(config: &DemoConfig, menu: &IvrMenu) -> Result<Vec<CompanyAnsweringRule>> {
    let target = json!({ "id": menu.id.parse::<i64>().unwrap_or_default() });
    let called = json!([{ "phoneNumber": config.main_number }]);
    ["BusinessHours", "AfterHours"]
        .into_iter()
        .map(|kind| {
            let id = if kind == "BusinessHours" {
                "business-hours-rule"
            } else {
                "after-hours-rule"
            };
            from_json(json!({
                "id": id, "type": kind, "enabled": true, "calledNumbers": called,
                "callHandlingAction": "Bypass", "extension": target,
            }))
        })
        .collect()
}

fn phone_number(e164: &str, usage: &str, owner: Option<i64>) -> Result<PhoneNumber> {
    let mut value = json!({
        "id": 0, "phoneNumber": e164, "type": "VoiceOnly", "usageType": usage,
        "status": "Normal",
    });
    if let Some(id) = owner {
        value["extension"] = json!({ "id": id });
    }
    from_json(value)
}

fn from_json<T: DeserializeOwned>(value: Value) -> Result<T> {
    let what = std::any::type_name::<T>();
    serde_json::from_value(value).with_context(|| format!("demo data does not fit {what}"))
}

/// A password of letters and digits that survives copying from a terminal.
fn random_secret(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_demo_company_is_created_in_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        let config = switchboard_store::StoreConfig {
            data_dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let store = Store::open(&config).await.unwrap();

        let demo = create(&store, &DemoConfig::default()).await.unwrap();

        assert_eq!(demo.users.len(), 3);
        assert_eq!(demo.ivr_extension_number, "800");
        let device = store
            .get_device_by_sip_username("101")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(device.sip_info.password, demo.users[0].sip_password);
        let main = store.find_phone_number("+16505550100").await.unwrap();
        assert!(main.is_some(), "the main number is stored");
    }
}
