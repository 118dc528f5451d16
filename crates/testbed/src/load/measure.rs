//! Figures of one step: inter-arrival jitter histogram, loss, and the
//! endpoint process's CPU time and memory read from `/proc`.

use std::time::Duration;

/// Inter-arrival deviations from the packet time, in 10 µs bins up to 100 ms.
#[derive(Debug, Clone)]
pub struct Histogram {
    bins: Vec<u64>,
}

const BIN_US: u64 = 10;
const BINS: usize = 10_000;

impl Default for Histogram {
    fn default() -> Self {
        Self {
            bins: vec![0; BINS],
        }
    }
}

impl Histogram {
    /// Counts one deviation.
    pub fn add(&mut self, deviation: Duration) {
        let bin = (deviation.as_micros() as u64 / BIN_US) as usize;
        self.bins[bin.min(BINS - 1)] += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
    }

    /// Samples counted.
    pub fn count(&self) -> u64 {
        self.bins.iter().sum()
    }

    /// The deviation under which `q` of the samples fall, in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let want = (self.count() as f64 * q).ceil() as u64;
        let mut seen = 0;
        for (i, n) in self.bins.iter().enumerate() {
            seen += n;
            if seen >= want.max(1) {
                return ((i as u64 + 1) * BIN_US) as f64 / 1000.0;
            }
        }
        0.0
    }
}

/// What one channel's receiver saw during the window.
#[derive(Debug, Clone, Default)]
pub struct ChannelStats {
    /// Audio packets received.
    pub packets: u64,
    /// Packets missing from the sequence.
    pub lost: u64,
    /// Deviations of inter-arrival times from 20 ms.
    pub jitter: Histogram,
    /// Largest deviation seen.
    pub max_deviation: Duration,
}

/// CPU ticks and resident memory of a process at one instant.
#[derive(Debug, Clone, Copy)]
pub struct ProcSample {
    /// utime + stime in clock ticks.
    pub ticks: u64,
    /// VmRSS in KiB.
    pub rss_kib: u64,
}

/// Linux's USER_HZ, which `/proc/<pid>/stat` counts in on every usual build.
const TICKS_PER_SEC: f64 = 100.0;

impl ProcSample {
    /// Reads `/proc/<pid>/stat` and `/proc/<pid>/status`.
    pub fn read(pid: u32) -> anyhow::Result<Self> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // Fields after the command name, which may hold spaces, end in ')'.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15 of stat(5); `rest` starts at field 3.
        let ticks = field(11) + field(12);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let rss_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(Self { ticks, rss_kib })
    }
}

/// The figures of one step.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Channels or bridged calls asked for.
    pub calls: usize,
    /// SIP calls placed (twice the bridged calls).
    pub legs: usize,
    /// Calls answered with 200.
    pub set_up: usize,
    /// Length of the measured window.
    pub window: Duration,
    /// Audio packets received in the window.
    pub packets: u64,
    /// Packets lost in the window: gaps in the RTP sequence (play) or in
    /// the packet numbers our sender writes into the payload (bridge).
    pub lost: u64,
    /// Audio packets the generator sent in the window (bridge).
    pub sent: u64,
    /// All deviations.
    pub jitter: Histogram,
    /// Largest deviation.
    pub max_deviation: Duration,
    /// Calls whose detected keys equal the keys sent (play mode).
    pub digits_ok: usize,
    /// Endpoint CPU use over the window, percent of one core.
    pub cpu_percent: f64,
    /// Endpoint resident memory before the calls and during them, KiB.
    pub rss_idle_kib: u64,
    /// See `rss_idle_kib`.
    pub rss_loaded_kib: u64,
}

impl Summary {
    /// An empty summary for a step.
    pub fn new(calls: usize, legs: usize, set_up: usize, window: Duration) -> Self {
        Self {
            calls,
            legs,
            set_up,
            window,
            ..Self::default()
        }
    }

    /// Adds one channel's figures.
    pub fn add(&mut self, ch: &ChannelStats, sent: u64) {
        self.packets += ch.packets;
        self.sent += sent;
        self.lost += ch.lost;
        self.jitter.merge(&ch.jitter);
        self.max_deviation = self.max_deviation.max(ch.max_deviation);
    }

    /// Packets received against 50 a second per leg, in percent: below 100
    /// the sender fell behind its clock.
    pub fn rate_percent(&self) -> f64 {
        let expected = self.legs as f64 * 50.0 * self.window.as_secs_f64();
        100.0 * self.packets as f64 / expected.max(1.0)
    }

    /// CPU over the window and memory growth under load.
    pub fn set_process(&mut self, idle: &ProcSample, start: &ProcSample, end: &ProcSample) {
        let cpu_secs = end.ticks.saturating_sub(start.ticks) as f64 / TICKS_PER_SEC;
        self.cpu_percent = 100.0 * cpu_secs / self.window.as_secs_f64();
        self.rss_idle_kib = idle.rss_kib;
        self.rss_loaded_kib = end.rss_kib;
    }

    /// One line of `key=value` pairs for the bench script.
    pub fn line(&self, mode: &str) -> String {
        let per_call = |x: f64| x / self.calls.max(1) as f64;
        let rss_growth = self.rss_loaded_kib.saturating_sub(self.rss_idle_kib) as f64;
        format!(
            "RESULT mode={mode} calls={} legs={} set_up={} sent={} packets={} rate_pct={:.1} \
             lost={} p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} p999_ms={:.2} max_ms={:.2} \
             digits_ok={} cpu_pct={:.1} cpu_pct_per_call={:.4} rss_idle_mib={:.1} \
             rss_loaded_mib={:.1} kib_per_call={:.1}",
            self.calls,
            self.legs,
            self.set_up,
            self.sent,
            self.packets,
            self.rate_percent(),
            self.lost,
            self.jitter.quantile_ms(0.5),
            self.jitter.quantile_ms(0.9),
            self.jitter.quantile_ms(0.99),
            self.jitter.quantile_ms(0.999),
            self.max_deviation.as_secs_f64() * 1e3,
            self.digits_ok,
            self.cpu_percent,
            per_call(self.cpu_percent),
            self.rss_idle_kib as f64 / 1024.0,
            self.rss_loaded_kib as f64 / 1024.0,
            per_call(rss_growth),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_bins() {
        let mut h = Histogram::default();
        for ms in 0..100 {
            h.add(Duration::from_micros(ms * 100));
        }
        assert_eq!(h.count(), 100);
        assert!((h.quantile_ms(0.99) - 9.81).abs() < 0.02);
    }
}
