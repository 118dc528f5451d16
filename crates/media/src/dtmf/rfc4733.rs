//! RFC 4733 telephone-event payloads: the receiver that turns a packet stream
//! into digits, and the sender that turns a digit into packets.

use std::collections::VecDeque;

/// Event codes 0-15 are the DTMF keys (RFC 4733 §3.2); 16 is flash and ignored.
const KEYS: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D',
];

/// How many recent event timestamps are remembered to drop retransmissions.
const REMEMBERED_EVENTS: usize = 16;

/// A long event is split into segments when its duration nears this (RFC 4733 §2.5.1.3).
const SEGMENT_LIMIT: u16 = u16::MAX;

/// One telephone-event payload (RFC 4733 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPayload {
    /// Event code; 0-15 are keys.
    pub event: u8,
    /// The E bit: this packet ends the event.
    pub end: bool,
    /// Power level in -dBm0 (0-63).
    pub volume: u8,
    /// Duration so far, in timestamp units.
    pub duration: u16,
}

impl EventPayload {
    /// Reads the first event of a payload; `None` when shorter than four octets.
    pub fn parse(payload: &[u8]) -> Option<Self> {
        let b = payload.get(..4)?;
        Some(Self {
            event: b[0],
            end: b[1] & 0x80 != 0,
            volume: b[1] & 0x3F,
            duration: u16::from_be_bytes([b[2], b[3]]),
        })
    }

    /// Writes the four octets.
    pub fn to_bytes(self) -> [u8; 4] {
        let flags = (u8::from(self.end) << 7) | (self.volume & 0x3F);
        let [hi, lo] = self.duration.to_be_bytes();
        [self.event, flags, hi, lo]
    }
}

/// The key for an event code, if it is one.
pub fn key_of(event: u8) -> Option<char> {
    KEYS.get(usize::from(event)).copied()
}

/// The event code of a key, if it is one.
pub fn event_of(key: char) -> Option<u8> {
    KEYS.iter()
        .position(|k| *k == key.to_ascii_uppercase())
        .map(|i| i as u8)
}

#[derive(Debug, Clone, Copy)]
struct Active {
    timestamp: u32,
    event: u8,
    ended: bool,
    duration: u16,
}

/// Reports each event once, however many packets carry it.
///
/// RFC 4733 §2.5.1: all packets of one event share its RTP timestamp, the end
/// packet is sent three times, and packets may be lost or reordered; so an
/// event is keyed by its timestamp and reported on the first packet seen.
#[derive(Debug, Default)]
pub struct EventReceiver {
    active: Option<Active>,
    seen: VecDeque<u32>,
}

impl EventReceiver {
    /// Feeds one telephone-event packet; returns a key the first time an event is seen.
    pub fn on_packet(&mut self, timestamp: u32, payload: &[u8]) -> Option<char> {
        let event = EventPayload::parse(payload)?;
        if self.seen.contains(&timestamp) {
            self.update_active(timestamp, event);
            return None;
        }
        let continues = self.continues_long_event(timestamp, event);
        self.remember(timestamp, event);
        if continues {
            return None;
        }
        key_of(event.event)
    }

    fn update_active(&mut self, timestamp: u32, event: EventPayload) {
        if let Some(active) = self.active.as_mut().filter(|a| a.timestamp == timestamp) {
            active.ended |= event.end;
            active.duration = active.duration.max(event.duration);
        }
    }

    /// A new segment of a key held longer than the duration field can count.
    fn continues_long_event(&self, timestamp: u32, event: EventPayload) -> bool {
        let Some(active) = self.active else {
            return false;
        };
        let near_limit = active.duration >= SEGMENT_LIMIT - 1600;
        let offset = timestamp.wrapping_sub(active.timestamp);
        let follows =
            offset >= u32::from(active.duration) / 2 && offset <= u32::from(SEGMENT_LIMIT) + 1600;
        active.event == event.event && !active.ended && near_limit && follows
    }

    fn remember(&mut self, timestamp: u32, event: EventPayload) {
        if self.seen.len() == REMEMBERED_EVENTS {
            self.seen.pop_front();
        }
        self.seen.push_back(timestamp);
        let duration = event.duration;
        self.active = Some(Active {
            timestamp,
            event: event.event,
            ended: event.end,
            duration,
        });
    }
}

/// The payloads to send for one key press, all at the same RTP timestamp:
/// updates every `ptime_ms`, then the end packet three times (RFC 4733 §2.5.1.4).
/// Each item is (marker, payload); the marker is set on the first only.
pub fn key_press_payloads(
    key: char,
    duration_ms: u32,
    ptime_ms: u32,
    clock_rate: u32,
) -> Vec<(bool, [u8; 4])> {
    let Some(event) = event_of(key) else {
        return Vec::new();
    };
    let step = clock_rate * ptime_ms / 1000;
    let total = (clock_rate * duration_ms / 1000).clamp(step, u32::from(u16::MAX));
    let mut packets = Vec::new();
    let mut duration = step;
    while duration < total {
        let payload = EventPayload {
            event,
            end: false,
            volume: 10,
            duration: duration as u16,
        };
        packets.push((packets.is_empty(), payload.to_bytes()));
        duration += step;
    }
    let end = EventPayload {
        event,
        end: true,
        volume: 10,
        duration: total as u16,
    };
    for _ in 0..3 {
        packets.push((packets.is_empty(), end.to_bytes()));
    }
    packets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(event: u8, end: bool, duration: u16) -> [u8; 4] {
        EventPayload {
            event,
            end,
            volume: 10,
            duration,
        }
        .to_bytes()
    }

    fn receive(packets: &[(u32, [u8; 4])]) -> String {
        let mut r = EventReceiver::default();
        packets
            .iter()
            .filter_map(|(ts, p)| r.on_packet(*ts, p))
            .collect()
    }

    #[test]
    fn one_press_with_three_end_packets_is_one_digit() {
        let mut packets: Vec<(u32, [u8; 4])> = (1..=5)
            .map(|i| (1000, payload(5, false, i * 160)))
            .collect();
        packets.extend((0..3).map(|_| (1000, payload(5, true, 800))));
        assert_eq!(receive(&packets), "5");
    }

    #[test]
    fn repeated_presses_of_one_key_are_told_apart_by_timestamp() {
        let packets = [
            (1000, payload(1, false, 160)),
            (1000, payload(1, true, 480)),
            (3000, payload(1, false, 160)),
            (3000, payload(1, true, 480)),
        ];
        assert_eq!(receive(&packets), "11");
    }

    #[test]
    fn a_press_whose_start_was_lost_is_still_reported_once() {
        let packets = [
            (1000, payload(11, true, 800)),
            (1000, payload(11, true, 800)),
            (1000, payload(11, true, 800)),
        ];
        assert_eq!(receive(&packets), "#");
    }

    #[test]
    fn reordered_and_redundant_packets_do_not_repeat_a_digit() {
        let packets = [
            (1000, payload(2, false, 320)),
            (1000, payload(2, false, 160)),
            (2000, payload(3, false, 160)),
            (1000, payload(2, true, 480)),
            (2000, payload(3, true, 480)),
        ];
        assert_eq!(receive(&packets), "23");
    }

    #[test]
    fn a_long_press_split_into_segments_is_one_digit() {
        let first = 1000u32;
        let second = first + u32::from(u16::MAX);
        let packets = [
            (first, payload(7, false, 65000)),
            (first, payload(7, false, u16::MAX)),
            (second, payload(7, false, 160)),
            (second, payload(7, true, 4000)),
        ];
        assert_eq!(receive(&packets), "7");
    }

    #[test]
    fn flash_and_short_payloads_are_not_digits() {
        let mut r = EventReceiver::default();
        assert_eq!(r.on_packet(1, &payload(16, false, 160)), None);
        assert_eq!(r.on_packet(2, &[1, 2]), None);
    }

    #[test]
    fn a_key_press_becomes_updates_then_three_end_packets() {
        let packets = key_press_payloads('9', 100, 20, 8000);
        let parsed: Vec<EventPayload> = packets
            .iter()
            .map(|(_, p)| EventPayload::parse(p).unwrap())
            .collect();
        assert_eq!(packets.iter().filter(|(m, _)| *m).count(), 1);
        assert!(packets[0].0);
        assert_eq!(parsed.iter().filter(|e| e.end).count(), 3);
        assert_eq!(parsed.last().unwrap().duration, 800);
        assert!(parsed.iter().all(|e| e.event == 9));
        assert!(key_press_payloads('x', 100, 20, 8000).is_empty());
    }

    #[test]
    fn sender_output_read_by_the_receiver_gives_the_key() {
        let keys: String = "0123456789*#ABCD"
            .chars()
            .enumerate()
            .flat_map(|(i, k)| {
                key_press_payloads(k, 120, 20, 8000)
                    .into_iter()
                    .map(move |(_, p)| (i as u32 * 2000, p))
            })
            .collect::<Vec<_>>()
            .iter()
            .fold(
                (EventReceiver::default(), String::new()),
                |(mut r, mut s), (ts, p)| {
                    s.extend(r.on_packet(*ts, p));
                    (r, s)
                },
            )
            .1;
        assert_eq!(keys, "0123456789*#ABCD");
    }
}
