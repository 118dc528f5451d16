//! Routing decisions as pure functions of (configuration, call, instant).
//!
//! Nothing here reads a clock, a file or a socket: the instant, the time
//! zone and the configuration are parameters, so every decision is a unit
//! test with a fixed clock.
//!
//! - [`number`]: phone numbers normalized to E.164 digits for comparison.
//! - [`schedule`]: business hours, weekly ranges and date ranges at an
//!   instant in a time zone.
//! - [`answering`]: which company or extension answering rule applies.
//! - [`call_plan`]: the ring/forward/voicemail steps of an extension's
//!   rule, and the steps of a company rule.
//! - [`call_result`]: how a call ended, as the call log's result and action.
//! - [`directory`]: dial-by-name search on the telephone keypad.
//! - [`dial_by_name`]: the dial-by-name dialog as a state machine.
//! - [`ivr`]: the IVR menu state machine, with dial-by-extension.
//! - [`toll_fraud`]: classify dialled numbers and apply a trunk's policy.

pub mod answering;
pub mod call_plan;
pub mod call_result;
pub mod dial_by_name;
pub mod directory;
pub mod ivr;
pub mod number;
pub mod schedule;
pub mod toll_fraud;

#[cfg(test)]
mod test_support;
