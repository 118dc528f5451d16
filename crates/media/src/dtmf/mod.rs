//! DTMF: RFC 4733 events, in-band detection, and the one digit stream that
//! call control reads with [`collect_digits`].
//!
//! When telephone-event is negotiated only RFC 4733 events count (phones that
//! send both would otherwise double every key); without it, in-band detection.

pub mod inband;
pub mod rfc4733;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

/// Keys kept for a reader; a peer sending endless events cannot grow it further.
const MAX_QUEUED_KEYS: usize = 32;

/// Keys received and not yet consumed, shared by the receive loop and readers.
#[derive(Debug, Default)]
pub struct DigitQueue {
    keys: Mutex<VecDeque<char>>,
    arrived: Notify,
}

impl DigitQueue {
    /// Adds a key and wakes every waiter; past the limit the oldest key is dropped.
    pub fn push(&self, key: char) {
        {
            let mut keys = self.lock();
            if keys.len() == MAX_QUEUED_KEYS {
                keys.pop_front();
            }
            keys.push_back(key);
        }
        self.arrived.notify_waiters();
    }

    /// Takes the oldest key, if any.
    pub fn pop(&self) -> Option<char> {
        self.lock().pop_front()
    }

    /// Whether a key is waiting.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Forgets keys pressed before now (type-ahead the caller does not want).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Waits for a key and takes it; cancel-safe (a key is only taken when returned).
    pub async fn next(&self) -> char {
        loop {
            let notified = self.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(key) = self.pop() {
                return key;
            }
            notified.await;
        }
    }

    /// Waits until a key is waiting without taking it (barge-in).
    pub async fn wait_nonempty(&self) {
        loop {
            let notified = self.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !self.is_empty() {
                return;
            }
            notified.await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<char>> {
        // A poisoned queue still holds valid keys; keep using it.
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How to collect a number from the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectOptions {
    /// Stop after this many keys (terminator not counted).
    pub max_digits: usize,
    /// A key that ends input early and is not part of the result (usually `#`).
    pub terminator: Option<char>,
    /// How long to wait for the first key.
    pub first_digit_timeout: Duration,
    /// How long to wait for each later key.
    pub inter_digit_timeout: Duration,
}

impl Default for CollectOptions {
    fn default() -> Self {
        Self {
            max_digits: 1,
            terminator: Some('#'),
            first_digit_timeout: Duration::from_secs(5),
            inter_digit_timeout: Duration::from_secs(3),
        }
    }
}

/// Why collection stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CollectEnd {
    /// `max_digits` keys were pressed.
    MaxDigits,
    /// The terminator was pressed.
    Terminator,
    /// A timeout passed (first-digit or inter-digit).
    Timeout,
    /// The party hung up.
    HungUp,
}

/// What the caller keyed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectedDigits {
    /// The keys, without the terminator.
    pub digits: String,
    /// Why collection stopped.
    pub end: CollectEnd,
}

/// Reads keys from `queue` under `options`; cancel-safe.
pub async fn collect_digits(queue: &DigitQueue, options: &CollectOptions) -> CollectedDigits {
    let mut digits = String::new();
    loop {
        if digits.len() >= options.max_digits {
            return CollectedDigits {
                digits,
                end: CollectEnd::MaxDigits,
            };
        }
        let wait = if digits.is_empty() {
            options.first_digit_timeout
        } else {
            options.inter_digit_timeout
        };
        let Ok(key) = tokio::time::timeout(wait, queue.next()).await else {
            return CollectedDigits {
                digits,
                end: CollectEnd::Timeout,
            };
        };
        if Some(key) == options.terminator {
            return CollectedDigits {
                digits,
                end: CollectEnd::Terminator,
            };
        }
        digits.push(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn options(max_digits: usize) -> CollectOptions {
        CollectOptions {
            max_digits,
            ..CollectOptions::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn collection_stops_at_max_digits_and_leaves_the_rest_queued() {
        let q = DigitQueue::default();
        "1234".chars().for_each(|k| q.push(k));
        let got = collect_digits(&q, &options(3)).await;
        assert_eq!(
            (got.digits.as_str(), got.end),
            ("123", CollectEnd::MaxDigits)
        );
        assert_eq!(q.pop(), Some('4'));
    }

    #[tokio::test(start_paused = true)]
    async fn the_terminator_ends_collection_and_is_not_returned() {
        let q = DigitQueue::default();
        "42#9".chars().for_each(|k| q.push(k));
        let got = collect_digits(&q, &options(10)).await;
        assert_eq!(
            (got.digits.as_str(), got.end),
            ("42", CollectEnd::Terminator)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_pressed_times_out_after_the_first_digit_timeout() {
        let q = DigitQueue::default();
        let start = tokio::time::Instant::now();
        let got = collect_digits(&q, &options(4)).await;
        assert_eq!((got.digits.as_str(), got.end), ("", CollectEnd::Timeout));
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_between_keys_ends_with_the_inter_digit_timeout() {
        let q = Arc::new(DigitQueue::default());
        let feeder = Arc::clone(&q);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            feeder.push('7');
            tokio::time::sleep(Duration::from_secs(2)).await;
            feeder.push('8');
            tokio::time::sleep(Duration::from_secs(10)).await;
            feeder.push('9');
        });
        let got = collect_digits(&q, &options(4)).await;
        assert_eq!((got.digits.as_str(), got.end), ("78", CollectEnd::Timeout));
    }

    #[test]
    fn a_flood_of_keys_keeps_only_the_newest() {
        let q = DigitQueue::default();
        (0..100).for_each(|i| q.push(if i < 99 { '1' } else { '2' }));
        let kept: String = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(kept.len(), MAX_QUEUED_KEYS);
        assert!(kept.ends_with('2'));
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_for_barge_in_does_not_consume_the_key() {
        let q = Arc::new(DigitQueue::default());
        let feeder = Arc::clone(&q);
        tokio::spawn(async move { feeder.push('3') });
        q.wait_nonempty().await;
        assert_eq!(q.pop(), Some('3'));
    }
}
