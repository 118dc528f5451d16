//! Integration tests: the real router on 127.0.0.1, the in-memory backend,
//! and a real HTTP client (and the RingCentral Python SDK in `sdk`).

mod call_handling;
mod conventions;
mod endpoints;
mod ivr;
mod oauth;
mod sdk;
mod settings;
mod support;
mod tls;
