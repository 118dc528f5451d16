//! Per (user, app, throttling group) sliding-window rate limits and the
//! `X-Rate-Limit-*` headers that report them.
//!
//! Counts live in this process only. With several Switchboard processes
//! behind one address each enforces its own window, so a client may get up
//! to N times the limit; a shared counter matters only at that scale.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use crate::config::RateLimitConfig;
use crate::permission::ThrottlingGroup;

/// Whose requests are counted together.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RateKey {
    /// The user (extension id), or the peer address before login.
    pub user: String,
    /// The app's `client_id`, or `-` when unknown.
    pub app: String,
    /// The throttling group.
    pub group: ThrottlingGroup,
}

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    /// The group counted against.
    pub group: ThrottlingGroup,
    /// Requests allowed per window.
    pub limit: u32,
    /// Requests left in the current window.
    pub remaining: u32,
    /// Window length in seconds.
    pub window_secs: u64,
    /// Seconds to wait, when the request is refused.
    pub retry_after: Option<u64>,
}

impl Verdict {
    /// Adds `X-Rate-Limit-Group/Limit/Remaining/Window` to `headers`.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let pairs = [
            (
                "x-rate-limit-group",
                HeaderValue::from_static(self.group.header_name()),
            ),
            ("x-rate-limit-limit", HeaderValue::from(self.limit)),
            ("x-rate-limit-remaining", HeaderValue::from(self.remaining)),
            ("x-rate-limit-window", HeaderValue::from(self.window_secs)),
        ];
        for (name, value) in pairs {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

/// Sweep idle keys after this many checks, so the map stays bounded by the
/// number of recently active clients.
const SWEEP_EVERY: u64 = 4096;

/// Sliding-window counters for every key.
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    hits: HashMap<RateKey, VecDeque<Instant>>,
    checks: u64,
}

impl RateLimiter {
    /// A limiter enforcing `config`.
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            config,
            state: Mutex::default(),
        }
    }

    fn limit(&self, group: ThrottlingGroup) -> u32 {
        match group {
            ThrottlingGroup::Light => self.config.light,
            ThrottlingGroup::Medium => self.config.medium,
            ThrottlingGroup::Heavy => self.config.heavy,
            ThrottlingGroup::Auth => self.config.auth,
        }
    }

    /// Counts a request for `key` at `now`, or refuses it.
    pub fn check(&self, key: RateKey, now: Instant) -> Verdict {
        let window = Duration::from_secs(self.config.window_secs);
        let limit = self.limit(key.group);
        let group = key.group;
        // A poisoned lock only means another request panicked mid-count;
        // the counters are still usable.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.sweep_if_due(now, window);

        let hits = state.hits.entry(key).or_default();
        while hits
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            hits.pop_front();
        }
        let used = u32::try_from(hits.len()).unwrap_or(u32::MAX);
        let mut verdict = Verdict {
            group,
            limit,
            remaining: 0,
            window_secs: window.as_secs(),
            retry_after: None,
        };
        if used >= limit {
            let oldest = hits.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            verdict.retry_after = Some(wait.as_secs_f64().ceil().max(1.0) as u64);
            return verdict;
        }
        hits.push_back(now);
        verdict.remaining = limit - used - 1;
        verdict
    }
}

impl LimiterState {
    fn sweep_if_due(&mut self, now: Instant, window: Duration) {
        self.checks += 1;
        if self.checks.is_multiple_of(SWEEP_EVERY) {
            self.hits
                .retain(|_, hits| hits.back().is_some_and(|t| now.duration_since(*t) < window));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RateKey {
        RateKey {
            user: "1".into(),
            app: "app".into(),
            group: ThrottlingGroup::Heavy,
        }
    }

    #[test]
    fn refuses_the_request_over_the_limit_until_the_window_slides() {
        let limiter = RateLimiter::new(RateLimitConfig {
            heavy: 2,
            ..Default::default()
        });
        let t0 = Instant::now();
        assert_eq!(limiter.check(key(), t0).remaining, 1);
        assert_eq!(
            limiter.check(key(), t0 + Duration::from_secs(10)).remaining,
            0
        );

        let refused = limiter.check(key(), t0 + Duration::from_secs(20));
        assert_eq!(refused.retry_after, Some(40));

        let later = limiter.check(key(), t0 + Duration::from_secs(60));
        assert_eq!(later.retry_after, None);
    }
}
