//! The media layer: RTP/RTCP sessions, SDP offer/answer, codecs, DTMF,
//! playing and recording audio, and bridging two call legs.
