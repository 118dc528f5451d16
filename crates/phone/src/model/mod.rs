//! The account model, in RingCentral platform terms and field names.
//!
//! Every type serializes to the JSON shape RingCentral's REST API uses
//! (camelCase fields, the platform's enum spellings), so the API layer can
//! return configuration objects almost as they are and the store can keep
//! nested configuration as JSON text. Secrets (SIP passwords, PINs) are
//! accepted on input but never serialized; the API builds the few responses
//! that must carry them (`sip-info`, provisioning) by hand.
//!
//! - [`account`]: the company account and regional settings.
//! - [`extension`]: extensions (users, departments, IVR menus, ...).
//! - [`device`]: phones and softphones with their SIP credentials.
//! - [`phone_number`]: the account's telephone numbers.
//! - [`schedule`]: business hours and the weekly/date ranges rules use.
//! - [`answering_rule`]: extension and company call handling rules.
//! - [`forwarding`]: an extension's forwarding numbers.
//! - [`ivr`]: IVR menus and IVR prompts.
//! - [`greeting`]: custom greetings.
//! - [`message`]: message store records (voicemail).
//! - [`call_log`]: call log records and their legs.
//! - [`presence`]: an extension's presence and do-not-disturb state.
//! - [`trunk`]: SIP trunks to the telephone network.

pub mod account;
pub mod answering_rule;
pub mod call_log;
pub mod common;
pub mod device;
pub mod extension;
pub mod forwarding;
pub mod greeting;
pub mod ivr;
pub mod message;
pub mod phone_number;
pub mod presence;
pub mod schedule;
pub mod trunk;

pub use account::{Account, AccountId, RegionalSettings, TimezoneInfo};
pub use answering_rule::{
    AFTER_HOURS_RULE_ID, AnsweringRule, BUSINESS_HOURS_RULE_ID, CallHandlingAction, CalledNumber,
    CallerInfo, CompanyAnsweringRule, CompanyCallHandlingAction, ForwardingInfo, ForwardingRule,
    ForwardingRuleNumber, GreetingInfo, RingingMode, RuleType, TransferInfo,
    UnconditionalForwarding, VoicemailInfo, VoicemailSettings,
};
pub use call_log::{
    CallAction, CallLegType, CallLogLeg, CallLogParty, CallLogRecord, CallResult, CallTransport,
    CallType,
};
pub use common::{Direction, ExtensionRef, IdRef};
pub use device::{Device, DeviceStatus, DeviceType, SipCredentials};
pub use extension::{Contact, Extension, ExtensionId, ExtensionStatus, ExtensionType};
pub use forwarding::{ForwardingNumber, ForwardingNumberType};
pub use greeting::{Greeting, GreetingType};
pub use ivr::{IvrAction, IvrActionKind, IvrInput, IvrMenu, IvrMenuPrompt, IvrPrompt, PromptMode};
pub use message::{
    AttachmentType, Availability, Message, MessageAttachment, MessageId, MessageParty,
    MessageStatus, MessageType, ReadStatus,
};
pub use phone_number::{PhoneNumber, PhoneNumberStatus, PhoneNumberType, UsageType};
pub use presence::{DndStatus, Presence, PresenceStatus, TelephonyStatus, UserStatus};
pub use schedule::{
    BusinessHours, DateRange, Schedule, ScheduleRef, TimeOfDay, TimeRange, WeeklyRanges,
};
pub use trunk::{DestinationPolicy, SipTransport, Trunk, TrunkCredentials};
