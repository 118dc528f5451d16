//! Routing decisions as pure functions of (configuration, call, instant).
