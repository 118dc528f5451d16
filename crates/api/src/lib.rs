//! The RingCentral-compatible REST API and its OAuth 2.0 endpoints.
