//! A small reordering buffer keyed by RTP timestamp, for paths that need
//! packets in sampling order (recording). Playout timing is not its job: a
//! recording is written at once, so holding a few frames is enough.

use std::collections::BTreeMap;

/// Holds up to `depth` frames and releases them in timestamp order.
#[derive(Debug)]
pub struct ReorderBuffer<T> {
    depth: usize,
    pending: BTreeMap<i64, (u32, T)>,
    /// The last timestamp released, raw and unwrapped.
    released: Option<(u32, i64)>,
    /// A reference for unwrapping before anything is released.
    first: Option<(u32, i64)>,
    late: u64,
}

impl<T> ReorderBuffer<T> {
    /// A buffer that holds `depth` frames (zero releases at once).
    pub fn new(depth: usize) -> Self {
        Self {
            depth,
            pending: BTreeMap::new(),
            released: None,
            first: None,
            late: 0,
        }
    }

    /// Adds a frame; returns frames now due, oldest first. Frames older than
    /// one already released, and duplicates, are dropped.
    pub fn push(&mut self, timestamp: u32, frame: T) -> Vec<(u32, T)> {
        let key = self.unwrap(timestamp);
        let too_late = self.released.is_some_and(|(_, last)| key <= last);
        if too_late || self.pending.contains_key(&key) {
            self.late += 1;
            return Vec::new();
        }
        self.pending.insert(key, (timestamp, frame));
        let mut due = Vec::new();
        while self.pending.len() > self.depth {
            due.extend(self.pop());
        }
        due
    }

    /// Everything still held, in order.
    pub fn flush(&mut self) -> Vec<(u32, T)> {
        std::iter::from_fn(|| self.pop()).collect()
    }

    /// How many frames it holds back.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Frames dropped as late or duplicated.
    pub fn late(&self) -> u64 {
        self.late
    }

    fn pop(&mut self) -> Option<(u32, T)> {
        let (key, (timestamp, frame)) = self.pending.pop_first()?;
        self.released = Some((timestamp, key));
        Some((timestamp, frame))
    }

    /// Timestamps wrap at 2^32; measure each against a recent one instead.
    fn unwrap(&mut self, timestamp: u32) -> i64 {
        let (reference, unwrapped) = *self
            .released
            .as_ref()
            .or(self.first.as_ref())
            .unwrap_or(&(timestamp, 0));
        self.first.get_or_insert((timestamp, 0));
        unwrapped + i64::from(timestamp.wrapping_sub(reference) as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(depth: usize, timestamps: &[u32]) -> Vec<u32> {
        let mut buffer = ReorderBuffer::new(depth);
        let mut out: Vec<u32> = timestamps
            .iter()
            .flat_map(|ts| buffer.push(*ts, ()))
            .map(|(t, ())| t)
            .collect();
        out.extend(buffer.flush().into_iter().map(|(t, ())| t));
        out
    }

    #[test]
    fn swapped_frames_come_out_in_order() {
        assert_eq!(
            run(3, &[0, 320, 160, 480, 800, 640]),
            vec![0, 160, 320, 480, 640, 800]
        );
    }

    #[test]
    fn frames_later_than_the_buffer_are_dropped() {
        let mut buffer = ReorderBuffer::new(1);
        let mut out = Vec::new();
        for ts in [0u32, 160, 320, 0, 480] {
            out.extend(buffer.push(ts, ()).into_iter().map(|(t, ())| t));
        }
        assert_eq!(out, vec![0, 160, 320]);
        assert_eq!(buffer.late(), 1);
    }

    #[test]
    fn order_holds_across_the_timestamp_wrap() {
        let start = u32::MAX - 160;
        let ts: Vec<u32> = (0..4).map(|i| start.wrapping_add(i * 160)).collect();
        assert_eq!(run(2, &[ts[1], ts[0], ts[3], ts[2]]), ts);
    }

    #[test]
    fn duplicates_are_dropped() {
        assert_eq!(run(4, &[0, 160, 160, 320]), vec![0, 160, 320]);
    }
}
