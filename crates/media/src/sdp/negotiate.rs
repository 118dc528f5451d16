//! Offer/answer (RFC 3264): which codec, which telephone-event payload type,
//! which packet time and which direction a call's audio uses.
//!
//! We keep one audio stream per session: the first acceptable audio `m=` line
//! is taken and every other one is answered with port 0 (RFC 3264 §6).

use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

use super::rtpmap_of;
use super::{Attribute, Connection, MediaDescription, Origin, SdpError, SessionDescription};
use crate::codec::AudioCodec;

/// The payload types we offer for telephone-event, by clock rate.
const OFFERED_EVENT_PAYLOAD_TYPES: [(u8, u32); 2] = [(101, 8000), (110, 48000)];

/// Packet times we accept from a peer's `a=ptime`; others fall back to ours.
const ACCEPTED_PTIMES: [u32; 6] = [10, 20, 30, 40, 50, 60];

/// Which way audio flows, from the point of view of whoever wrote the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Both ways (the default when no attribute is written).
    SendRecv,
    /// Only from the writer: the writer holds the other party.
    SendOnly,
    /// Only to the writer.
    RecvOnly,
    /// Neither way.
    Inactive,
}

impl Direction {
    /// Builds a direction from the two permissions.
    pub fn from_flags(sends: bool, receives: bool) -> Self {
        match (sends, receives) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }

    /// Whether the writer sends.
    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    /// Whether the writer receives.
    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    /// The same flow seen from the other end (RFC 3264 §6.1: sendonly is answered recvonly).
    pub fn reversed(self) -> Self {
        Self::from_flags(self.receives(), self.sends())
    }

    /// What both directions allow.
    pub fn intersect(self, other: Direction) -> Self {
        Self::from_flags(
            self.sends() && other.sends(),
            self.receives() && other.receives(),
        )
    }

    /// The attribute name.
    pub fn attribute(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    fn from_attributes(attributes: &[Attribute]) -> Option<Self> {
        attributes.iter().find_map(|a| match a.name.as_str() {
            "sendrecv" => Some(Direction::SendRecv),
            "sendonly" => Some(Direction::SendOnly),
            "recvonly" => Some(Direction::RecvOnly),
            "inactive" => Some(Direction::Inactive),
            _ => None,
        })
    }

    /// The direction of `media`: its own attribute, else the session's, else sendrecv.
    fn of(session: &SessionDescription, media: &MediaDescription) -> Self {
        Self::from_attributes(&media.attributes)
            .or_else(|| Self::from_attributes(&session.attributes))
            .unwrap_or(Direction::SendRecv)
    }
}

/// What we are willing to use; comes from `MediaConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaPolicy {
    /// Codecs we accept, in the order we offer them.
    pub codecs: Vec<AudioCodec>,
    /// Whether to offer and accept RFC 4733 telephone-event.
    pub telephone_event: bool,
    /// Our packet time in milliseconds.
    pub ptime_ms: u32,
}

impl Default for MediaPolicy {
    fn default() -> Self {
        Self {
            codecs: AudioCodec::ALL.to_vec(),
            telephone_event: true,
            ptime_ms: 20,
        }
    }
}

/// Our side of a description: where we receive and what version we are at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalMedia {
    /// The address written in `o=` and `c=`.
    pub address: IpAddr,
    /// Our even RTP port; RTCP is on the next one.
    pub rtp_port: u16,
    /// Stays fixed for a session.
    pub session_id: u64,
    /// Incremented by the caller for each new description (RFC 3264 §8).
    pub session_version: u64,
    /// What we want: sendrecv normally, sendonly to put the peer on hold.
    pub direction: Direction,
}

/// A telephone-event (RFC 4733) payload type and its clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TelephoneEvent {
    /// The payload type the peer uses; it differs between peers.
    pub payload_type: u8,
    /// Always the clock of the audio codec it travels with.
    pub clock_rate: u32,
}

/// The outcome of offer/answer for the audio stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NegotiatedAudio {
    /// The one codec both sides use.
    pub codec: AudioCodec,
    /// Its payload type in this session.
    pub payload_type: u8,
    /// RFC 4733 events, when both sides support them at the codec's clock.
    pub telephone_event: Option<TelephoneEvent>,
    /// Packet time we send with.
    pub ptime_ms: u32,
    /// Where the peer wants RTP; `None` for `c=0.0.0.0` (held) or a rejected stream.
    pub remote_rtp: Option<SocketAddr>,
    /// Where the peer wants RTCP: `a=rtcp` (RFC 3605) or the RTP port plus one.
    pub remote_rtcp: Option<SocketAddr>,
    /// Our direction: whether we may send and whether we should expect audio.
    pub direction: Direction,
}

/// Makes an offer with every codec of the policy (also the late-offer 200 OK body).
pub fn create_offer(policy: &MediaPolicy, local: &LocalMedia) -> SessionDescription {
    let codecs = &policy.codecs;
    let mut formats: Vec<u8> = codecs.iter().map(|c| c.offer_payload_type()).collect();
    let mut attributes: Vec<Attribute> = codecs
        .iter()
        .map(|c| rtpmap(c.offer_payload_type(), c))
        .collect();
    // One telephone-event per clock rate in use (RFC 4733 §7.1.1).
    for (payload_type, clock_rate) in OFFERED_EVENT_PAYLOAD_TYPES {
        if policy.telephone_event && codecs.iter().any(|c| c.rtp_clock_rate() == clock_rate) {
            formats.push(payload_type);
            attributes.extend(event_attributes(payload_type, clock_rate));
        }
    }
    attributes.push(Attribute::new("ptime", policy.ptime_ms.to_string()));
    attributes.push(Attribute::flag(local.direction.attribute()));
    let media = audio_line(local.rtp_port, "RTP/AVP", &formats, attributes);
    description(local, vec![media])
}

/// Answers a peer's offer; fails with [`SdpError::NoAcceptableMedia`] for a 488.
pub fn answer_offer(
    offer: &SessionDescription,
    policy: &MediaPolicy,
    local: &LocalMedia,
) -> Result<(SessionDescription, NegotiatedAudio), SdpError> {
    let mut chosen = None;
    let mut media = Vec::with_capacity(offer.media.len());
    for (index, offered) in offer.media.iter().enumerate() {
        let accepted = match chosen {
            None => accept_offered(offer, index, offered, policy, local)?,
            Some(_) => None,
        };
        match accepted {
            Some((line, negotiated)) => {
                media.push(line);
                chosen = Some(negotiated);
            }
            None => media.push(rejected(offered)),
        }
    }
    let negotiated = chosen.ok_or(SdpError::NoAcceptableMedia)?;
    Ok((description(local, media), negotiated))
}

/// Reads the peer's answer to our offer.
pub fn accept_answer(
    offer: &SessionDescription,
    answer: &SessionDescription,
    policy: &MediaPolicy,
) -> Result<NegotiatedAudio, SdpError> {
    if offer.media.len() != answer.media.len() {
        return Err(SdpError::AnswerMismatch("number of m= lines differs"));
    }
    let index = offer
        .media
        .iter()
        .position(|m| m.media == "audio" && m.port != 0);
    let index = index.ok_or(SdpError::AnswerMismatch("we offered no audio"))?;
    let (ours, theirs) = (&offer.media[index], &answer.media[index]);
    if theirs.port == 0 {
        return Err(SdpError::NoAcceptableMedia);
    }
    let offered: Vec<u8> = ours.payload_types().collect();
    let (codec, payload_type) = theirs
        .payload_types()
        .filter(|pt| offered.contains(pt))
        .find_map(|pt| supported(theirs, pt, policy).map(|c| (c, pt)))
        .ok_or(SdpError::NoAcceptableMedia)?;
    let offered_direction = Direction::of(offer, ours);
    let (remote_rtp, answer_direction) = remote_address(answer, index, theirs)?;
    Ok(NegotiatedAudio {
        codec,
        payload_type,
        telephone_event: telephone_event(theirs, codec, policy),
        ptime_ms: ptime(theirs, policy, codec),
        remote_rtcp: remote_rtp.map(|rtp| rtcp_address(theirs, rtp)),
        remote_rtp,
        direction: answer_direction.reversed().intersect(offered_direction),
    })
}

/// Tries to accept one offered `m=` line; `None` means answer it with port 0.
fn accept_offered(
    offer: &SessionDescription,
    index: usize,
    offered: &MediaDescription,
    policy: &MediaPolicy,
    local: &LocalMedia,
) -> Result<Option<(MediaDescription, NegotiatedAudio)>, SdpError> {
    if offered.media != "audio" || offered.port == 0 || !offered.is_plain_rtp() {
        return Ok(None);
    }
    let Some((codec, payload_type)) = offered
        .payload_types()
        .find_map(|pt| supported(offered, pt, policy).map(|c| (c, pt)))
    else {
        return Ok(None);
    };
    let (remote_rtp, offered_direction) = remote_address(offer, index, offered)?;
    let direction = offered_direction.reversed().intersect(local.direction);
    let negotiated = NegotiatedAudio {
        codec,
        payload_type,
        telephone_event: telephone_event(offered, codec, policy),
        ptime_ms: ptime(offered, policy, codec),
        remote_rtcp: remote_rtp.map(|rtp| rtcp_address(offered, rtp)),
        remote_rtp,
        direction,
    };
    let line = answer_line(offered, &negotiated, policy, local.rtp_port);
    Ok(Some((line, negotiated)))
}

fn answer_line(
    offered: &MediaDescription,
    negotiated: &NegotiatedAudio,
    policy: &MediaPolicy,
    port: u16,
) -> MediaDescription {
    let mut formats = vec![negotiated.payload_type];
    let mut attributes = vec![rtpmap(negotiated.payload_type, &negotiated.codec)];
    if let Some(event) = negotiated.telephone_event {
        formats.push(event.payload_type);
        attributes.extend(event_attributes(event.payload_type, event.clock_rate));
    }
    attributes.push(Attribute::new("ptime", policy.ptime_ms.to_string()));
    attributes.push(Attribute::flag(negotiated.direction.attribute()));
    audio_line(port, &offered.proto, &formats, attributes)
}

/// The peer's RTP address and its direction, treating `c=0.0.0.0` as RFC 2543 hold.
fn remote_address(
    session: &SessionDescription,
    index: usize,
    media: &MediaDescription,
) -> Result<(Option<SocketAddr>, Direction), SdpError> {
    let connection = media
        .connection
        .or(session.connection)
        .ok_or(SdpError::NoConnection(index))?;
    let direction = Direction::of(session, media);
    if connection.address.is_unspecified() {
        // RFC 3264 §8.4: the old way to hold; the peer does not want our audio.
        return Ok((None, direction.intersect(Direction::SendOnly)));
    }
    Ok((
        Some(SocketAddr::new(connection.address, media.port)),
        direction,
    ))
}

/// RFC 3605 `a=rtcp:port [IN IP4 addr]`, else the RTP port plus one (RFC 3550 §11).
fn rtcp_address(media: &MediaDescription, rtp: SocketAddr) -> SocketAddr {
    let written = media.attribute_values("rtcp").next().and_then(|value| {
        let mut fields = value.split_ascii_whitespace();
        let port: u16 = fields.next()?.parse().ok()?;
        let address = fields
            .nth(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(rtp.ip());
        Some(SocketAddr::new(address, port))
    });
    written.unwrap_or_else(|| SocketAddr::new(rtp.ip(), rtp.port().wrapping_add(1)))
}

fn supported(
    media: &MediaDescription,
    payload_type: u8,
    policy: &MediaPolicy,
) -> Option<AudioCodec> {
    let codec = AudioCodec::from_rtpmap(&rtpmap_of(media, payload_type)?)?;
    policy.codecs.contains(&codec).then_some(codec)
}

/// The peer's telephone-event payload type whose clock matches the codec's (RFC 4733 §7.1.1).
fn telephone_event(
    media: &MediaDescription,
    codec: AudioCodec,
    policy: &MediaPolicy,
) -> Option<TelephoneEvent> {
    if !policy.telephone_event {
        return None;
    }
    let clock_rate = codec.rtp_clock_rate();
    let payload_type = media
        .payload_types()
        .find(|pt| rtpmap_of(media, *pt).is_some_and(|m| m.is("telephone-event", clock_rate)))?;
    Some(TelephoneEvent {
        payload_type,
        clock_rate,
    })
}

/// The peer's `a=ptime` when sensible, else ours; Opus only codes some lengths.
fn ptime(media: &MediaDescription, policy: &MediaPolicy, codec: AudioCodec) -> u32 {
    let written = media
        .attribute_values("ptime")
        .next()
        .and_then(|v| v.trim().parse().ok());
    let ptime = written
        .filter(|p| ACCEPTED_PTIMES.contains(p))
        .unwrap_or(policy.ptime_ms);
    if codec == AudioCodec::Opus && !crate::codec::opus::valid_ptime(ptime) {
        return 20;
    }
    ptime
}

fn rejected(offered: &MediaDescription) -> MediaDescription {
    MediaDescription {
        port: 0,
        port_count: None,
        connection: None,
        bandwidths: Vec::new(),
        attributes: Vec::new(),
        ..offered.clone()
    }
}

fn rtpmap(payload_type: u8, codec: &AudioCodec) -> Attribute {
    let (name, clock) = (codec.encoding_name(), codec.rtp_clock_rate());
    let value = match codec.rtpmap_channels() {
        1 => format!("{payload_type} {name}/{clock}"),
        channels => format!("{payload_type} {name}/{clock}/{channels}"),
    };
    Attribute::new("rtpmap", value)
}

fn event_attributes(payload_type: u8, clock_rate: u32) -> [Attribute; 2] {
    [
        Attribute::new(
            "rtpmap",
            format!("{payload_type} telephone-event/{clock_rate}"),
        ),
        // Digits, star, pound, A-D and flash (RFC 4733 §3.2).
        Attribute::new("fmtp", format!("{payload_type} 0-16")),
    ]
}

fn audio_line(
    port: u16,
    proto: &str,
    formats: &[u8],
    attributes: Vec<Attribute>,
) -> MediaDescription {
    MediaDescription {
        media: "audio".to_owned(),
        port,
        port_count: None,
        proto: proto.to_owned(),
        formats: formats.iter().map(u8::to_string).collect(),
        connection: None,
        bandwidths: Vec::new(),
        attributes,
    }
}

fn description(local: &LocalMedia, media: Vec<MediaDescription>) -> SessionDescription {
    SessionDescription {
        origin: Origin {
            username: "-".to_owned(),
            session_id: local.session_id,
            session_version: local.session_version,
            address: local.address,
        },
        session_name: "-".to_owned(),
        connection: Some(Connection {
            address: local.address,
        }),
        bandwidths: Vec::new(),
        times: vec!["0 0".to_owned()],
        attributes: Vec::new(),
        media,
    }
}

#[cfg(test)]
mod tests;
