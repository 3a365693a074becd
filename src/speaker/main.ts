import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ElectionChecks } from '../election/candidates.js';
import { systemClock } from '../k8s/clock.js';
import { ApiEventRecorder } from '../k8s/event-recorder.js';
import { apiLeaseClient } from '../k8s/lease-client.js';
import { loadKubeApi } from '../k8s/load-kube-api.js';
import { openFrameConnection } from '../layer2/frame-socket.js';
import { startHttpServer } from '../metrics/http-server.js';
import { stopSignal } from '../runtime/stop-signal.js';
import { announceInterfaces } from './default-interfaces.js';
import { Speaker } from './speaker.js';
import { speakerMetrics } from './speaker-metrics.js';
import { assertTiming } from './speaker-timing.js';

export interface SpeakerCliOptions {
  readonly kubeconfig?: string | undefined;
  readonly node: string;
  readonly namespace: string;
  readonly lbClass: string;
  readonly metricsAddr: string;
  readonly heartbeatKey?: string | undefined;
  readonly heartbeatKeyFile?: string | undefined;
  readonly heartbeatPort: number;
  readonly heartbeatIntervalMs: number;
  readonly deadAfterMs: number;
  readonly isolationMs: number;
  readonly handoverMs: number;
  readonly leaseRenewMs: number;
  readonly kubeProxyHealthUrl: string;
  readonly checks: ElectionChecks;
  readonly probeIntervalMs: number;
  readonly probeTimeoutMs: number;
  readonly excludeInterfaces: readonly string[];
}

async function heartbeatKey(o: SpeakerCliOptions): Promise<Uint8Array> {
  const text =
    o.heartbeatKey ?? (o.heartbeatKeyFile ? (await readFile(o.heartbeatKeyFile, 'utf8')).trim() : undefined);
  if (!text || text.length < 16) {
    throw new Error(
      'a heartbeat key of at least 16 characters is required (--heartbeat-key-file or BARELB_HEARTBEAT_KEY, from the barelb-memberlist Secret)',
    );
  }
  return Buffer.from(text, 'utf8');
}

/** Runs the speaker until SIGTERM/SIGINT, then hands its IPs over and exits. */
export async function runSpeaker(o: SpeakerCliOptions, log: Logger): Promise<void> {
  const signal = stopSignal(log);
  if (!o.node) throw new Error('--node (or NODE_NAME) is required');
  assertTiming(o);
  const api = await loadKubeApi(o.kubeconfig, log.child({ component: 'kubeconfig' }));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'barelb_speaker_' });
  const metrics = speakerMetrics(registry);
  const events = new ApiEventRecorder(
    api,
    'barelb-speaker',
    o.node,
    log.child({ component: 'events' }),
    systemClock,
  );
  const speaker = new Speaker(
    {
      node: o.node,
      namespace: o.namespace,
      lbClass: o.lbClass,
      heartbeatKey: await heartbeatKey(o),
      heartbeatPort: o.heartbeatPort,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      deadAfterMs: o.deadAfterMs,
      isolationMs: o.isolationMs,
      handoverMs: o.handoverMs,
      leaseRenewMs: o.leaseRenewMs,
      checks: o.checks,
      prober: {
        kubeProxyHealthUrl: o.checks.kubeProxy ? o.kubeProxyHealthUrl : undefined,
        probeNodePorts: o.checks.nodePort,
        intervalMs: o.probeIntervalMs,
        timeoutMs: o.probeTimeoutMs,
      },
    },
    {
      api,
      log: log.child({ component: 'speaker', node: o.node }),
      metrics,
      events,
      leases: apiLeaseClient(api),
      openFrames: openFrameConnection,
      interfaces: () => announceInterfaces(o.excludeInterfaces),
    },
  );
  let started = false;
  const server = await startHttpServer(
    o.metricsAddr,
    registry,
    { healthy: () => true, ready: () => (started ? speaker.ready() : { ok: false, reason: 'starting' }) },
    log.child({ component: 'http' }),
  );
  await speaker.start();
  started = true;
  signal.running();
  log.info({ event: 'speaker_started', node: o.node }, 'speaker running');
  const sig = await signal.stopped;
  log.info({ event: 'shutdown', signal: sig }, 'handing over and stopping');
  await speaker.stop();
  await events.stop();
  server.close();
}
