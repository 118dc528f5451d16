//! The store test suite; every case runs on SQLite and on PostgreSQL.

mod harness;

use jiff::{SignedDuration, Timestamp};
use switchboard_phone::model::*;
use switchboard_store::oauth::{
    AuthorizationCode, JwtCredential, NewToken, OAuthClient, TokenHashes, hash_secret,
};
use switchboard_store::{
    Backend, CallLogFilter, ExtensionFilter, MessageFilter, Page, SipRegistration, Store,
    StoreConfig, StoreError,
};

on_both!(
    migrations_run_twice_without_change,
    account_and_company_business_hours_round_trip,
    extensions_filter_page_and_reject_duplicate_numbers,
    deleting_an_extension_cascades_to_its_rules_and_unassigns_devices,
    devices_are_found_by_extension_and_sip_username,
    phone_numbers_list_by_usage_type_and_resolve_by_e164,
    extension_answering_rules_keep_builtin_ids_and_order,
    company_answering_rules_round_trip,
    forwarding_numbers_crud,
    ivr_menu_lives_with_its_extension,
    ivr_prompts_and_greetings_keep_blob_keys,
    message_store_filters_pages_and_updates_read_status,
    call_log_filters_by_date_type_direction_and_extension,
    call_log_insert_with_a_failing_leg_leaves_nothing,
    presence_defaults_then_persists,
    registrations_survive_a_reopen_and_expire,
    oauth_tokens_are_found_by_hash_and_rotate_once,
    oauth_codes_are_single_use_and_jwts_revocable,
    concurrent_creates_get_distinct_ids,
);

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + seconds).unwrap()
}

async fn account(store: &Store) -> Account {
    let account = Account {
        id: 0,
        company_name: "Acme".into(),
        main_number: "+14155550100".into(),
        operator: None,
        regional_settings: RegionalSettings {
            timezone: TimezoneInfo::named("Europe/Paris"),
        },
        status: "Confirmed".into(),
    };
    store.create_account(&account).await.unwrap()
}

fn user(number: &str, first: &str) -> Extension {
    Extension {
        id: 0,
        extension_number: number.into(),
        name: format!("{first} Smith"),
        contact: Contact {
            first_name: Some(first.into()),
            last_name: Some("Smith".into()),
            email: Some(format!("{}@acme.test", first.to_lowercase())),
            ..Contact::default()
        },
        extension_type: ExtensionType::User,
        status: ExtensionStatus::Enabled,
        regional_settings: None,
        ivr_pin: Some("1234".into()),
        hidden: false,
    }
}

async fn migrations_run_twice_without_change(store: Store, config: StoreConfig) {
    let acme = account(&store).await;
    if store.backend() == Backend::Sqlite {
        let wal = config.data_dir.join("switchboard.db-wal");
        assert!(wal.exists(), "SQLite runs in WAL mode");
    }
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    let reopened = Store::open(&config).await.unwrap();
    assert_eq!(reopened.get_account(acme.id).await.unwrap(), acme);
    reopened.close().await;
}

async fn account_and_company_business_hours_round_trip(store: Store, _: StoreConfig) {
    let mut acme = account(&store).await;
    assert_eq!(store.default_account().await.unwrap(), acme);
    assert_eq!(
        store.get_account_business_hours(acme.id).await.unwrap(),
        BusinessHours::default()
    );

    let operator = store
        .create_extension(acme.id, &user("100", "Olive"))
        .await
        .unwrap();
    acme.operator = Some(ExtensionRef::new(operator.id));
    acme.company_name = "Acme Inc".into();
    assert_eq!(store.update_account(&acme).await.unwrap(), acme);

    let nine_to_five = TimeRange {
        from: "09:00".parse().unwrap(),
        to: "17:00".parse().unwrap(),
    };
    let hours = BusinessHours::new(WeeklyRanges::weekdays(nine_to_five));
    store
        .put_account_business_hours(acme.id, &hours)
        .await
        .unwrap();
    assert_eq!(
        store.get_account_business_hours(acme.id).await.unwrap(),
        hours
    );
    assert!(matches!(
        store.get_account(acme.id + 999).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn extensions_filter_page_and_reject_duplicate_numbers(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    for (number, name) in [
        ("101", "Ann"),
        ("102", "Bob"),
        ("103", "Cid"),
        ("104", "Dee"),
    ] {
        store
            .create_extension(acme.id, &user(number, name))
            .await
            .unwrap();
    }
    let mut sales = user("200", "Sales");
    sales.extension_type = ExtensionType::Department;
    sales.status = ExtensionStatus::NotActivated;
    let sales = store.create_extension(acme.id, &sales).await.unwrap();

    let users = ExtensionFilter {
        extension_types: vec![ExtensionType::User],
        ..Default::default()
    };
    let page = store
        .list_extensions(acme.id, &users, Page::new(2, 3))
        .await
        .unwrap();
    assert_eq!(page.total_elements, 4);
    assert_eq!(page.total_pages(), 2);
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].extension_number, "104");

    let inactive = ExtensionFilter {
        statuses: vec![ExtensionStatus::NotActivated],
        ..Default::default()
    };
    let found = store
        .list_extensions(acme.id, &inactive, Page::default())
        .await
        .unwrap();
    assert_eq!(found.records, vec![sales.clone()]);

    let by_number = ExtensionFilter {
        extension_number: Some("102".into()),
        ..Default::default()
    };
    let found = store
        .list_extensions(acme.id, &by_number, Page::default())
        .await
        .unwrap();
    assert_eq!(found.records[0].name, "Bob Smith");
    assert_eq!(found.records[0].ivr_pin.as_deref(), Some("1234"));

    let duplicate = store.create_extension(acme.id, &user("101", "Eve")).await;
    assert!(matches!(duplicate, Err(StoreError::Conflict("extension"))));

    let mut bob = store
        .get_extension_by_number(acme.id, "102")
        .await
        .unwrap()
        .unwrap();
    bob.status = ExtensionStatus::Disabled;
    bob.regional_settings = Some(RegionalSettings {
        timezone: TimezoneInfo::named("UTC"),
    });
    store.update_extension(acme.id, &bob).await.unwrap();
    assert_eq!(store.get_extension(acme.id, bob.id).await.unwrap(), bob);
    assert_eq!(store.extension_account(bob.id).await.unwrap(), acme.id);
    assert!(
        store
            .get_extension_by_number(acme.id, "999")
            .await
            .unwrap()
            .is_none()
    );
}

async fn deleting_an_extension_cascades_to_its_rules_and_unassigns_devices(
    store: Store,
    _: StoreConfig,
) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    store
        .create_answering_rule(ann.id, &take_messages(RuleType::AfterHours))
        .await
        .unwrap();
    let phone = store
        .create_device(acme.id, &desk_phone(&ann, "ann-desk"))
        .await
        .unwrap();
    let hours = BusinessHours::new(WeeklyRanges::default());
    store
        .put_extension_business_hours(ann.id, Some(&hours))
        .await
        .unwrap();
    assert_eq!(
        store.get_extension_business_hours(ann.id).await.unwrap(),
        Some(hours)
    );

    store.delete_extension(acme.id, ann.id).await.unwrap();
    assert!(matches!(
        store.get_extension(acme.id, ann.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.list_answering_rules(ann.id).await.unwrap().is_empty());
    assert_eq!(
        store
            .get_device(acme.id, &phone.id)
            .await
            .unwrap()
            .extension,
        None
    );
    let again = store.delete_extension(acme.id, ann.id).await;
    assert!(matches!(again, Err(StoreError::NotFound("extension"))));
}

fn desk_phone(owner: &Extension, username: &str) -> Device {
    Device {
        id: String::new(),
        name: format!("{} desk", owner.name),
        device_type: DeviceType::HardPhone,
        extension: Some(ExtensionRef::new(owner.id)),
        status: DeviceStatus::Offline,
        sip_info: SipCredentials {
            username: username.into(),
            password: "s3cret".into(),
            authorization_id: format!("{username}-auth"),
        },
    }
}

async fn devices_are_found_by_extension_and_sip_username(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let desk = store
        .create_device(acme.id, &desk_phone(&ann, "ann-desk"))
        .await
        .unwrap();
    let mut soft = desk_phone(&ann, "ann-soft");
    soft.device_type = DeviceType::SoftPhone;
    let soft = store.create_device(acme.id, &soft).await.unwrap();

    assert_eq!(
        store.list_extension_devices(ann.id).await.unwrap(),
        vec![desk.clone(), soft]
    );
    let found = store
        .get_device_by_sip_username("ann-desk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.sip_info.password, "s3cret");
    assert!(
        store
            .get_device_by_sip_username("nobody")
            .await
            .unwrap()
            .is_none()
    );
    let taken = store
        .create_device(acme.id, &desk_phone(&ann, "ann-desk"))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict("device"))));

    store
        .set_device_status(&desk.id, DeviceStatus::Online)
        .await
        .unwrap();
    let online = store.get_device(acme.id, &desk.id).await.unwrap();
    assert_eq!(online.status, DeviceStatus::Online);
    store.delete_device(acme.id, &desk.id).await.unwrap();
    assert_eq!(store.list_extension_devices(ann.id).await.unwrap().len(), 1);
}

fn number(e164: &str, usage: UsageType, owner: Option<&Extension>) -> PhoneNumber {
    PhoneNumber {
        id: 0,
        phone_number: e164.into(),
        number_type: PhoneNumberType::VoiceFax,
        usage_type: usage,
        status: PhoneNumberStatus::Normal,
        label: None,
        extension: owner.map(|e| ExtensionRef::new(e.id)),
    }
}

async fn phone_numbers_list_by_usage_type_and_resolve_by_e164(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let main = number("+14155550100", UsageType::MainCompanyNumber, None);
    let main = store.create_phone_number(acme.id, &main).await.unwrap();
    let direct = number("+14155550101", UsageType::DirectNumber, Some(&ann));
    let direct = store.create_phone_number(acme.id, &direct).await.unwrap();

    let mains = [UsageType::MainCompanyNumber];
    let listed = store
        .list_phone_numbers(acme.id, &mains, Page::default())
        .await
        .unwrap();
    assert_eq!(listed.records, vec![main.clone()]);
    let all = store
        .list_phone_numbers(acme.id, &[], Page::default())
        .await
        .unwrap();
    assert_eq!(all.total_elements, 2);

    assert_eq!(
        store.find_phone_number("+14155550101").await.unwrap(),
        Some(direct.clone())
    );
    assert_eq!(store.find_phone_number("+10000000000").await.unwrap(), None);
    assert_eq!(
        store.list_extension_phone_numbers(ann.id).await.unwrap(),
        vec![direct]
    );
    let taken = store.create_phone_number(acme.id, &main).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))));

    let mut moved = main.clone();
    moved.extension = Some(ExtensionRef::new(ann.id));
    store.update_phone_number(acme.id, &moved).await.unwrap();
    assert_eq!(
        store.get_phone_number(acme.id, main.id).await.unwrap(),
        moved
    );
    store.delete_phone_number(acme.id, main.id).await.unwrap();
    assert_eq!(store.find_phone_number("+14155550100").await.unwrap(), None);
}

fn take_messages(rule_type: RuleType) -> AnsweringRule {
    AnsweringRule {
        id: String::new(),
        rule_type,
        name: Some(format!("{rule_type:?}")),
        enabled: true,
        schedule: None,
        called_numbers: Vec::new(),
        callers: Vec::new(),
        call_handling_action: CallHandlingAction::TakeMessagesOnly,
        forwarding: None,
        unconditional_forwarding: None,
        transfer: None,
        voicemail: Some(VoicemailInfo {
            enabled: true,
            recipient: None,
        }),
        greetings: Vec::new(),
    }
}

async fn extension_answering_rules_keep_builtin_ids_and_order(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let mut custom = take_messages(RuleType::Custom);
    custom.callers = vec![CallerInfo {
        caller_id: "+15550001".into(),
        name: None,
    }];
    custom.schedule = Some(Schedule {
        ranges: vec![DateRange {
            from: jiff::civil::date(2026, 12, 24).at(0, 0, 0, 0),
            to: jiff::civil::date(2026, 12, 26).at(0, 0, 0, 0),
        }],
        ..Schedule::default()
    });
    let custom = store.create_answering_rule(ann.id, &custom).await.unwrap();
    let after = take_messages(RuleType::AfterHours);
    let after = store.create_answering_rule(ann.id, &after).await.unwrap();
    let mut business = take_messages(RuleType::BusinessHours);
    business.call_handling_action = CallHandlingAction::ForwardCalls;
    business.forwarding = Some(ForwardingInfo {
        ringing_mode: RingingMode::Simultaneously,
        soft_phones_ring_count: Some(4),
        ..ForwardingInfo::default()
    });
    let business = store
        .create_answering_rule(ann.id, &business)
        .await
        .unwrap();

    assert_eq!(business.id, BUSINESS_HOURS_RULE_ID);
    assert_eq!(after.id, AFTER_HOURS_RULE_ID);
    assert!(custom.id.parse::<i64>().is_ok());
    let rules = store.list_answering_rules(ann.id).await.unwrap();
    assert_eq!(rules, vec![business.clone(), after, custom.clone()]);

    let twice = take_messages(RuleType::BusinessHours);
    let twice = store.create_answering_rule(ann.id, &twice).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))));

    let mut disabled = custom.clone();
    disabled.enabled = false;
    store
        .update_answering_rule(ann.id, &disabled)
        .await
        .unwrap();
    assert_eq!(
        store.get_answering_rule(ann.id, &custom.id).await.unwrap(),
        disabled
    );
    store
        .delete_answering_rule(ann.id, &custom.id)
        .await
        .unwrap();
    let gone = store.get_answering_rule(ann.id, &custom.id).await;
    assert!(matches!(gone, Err(StoreError::NotFound(_))));
}

async fn company_answering_rules_round_trip(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let menu = store.create_ivr_menu(acme.id, &main_menu()).await.unwrap();
    let rule = CompanyAnsweringRule {
        id: String::new(),
        rule_type: RuleType::BusinessHours,
        name: None,
        enabled: true,
        schedule: Some(Schedule {
            schedule_ref: Some(ScheduleRef::BusinessHours),
            ..Default::default()
        }),
        called_numbers: vec![CalledNumber {
            id: None,
            phone_number: "+14155550100".into(),
        }],
        callers: Vec::new(),
        call_handling_action: CompanyCallHandlingAction::Operator,
        extension: Some(ExtensionRef::new(menu.id.parse().unwrap())),
        greetings: Vec::new(),
    };
    let rule = store
        .create_company_answering_rule(acme.id, &rule)
        .await
        .unwrap();
    assert_eq!(
        store.list_company_answering_rules(acme.id).await.unwrap(),
        vec![rule.clone()]
    );

    let mut closed = rule.clone();
    closed.call_handling_action = CompanyCallHandlingAction::Disconnect;
    store
        .update_company_answering_rule(acme.id, &closed)
        .await
        .unwrap();
    let read = store
        .get_company_answering_rule(acme.id, &rule.id)
        .await
        .unwrap();
    assert_eq!(read, closed);
    store
        .delete_company_answering_rule(acme.id, &rule.id)
        .await
        .unwrap();
    assert!(
        store
            .list_company_answering_rules(acme.id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn forwarding_numbers_crud(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let mobile = ForwardingNumber {
        id: String::new(),
        phone_number: "+15550000001".into(),
        label: Some("My mobile".into()),
        number_type: ForwardingNumberType::Mobile,
    };
    let mobile = store
        .create_forwarding_number(ann.id, &mobile)
        .await
        .unwrap();
    let home = ForwardingNumber {
        phone_number: "+15550000002".into(),
        number_type: ForwardingNumberType::Home,
        ..mobile.clone()
    };
    let home = store.create_forwarding_number(ann.id, &home).await.unwrap();
    let listed = store.list_forwarding_numbers(ann.id).await.unwrap();
    assert_eq!(listed, vec![mobile.clone(), home.clone()]);

    let mut work = home.clone();
    work.number_type = ForwardingNumberType::Work;
    store.update_forwarding_number(ann.id, &work).await.unwrap();
    assert_eq!(
        store.get_forwarding_number(ann.id, &home.id).await.unwrap(),
        work
    );
    store
        .delete_forwarding_number(ann.id, &mobile.id)
        .await
        .unwrap();
    assert_eq!(
        store.list_forwarding_numbers(ann.id).await.unwrap(),
        vec![work]
    );
    let other = store.get_forwarding_number(ann.id + 1, &home.id).await;
    assert!(matches!(other, Err(StoreError::NotFound(_))));
}

fn main_menu() -> IvrMenu {
    IvrMenu {
        id: String::new(),
        name: "Main menu".into(),
        extension_number: "3000".into(),
        prompt_repeat_count: 2,
        prompt: IvrMenuPrompt {
            mode: PromptMode::TextToSpeech,
            audio: None,
            text: Some("Thanks for calling Acme".into()),
        },
        actions: vec![IvrAction {
            input: IvrInput::Digit1,
            action: IvrActionKind::DialByName,
            extension: None,
            phone_number: None,
        }],
    }
}

async fn ivr_menu_lives_with_its_extension(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let menu = store.create_ivr_menu(acme.id, &main_menu()).await.unwrap();
    let ext = store
        .get_extension_by_number(acme.id, "3000")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ext.id.to_string(), menu.id);
    assert_eq!(ext.extension_type, ExtensionType::IvrMenu);

    let mut renamed = menu.clone();
    renamed.name = "Night menu".into();
    renamed.extension_number = "3001".into();
    store.update_ivr_menu(acme.id, &renamed).await.unwrap();
    assert_eq!(
        store.get_ivr_menu(acme.id, &menu.id).await.unwrap(),
        renamed
    );
    assert_eq!(
        store.get_extension(acme.id, ext.id).await.unwrap().name,
        "Night menu"
    );
    assert_eq!(store.list_ivr_menus(acme.id).await.unwrap(), vec![renamed]);

    let clash = IvrMenu {
        extension_number: "3001".into(),
        ..main_menu()
    };
    let clash = store.create_ivr_menu(acme.id, &clash).await;
    assert!(matches!(clash, Err(StoreError::Conflict("extension"))));
    assert_eq!(store.list_ivr_menus(acme.id).await.unwrap().len(), 1);

    store.delete_ivr_menu(acme.id, &menu.id).await.unwrap();
    assert!(store.list_ivr_menus(acme.id).await.unwrap().is_empty());
    assert!(
        store
            .get_extension_by_number(acme.id, "3001")
            .await
            .unwrap()
            .is_none()
    );
}

async fn ivr_prompts_and_greetings_keep_blob_keys(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let prompt = IvrPrompt {
        id: String::new(),
        name: Some("Welcome".into()),
        filename: Some("welcome.wav".into()),
        content_type: "audio/wav".into(),
        blob_key: "prompts/welcome.wav".into(),
    };
    let prompt = store.create_ivr_prompt(acme.id, &prompt).await.unwrap();
    let renamed = IvrPrompt {
        name: Some("Hello".into()),
        ..prompt.clone()
    };
    assert_eq!(
        store.update_ivr_prompt(acme.id, &renamed).await.unwrap(),
        renamed
    );
    assert_eq!(
        store.list_ivr_prompts(acme.id).await.unwrap(),
        vec![renamed.clone()]
    );
    assert_eq!(
        store.delete_ivr_prompt(acme.id, &prompt.id).await.unwrap(),
        renamed
    );
    assert!(store.list_ivr_prompts(acme.id).await.unwrap().is_empty());

    let greeting = Greeting {
        id: String::new(),
        greeting_type: GreetingType::Voicemail,
        content_type: "audio/wav".into(),
        answering_rule: Some(IdRef::new(BUSINESS_HOURS_RULE_ID)),
        extension_id: Some(ann.id),
        blob_key: "greetings/101/vm.wav".into(),
    };
    let greeting = store.create_greeting(acme.id, &greeting).await.unwrap();
    assert_eq!(
        store.get_greeting(acme.id, &greeting.id).await.unwrap(),
        greeting
    );
    assert_eq!(
        store.list_extension_greetings(ann.id).await.unwrap(),
        vec![greeting.clone()]
    );
    assert!(
        store
            .list_company_greetings(acme.id)
            .await
            .unwrap()
            .is_empty()
    );
    store.delete_greeting(acme.id, &greeting.id).await.unwrap();
    assert!(
        store
            .list_extension_greetings(ann.id)
            .await
            .unwrap()
            .is_empty()
    );
}

fn voicemail(owner: &Extension, minute: i64, from: &str) -> Message {
    Message {
        id: 0,
        extension_id: owner.id,
        message_type: MessageType::VoiceMail,
        direction: Direction::Inbound,
        from: MessageParty {
            phone_number: Some(from.into()),
            ..Default::default()
        },
        to: vec![MessageParty {
            extension_number: Some(owner.extension_number.clone()),
            ..Default::default()
        }],
        creation_time: at(minute * 60),
        last_modified_time: at(minute * 60),
        read_status: ReadStatus::Unread,
        availability: Availability::Alive,
        message_status: MessageStatus::Received,
        subject: Some(format!("Voice message from {from}")),
        attachments: vec![MessageAttachment {
            id: 0,
            attachment_type: AttachmentType::AudioRecording,
            content_type: "audio/wav".into(),
            vm_duration: Some(12),
            file_name: None,
            size: Some(96_000),
            blob_key: format!("voicemail/{}/{minute}.wav", owner.id),
        }],
    }
}

async fn message_store_filters_pages_and_updates_read_status(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let mut stored = Vec::new();
    for minute in 0..5 {
        let message = voicemail(&ann, minute, &format!("+1555000000{minute}"));
        stored.push(store.insert_message(&message).await.unwrap());
    }
    assert_ne!(stored[0].attachments[0].id, 0);
    assert_eq!(
        store.get_message(ann.id, stored[0].id).await.unwrap(),
        stored[0]
    );

    let all = MessageFilter::default();
    let page = store
        .list_messages(ann.id, &all, Page::new(1, 2))
        .await
        .unwrap();
    assert_eq!(page.total_elements, 5);
    assert_eq!(page.records, vec![stored[4].clone(), stored[3].clone()]);

    let read = store.update_message_read_status(ann.id, stored[1].id, ReadStatus::Read, at(600));
    let read = read.await.unwrap();
    assert_eq!(read.read_status, ReadStatus::Read);
    assert_eq!(read.last_modified_time, at(600));
    assert_eq!(store.count_unread_voicemail(ann.id).await.unwrap(), 4);

    let unread_window = MessageFilter {
        read_statuses: vec![ReadStatus::Unread],
        date_from: Some(at(60)),
        date_to: Some(at(240)),
        message_types: vec![MessageType::VoiceMail],
        directions: vec![Direction::Inbound],
        ..MessageFilter::default()
    };
    let found = store
        .list_messages(ann.id, &unread_window, Page::default())
        .await
        .unwrap();
    assert_eq!(found.records, vec![stored[3].clone(), stored[2].clone()]);

    let sms = MessageFilter {
        message_types: vec![MessageType::SMS],
        ..Default::default()
    };
    assert_eq!(
        store
            .list_messages(ann.id, &sms, Page::default())
            .await
            .unwrap()
            .total_elements,
        0
    );

    let deleted =
        store.update_message_availability(ann.id, stored[0].id, Availability::Deleted, at(700));
    assert_eq!(deleted.await.unwrap().availability, Availability::Deleted);
    let purged = store.delete_message(ann.id, stored[0].id).await.unwrap();
    assert_eq!(
        purged.attachments[0].blob_key,
        stored[0].attachments[0].blob_key
    );
    let gone = store.get_message(ann.id, stored[0].id).await;
    assert!(matches!(gone, Err(StoreError::NotFound("message"))));
}

fn call(owner: Option<&Extension>, second: i64, direction: Direction) -> CallLogRecord {
    let leg = CallLogLeg {
        start_time: at(second),
        duration: 30,
        call_type: CallType::Voice,
        direction,
        action: CallAction::PhoneCall,
        result: CallResult::Accepted,
        from: CallLogParty {
            phone_number: Some("+15550000009".into()),
            ..Default::default()
        },
        to: CallLogParty {
            extension_number: Some("101".into()),
            ..Default::default()
        },
        leg_type: CallLegType::PstnToSip,
        extension: owner.map(|e| ExtensionRef::new(e.id)),
        transport: Some(CallTransport::PSTN),
        master: true,
    };
    CallLogRecord {
        id: String::new(),
        session_id: format!("s-{second}"),
        telephony_session_id: Some(format!("t-{second}")),
        start_time: at(second),
        duration: 30,
        call_type: CallType::Voice,
        direction,
        action: CallAction::PhoneCall,
        result: CallResult::Accepted,
        reason: None,
        from: leg.from.clone(),
        to: leg.to.clone(),
        extension: owner.map(|e| ExtensionRef::new(e.id)),
        transport: Some(CallTransport::PSTN),
        message: None,
        legs: vec![
            leg.clone(),
            CallLogLeg {
                master: false,
                result: CallResult::Missed,
                ..leg
            },
        ],
    }
}

async fn call_log_filters_by_date_type_direction_and_extension(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let mut logged = Vec::new();
    for hour in 0..6 {
        let direction = if hour % 2 == 0 {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        let owner = (hour < 4).then_some(&ann);
        logged.push(
            store
                .insert_call_log(acme.id, &call(owner, hour * 3600, direction))
                .await
                .unwrap(),
        );
    }

    let window = CallLogFilter {
        date_from: Some(at(3600)),
        date_to: Some(at(4 * 3600)),
        ..CallLogFilter::default()
    };
    let page = store
        .list_call_log(acme.id, &window, Page::default())
        .await
        .unwrap();
    let ids: Vec<_> = page.records.iter().map(|r| r.id.clone()).collect();
    assert_eq!(
        ids,
        vec![
            logged[3].id.clone(),
            logged[2].id.clone(),
            logged[1].id.clone()
        ]
    );
    assert_eq!(page.records[0], logged[3]);
    assert_eq!(page.records[0].legs.len(), 2);

    let inbound_ann = CallLogFilter {
        extension: Some(ann.id),
        directions: vec![Direction::Inbound],
        call_types: vec![CallType::Voice],
        ..CallLogFilter::default()
    };
    let page = store
        .list_call_log(acme.id, &inbound_ann, Page::new(2, 1))
        .await
        .unwrap();
    assert_eq!(page.total_elements, 2);
    assert_eq!(page.records, vec![logged[0].clone()]);

    let fax = CallLogFilter {
        call_types: vec![CallType::Fax],
        ..CallLogFilter::default()
    };
    assert!(
        store
            .list_call_log(acme.id, &fax, Page::default())
            .await
            .unwrap()
            .records
            .is_empty()
    );

    let one = store
        .get_call_log_record(acme.id, Some(ann.id), &logged[1].id)
        .await
        .unwrap();
    assert_eq!(one, logged[1]);
    let not_anns = store
        .get_call_log_record(acme.id, Some(ann.id), &logged[5].id)
        .await;
    assert!(matches!(not_anns, Err(StoreError::NotFound(_))));
    let unknown = store
        .get_call_log_record(acme.id, None, "not-a-number")
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))));
}

async fn call_log_insert_with_a_failing_leg_leaves_nothing(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let mut broken = call(Some(&ann), 0, Direction::Inbound);
    broken.legs[1].extension = Some(ExtensionRef::new(ann.id + 1_000_000));

    let failed = store.insert_call_log(acme.id, &broken).await;
    assert!(
        matches!(failed, Err(StoreError::BadReference("call log leg"))),
        "{failed:?}"
    );
    let all = store
        .list_call_log(acme.id, &CallLogFilter::default(), Page::default())
        .await;
    assert_eq!(all.unwrap().total_elements, 0);

    let fixed = store
        .insert_call_log(acme.id, &call(Some(&ann), 0, Direction::Inbound))
        .await;
    assert_eq!(fixed.unwrap().legs.len(), 2);
}

async fn presence_defaults_then_persists(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let mut presence = store.get_presence(ann.id).await.unwrap();
    assert_eq!(presence.dnd_status, DndStatus::TakeAllCalls);
    presence.dnd_status = DndStatus::DoNotAcceptAnyCalls;
    presence.telephony_status = TelephonyStatus::Ringing;
    store.put_presence(&presence).await.unwrap();
    presence.message = Some("In a meeting".into());
    store.put_presence(&presence).await.unwrap();
    assert_eq!(store.get_presence(ann.id).await.unwrap(), presence);
}

fn binding(aor: &str, contact: &str, expires: Timestamp) -> SipRegistration {
    SipRegistration {
        aor: aor.into(),
        contact_uri: contact.into(),
        source_address: "127.0.0.1:5070".into(),
        transport: "UDP".into(),
        expires_at: expires,
        call_id: "c1@host".into(),
        cseq: 1,
        q: Some(0.5),
        instance: Some("<urn:uuid:00000000-0000-0000-0000-000000000001>".into()),
        extension_id: Some(42),
        user_agent: Some("Yealink T54W".into()),
    }
}

async fn registrations_survive_a_reopen_and_expire(store: Store, config: StoreConfig) {
    let ann = "sip:101@pbx.test";
    let desk = binding(ann, "sip:101@127.0.0.1:5070", at(3600));
    let mut soft = binding(ann, "sip:101@127.0.0.1:5080;transport=tcp", at(60));
    store.upsert_registration(&desk).await.unwrap();
    store.upsert_registration(&soft).await.unwrap();
    soft.cseq = 2;
    soft.expires_at = at(120);
    store.upsert_registration(&soft).await.unwrap();
    store
        .upsert_registration(&binding("sip:102@pbx.test", "sip:102@h", at(10)))
        .await
        .unwrap();

    let reopened = Store::open(&config).await.unwrap();
    let loaded = reopened.load_registrations(at(0)).await.unwrap();
    assert_eq!(loaded.len(), 3);
    assert!(loaded.contains(&soft), "{loaded:?}");
    assert_eq!(
        reopened.load_registrations(at(100)).await.unwrap(),
        vec![desk.clone(), soft.clone()]
    );

    assert_eq!(
        reopened
            .remove_expired_registrations(at(120))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        reopened.load_registrations(at(0)).await.unwrap(),
        vec![desk.clone()]
    );
    reopened
        .remove_registration(ann, &desk.contact_uri)
        .await
        .unwrap();
    reopened
        .remove_registration(ann, &desk.contact_uri)
        .await
        .unwrap();
    store.upsert_registration(&desk).await.unwrap();
    assert_eq!(reopened.remove_registrations_of(ann).await.unwrap(), 1);
    assert!(reopened.load_registrations(at(0)).await.unwrap().is_empty());
    reopened.close().await;
}

async fn oauth_fixture(store: &Store) -> (Account, Extension, OAuthClient) {
    let acme = account(store).await;
    let ann = store
        .create_extension(acme.id, &user("101", "Ann"))
        .await
        .unwrap();
    let client = OAuthClient {
        id: "app-1".into(),
        name: "Test app".into(),
        secret_hash: Some(hash_secret("app secret")),
        grants: vec!["password".into(), "refresh_token".into()],
        redirect_uris: vec!["http://127.0.0.1/cb".into()],
        scope: "ReadAccounts CallControl".into(),
        created_at: at(0),
    };
    store.create_oauth_client(&client).await.unwrap();
    (acme, ann, client)
}

fn pair(tag: &str, issued: Timestamp) -> TokenHashes {
    TokenHashes {
        access_hash: hash_secret(&format!("access-{tag}")),
        access_expires_at: issued + SignedDuration::from_hours(1),
        refresh_hash: Some(hash_secret(&format!("refresh-{tag}"))),
        refresh_expires_at: Some(issued + SignedDuration::from_hours(24 * 7)),
    }
}

async fn oauth_tokens_are_found_by_hash_and_rotate_once(store: Store, _: StoreConfig) {
    let (acme, ann, client) = oauth_fixture(&store).await;
    assert_eq!(store.get_oauth_client("app-1").await.unwrap(), client);
    assert_eq!(hash_secret("abc").len(), 64);
    let token = NewToken {
        session_id: "session-1".into(),
        client_id: client.id.clone(),
        account_id: acme.id,
        extension_id: ann.id,
        scope: "ReadAccounts CallControl".into(),
        hashes: pair("one", at(0)),
        created_at: at(0),
    };
    let issued = store.insert_token(&token).await.unwrap();
    let found = store
        .find_access_token(&hash_secret("access-one"), at(10))
        .await
        .unwrap();
    assert_eq!(found, Some(issued.clone()));
    assert_eq!(
        store
            .find_access_token(&hash_secret("access-one"), at(3600))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.find_access_token("access-one", at(10)).await.unwrap(),
        None
    );

    let refresh_one = hash_secret("refresh-one");
    let rotated = store
        .rotate_refresh_token(&refresh_one, &pair("two", at(20)), at(20))
        .await;
    let rotated = rotated.unwrap();
    assert_eq!(rotated.token.session_id, "session-1");
    assert_eq!(rotated.token.extension_id, ann.id);
    assert_eq!(
        store
            .find_access_token(&hash_secret("access-one"), at(30))
            .await
            .unwrap(),
        None
    );
    let two = store
        .find_access_token(&hash_secret("access-two"), at(30))
        .await
        .unwrap();
    assert_eq!(two.map(|t| t.id), Some(rotated.id));

    let replay = store
        .rotate_refresh_token(&refresh_one, &pair("three", at(40)), at(40))
        .await;
    assert!(matches!(replay, Err(StoreError::Expired("refresh token"))));
    let after_replay = store
        .find_access_token(&hash_secret("access-two"), at(41))
        .await;
    assert_eq!(
        after_replay.unwrap(),
        None,
        "reuse revokes the whole session"
    );

    let other = NewToken {
        session_id: "session-2".into(),
        hashes: pair("four", at(50)),
        ..token
    };
    store.insert_token(&other).await.unwrap();
    assert!(
        store
            .revoke_token(&hash_secret("refresh-four"), at(51))
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_token(&hash_secret("refresh-four"), at(52))
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .find_access_token(&hash_secret("access-four"), at(53))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .delete_expired_oauth_state(at(3600 * 24 * 8))
            .await
            .unwrap(),
        3
    );
}

async fn oauth_codes_are_single_use_and_jwts_revocable(store: Store, _: StoreConfig) {
    let (acme, ann, client) = oauth_fixture(&store).await;
    let code = AuthorizationCode {
        code_hash: hash_secret("code-1"),
        client_id: client.id.clone(),
        account_id: acme.id,
        extension_id: ann.id,
        redirect_uri: "http://127.0.0.1/cb".into(),
        scope: "ReadAccounts".into(),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        code_challenge_method: Some("S256".into()),
        expires_at: at(60),
    };
    store.create_authorization_code(&code).await.unwrap();
    assert_eq!(
        store
            .consume_authorization_code(&code.code_hash, at(1))
            .await
            .unwrap(),
        code
    );
    let twice = store
        .consume_authorization_code(&code.code_hash, at(2))
        .await;
    assert!(matches!(twice, Err(StoreError::Expired(_))));
    let late = AuthorizationCode {
        code_hash: hash_secret("code-2"),
        ..code
    };
    store.create_authorization_code(&late).await.unwrap();
    let expired = store
        .consume_authorization_code(&late.code_hash, at(60))
        .await;
    assert!(matches!(expired, Err(StoreError::Expired(_))));

    let jwt = JwtCredential {
        id: "jti-1".into(),
        account_id: acme.id,
        extension_id: ann.id,
        token_hash: hash_secret("eyJ.jwt.sig"),
        client_ids: vec![client.id.clone()],
        created_at: at(0),
        expires_at: None,
        revoked_at: None,
    };
    store.create_jwt_credential(&jwt).await.unwrap();
    let found = store
        .find_jwt_credential(&jwt.token_hash, at(5))
        .await
        .unwrap();
    assert_eq!(found, Some(jwt.clone()));
    store.revoke_jwt_credential("jti-1", at(6)).await.unwrap();
    assert_eq!(
        store
            .find_jwt_credential(&jwt.token_hash, at(7))
            .await
            .unwrap(),
        None
    );
    let listed = store.list_jwt_credentials(ann.id).await.unwrap();
    assert_eq!(listed[0].revoked_at, Some(at(6)));
}

async fn concurrent_creates_get_distinct_ids(store: Store, _: StoreConfig) {
    let acme = account(&store).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let ext = user(&format!("{}", 500 + i), "Par");
                store.create_extension(acme.id, &ext).await.unwrap().id
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert!(
        ids.iter().all(|id| *id < (1 << 53)),
        "ids stay exact in JavaScript"
    );
}
