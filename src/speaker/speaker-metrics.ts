import { Counter, Gauge, type Registry } from 'prom-client';
import { RESPONDER_DROP_REASONS } from '../layer2/responder.js';

export function speakerMetrics(registry: Registry) {
  const registers = [registry];
  const m = {
    requests: new Counter({
      name: 'barelb_speaker_requests_total',
      help: 'ARP requests and Neighbor Solicitations answered for owned IPs',
      labelNames: ['kind'] as const,
      registers,
    }),
    replies: new Counter({
      name: 'barelb_speaker_replies_sent_total',
      help: 'ARP replies and Neighbor Advertisements sent',
      labelNames: ['kind'] as const,
      registers,
    }),
    gratuitous: new Counter({
      name: 'barelb_speaker_gratuitous_sent_total',
      help: 'Gratuitous ARPs and unsolicited NAs sent on takeover',
      labelNames: ['family'] as const,
      registers,
    }),
    conflicts: new Counter({
      name: 'barelb_speaker_conflicts_total',
      help: 'Another MAC claimed an IP this node owns',
      labelNames: ['ip'] as const,
      registers,
    }),
    announcedIps: new Gauge({
      name: 'barelb_speaker_announced_ips',
      help: 'IPs this node announces',
      registers,
    }),
    // As MetalLB's metallb_speaker_announced: one series per Service and IP this node announces.
    announced: new Gauge({
      name: 'barelb_speaker_announced',
      help: 'A Service IP this node announces (1), by Service, IP and node',
      labelNames: ['service', 'ip', 'node'] as const,
      registers,
    }),
    dropped: new Counter({
      name: 'barelb_speaker_frames_dropped_total',
      help: 'Frames not answered, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    heartbeatsRejected: new Counter({
      name: 'barelb_speaker_heartbeats_rejected_total',
      help: 'Heartbeats refused: bad MAC, replayed, malformed',
      labelNames: ['reason'] as const,
      registers,
    }),
    heartbeatSendFailures: new Counter({
      name: 'barelb_speaker_heartbeat_send_failures_total',
      help: 'Heartbeat datagrams not sent: too-large (refused before sending) or the socket error code',
      labelNames: ['reason'] as const,
      registers,
    }),
    healthScore: new Gauge({
      name: 'barelb_speaker_local_health_score',
      help: 'How starved this speaker finds itself (late timers); above 0 it widens its own timeouts',
      registers,
    }),
    peersAlive: new Gauge({
      name: 'barelb_speaker_peers_alive',
      help: 'Peers heard within the dead-after time',
      registers,
    }),
    apiWrites: new Counter({
      name: 'barelb_speaker_api_writes_total',
      help: 'Writes to the Kubernetes API by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    elections: new Counter({
      name: 'barelb_speaker_elections_total',
      help: 'Ownership computations',
      registers,
    }),
    bgpSessionUp: new Gauge({
      name: 'barelb_speaker_bgp_session_up',
      help: 'BGP mode: 1 while the session with the peer is Established, else 0',
      labelNames: ['peer'] as const,
      registers,
    }),
    bgpRoutes: new Gauge({
      name: 'barelb_speaker_bgp_routes',
      help: 'BGP mode: prefixes this node advertises to the peer (withdrawn ones not counted)',
      labelNames: ['peer'] as const,
      registers,
    }),
    bgpMessagesSent: new Counter({
      name: 'barelb_speaker_bgp_messages_sent_total',
      help: 'BGP mode: messages sent to the peer by type (open, update, keepalive, notification)',
      labelNames: ['peer', 'type'] as const,
      registers,
    }),
    bfdSessionUp: new Gauge({
      name: 'barelb_speaker_bfd_session_up',
      help: 'BGP mode: 1 while the BFD session with the peer is Up, else 0; absent for a peer without BFD',
      labelNames: ['peer'] as const,
      registers,
    }),
  };
  for (const reason of RESPONDER_DROP_REASONS) m.dropped.inc({ reason }, 0);
  return m;
}

export type SpeakerMetrics = ReturnType<typeof speakerMetrics>;
