//! Repository methods on [`Store`](crate::Store), one module per resource.

pub(crate) mod account;
pub(crate) mod answering_rule;
pub(crate) mod call_log;
pub(crate) mod device;
pub(crate) mod extension;
pub(crate) mod forwarding;
pub(crate) mod greeting;
pub(crate) mod ivr;
pub(crate) mod message;
pub(crate) mod phone_number;
pub(crate) mod presence;
pub(crate) mod registration;
