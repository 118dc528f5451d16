//! Integration tests: the real router on 127.0.0.1, the in-memory backend,
//! and a real HTTP client (and the RingCentral Python SDK in `sdk`).

mod conventions;
mod endpoints;
mod oauth;
mod sdk;
mod settings;
mod support;
mod tls;
