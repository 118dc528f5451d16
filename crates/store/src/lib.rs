//! Persistence: the phone-system model, OAuth state and SIP registrations in
//! SQLite or PostgreSQL, and audio in a blob store.
