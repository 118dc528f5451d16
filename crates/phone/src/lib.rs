//! The phone system: the account model in RingCentral's terms and the pure
//! rules that decide where each call goes.
//!
//! - [`model`]: accounts, extensions, devices, phone numbers, schedules,
//!   answering rules, IVR menus, greetings, messages and call log records.
//! - [`rules`]: plain functions of (configuration, call, instant) that pick
//!   the answering rule, drive the IVR, search the directory and plan the
//!   ring/forward/voicemail sequence.

pub mod model;
pub mod rules;
