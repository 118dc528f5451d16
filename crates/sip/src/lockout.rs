//! Per-source-address lockout after repeated authentication failures: the
//! defence against password guessing (svcrack and friends). A locked
//! address is ignored entirely, so a scanner learns nothing more.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tracing::warn;

use crate::config::LockoutConfig;

/// An IP network such as `10.0.0.0/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `addr/prefix` or a bare address (a single host).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, p) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = a.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() {
            max
        } else {
            p.trim().parse().ok()?
        };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// True when `ip` lies inside this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(i) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(i) & mask
            }
            _ => false,
        }
    }
}

#[derive(Default)]
struct Entry {
    failures: VecDeque<Instant>,
    locked_until: Option<Instant>,
}

/// Failure counters and lockouts by source IP address.
pub(crate) struct Lockout {
    cfg: LockoutConfig,
    allow: Vec<Cidr>,
    table: Mutex<HashMap<IpAddr, Entry>>,
    lockouts: AtomicU64,
    failures: AtomicU64,
}

impl Lockout {
    pub(crate) fn new(cfg: LockoutConfig) -> Lockout {
        let allow = cfg.allow.iter().filter_map(|c| {
            let parsed = Cidr::parse(c);
            if parsed.is_none() {
                warn!(cidr = %c, "ignoring malformed allow-list entry");
            }
            parsed
        });
        Lockout {
            allow: allow.collect(),
            cfg,
            table: Mutex::new(HashMap::new()),
            lockouts: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Entry>> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// True while `ip` is locked out.
    pub(crate) fn is_locked(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let mut table = self.table();
        let Some(e) = table.get_mut(&ip) else {
            return false;
        };
        match e.locked_until {
            Some(until) if until > now => true,
            Some(_) => {
                table.remove(&ip);
                false
            }
            None => false,
        }
    }

    /// Counts one failed authentication from `ip`; locks it out when the
    /// threshold is reached inside the window.
    pub(crate) fn record_failure(&self, ip: IpAddr) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        if self.cfg.max_failures == 0 || self.allow.iter().any(|c| c.contains(ip)) {
            return;
        }
        let now = Instant::now();
        let window = Duration::from_secs(self.cfg.window_secs.min(365 * 24 * 3600));
        let mut table = self.table();
        if table.len() > 100_000 {
            table.retain(|_, e| e.locked_until.is_some_and(|u| u > now));
        }
        let e = table.entry(ip).or_default();
        e.failures.push_back(now);
        while e
            .failures
            .front()
            .is_some_and(|t| now.duration_since(*t) > window)
        {
            e.failures.pop_front();
        }
        if e.failures.len() >= self.cfg.max_failures as usize && e.locked_until.is_none() {
            // Clamped to a year so no setting can overflow the clock.
            let secs = self.cfg.lockout_secs.min(365 * 24 * 3600);
            e.locked_until = Some(now + Duration::from_secs(secs));
            self.lockouts.fetch_add(1, Ordering::Relaxed);
            warn!(
                peer = %ip,
                failures = e.failures.len(),
                lockout_secs = self.cfg.lockout_secs,
                "source locked out after repeated authentication failures"
            );
        }
    }

    /// (lockouts so far, failed authentications so far, locked right now).
    pub(crate) fn stats(&self) -> (u64, u64, usize) {
        let now = Instant::now();
        let table = self.table();
        let locked = table
            .values()
            .filter(|e| e.locked_until.is_some_and(|u| u > now))
            .count();
        drop(table);
        (
            self.lockouts.load(Ordering::Relaxed),
            self.failures.load(Ordering::Relaxed),
            locked,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(allow: &[&str]) -> LockoutConfig {
        LockoutConfig {
            max_failures: 3,
            window_secs: 60,
            lockout_secs: 600,
            allow: allow.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn third_failure_locks_the_address() {
        let l = Lockout::new(cfg(&[]));
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        l.record_failure(ip);
        l.record_failure(ip);
        assert!(!l.is_locked(ip));
        l.record_failure(ip);
        assert!(l.is_locked(ip));
        assert_eq!(l.stats().0, 1);
    }

    #[test]
    fn allow_listed_addresses_are_never_locked() {
        let l = Lockout::new(cfg(&["192.0.2.0/24"]));
        let ip: IpAddr = "192.0.2.9".parse().expect("ip");
        for _ in 0..10 {
            l.record_failure(ip);
        }
        assert!(!l.is_locked(ip));
    }

    #[test]
    fn cidr_matching() {
        let c = Cidr::parse("10.1.0.0/16").expect("cidr");
        assert!(c.contains("10.1.200.3".parse().expect("ip")));
        assert!(!c.contains("10.2.0.1".parse().expect("ip")));
        assert!(Cidr::parse("::1").is_some_and(|c| c.contains("::1".parse().expect("ip"))));
        assert!(
            Cidr::parse("0.0.0.0/0").is_some_and(|c| c.contains("1.2.3.4".parse().expect("ip")))
        );
        assert!(Cidr::parse("1.2.3.4/33").is_none());
    }
}
