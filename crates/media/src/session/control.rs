//! The RTCP loop: a report every interval, and the peer's reports read back.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::debug;

use super::Shared;
use super::receive::canonical;
use crate::rtp::rtcp::{Report, SenderInfo};

/// Seconds from 1900 (NTP era 0) to 1970 (Unix epoch).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

pub(crate) async fn rtcp_loop(shared: Arc<Shared>) {
    let mut ticker = tokio::time::interval(shared.config.rtcp_interval());
    ticker.tick().await;
    let mut buf = vec![0u8; 1500];
    loop {
        tokio::select! {
            () = shared.hangup.cancelled() => return,
            _ = ticker.tick() => send_report(&shared).await,
            r = shared.rtcp.recv_from(&mut buf) => match r {
                Ok((n, from)) => on_report(&shared, &buf[..n], canonical(from)),
                Err(error) => debug!(%error, "RTCP receive error"),
            },
        }
    }
}

/// An SR when we have sent since the start, else an RR (RFC 3550 §6.4).
async fn send_report(shared: &Shared) {
    let Some(target) = shared.state().remote_rtcp else {
        return;
    };
    let report = {
        let mut c = shared.counters();
        let mut block = c.receiver.report_block();
        if let (Some(b), Some((lsr, at))) = (block.as_mut(), c.last_sr) {
            b.last_sr = lsr;
            b.delay_since_last_sr = (at.elapsed().as_secs_f64() * 65536.0) as u32;
        }
        let sender = (c.packets_sent > 0).then(|| SenderInfo {
            ntp_timestamp: ntp_now(),
            rtp_timestamp: c.last_sent_timestamp,
            packet_count: c.packets_sent as u32,
            octet_count: c.octets_sent as u32,
        });
        Report {
            ssrc: shared.ssrc,
            sender,
            blocks: block.into_iter().collect(),
        }
    };
    let cname = format!("switchboard-{}", shared.session_id);
    if let Err(error) = shared
        .rtcp
        .send_to(&report.to_compound(&cname), shared.socket_form(target))
        .await
    {
        debug!(%target, %error, "RTCP send failed");
    }
}

/// Tells the peer we are leaving; best effort, as RTCP is.
pub(crate) async fn send_goodbye(shared: &Shared) {
    let Some(target) = shared.state().remote_rtcp else {
        return;
    };
    let cname = format!("switchboard-{}", shared.session_id);
    let packet = crate::rtp::rtcp::goodbye(shared.ssrc, &cname);
    if let Err(error) = shared
        .rtcp
        .send_to(&packet, shared.socket_form(target))
        .await
    {
        debug!(%target, %error, "RTCP BYE send failed");
    }
}

fn on_report(shared: &Shared, data: &[u8], from: std::net::SocketAddr) {
    {
        let mut state = shared.state();
        let expected_ip = state.remote_rtp.map(|a| a.ip());
        if expected_ip != Some(from.ip()) {
            return;
        }
        if std::mem::take(&mut state.rtcp_latch_armed) {
            state.remote_rtcp = Some(from);
        }
    }
    let Some(reports) = Report::parse_compound(data) else {
        shared.counters().dropped += 1;
        return;
    };
    let mut c = shared.counters();
    for report in reports {
        if let Some(sender) = report.sender {
            c.last_sr = Some((
                (sender.ntp_timestamp >> 16) as u32,
                std::time::Instant::now(),
            ));
        }
        if let Some(block) = report.blocks.iter().find(|b| b.ssrc == shared.ssrc) {
            c.remote_report = Some(*block);
        }
    }
}

fn ntp_now() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = now.as_secs() + NTP_UNIX_OFFSET;
    let fraction = (u64::from(now.subsec_nanos()) << 32) / 1_000_000_000;
    (seconds << 32) | fraction
}
