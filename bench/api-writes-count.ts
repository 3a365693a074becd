/**
 * Pure reading of the lab apiserver's audit log (one audit.k8s.io/v1 Event a line, writes only; see
 * AUDIT_POLICY in src/lab/cluster/control-plane-specs.ts) for `npm run bench:api-writes`: who wrote
 * what in a time window, as the API server saw it (issue 14).
 */

/** The fields of an audit Event read here. */
export interface AuditEvent {
  readonly verb?: string;
  readonly user?: { readonly username?: string };
  /** Set when a client impersonates (the lab's host-process BareLB impersonates its ServiceAccounts). */
  readonly impersonatedUser?: { readonly username?: string };
  readonly sourceIPs?: readonly string[];
  readonly objectRef?: {
    readonly resource?: string;
    readonly subresource?: string;
    readonly apiGroup?: string;
  };
  readonly requestReceivedTimestamp?: string;
}

/**
 * Load balancers' ServiceAccounts and the writer each is reported as: BareLB's, and MetalLB's as
 * `npm run bench:vs-metallb` installs it (its release manifest's `metallb-system` ServiceAccounts).
 */
const SPEAKER_SAS: ReadonlyMap<string, string> = new Map([
  ['system:serviceaccount:barelb-system:barelb-speaker', 'speaker'],
  ['system:serviceaccount:metallb-system:speaker', 'metallb speaker'],
]);
const CONTROLLER_SAS: ReadonlyMap<string, string> = new Map([
  ['system:serviceaccount:barelb-system:barelb-controller', 'controller'],
  ['system:serviceaccount:metallb-system:controller', 'metallb controller'],
]);

/**
 * Who made a write: `speaker <node>` (by the source address: speakers run on their node's network),
 * `controller`, the same prefixed `metallb ` for MetalLB's, or the API user for everyone else (the
 * apiserver's own Lease, kube-controller-manager, the lab's admin).
 */
export function writerOf(e: AuditEvent, nodeByIp: ReadonlyMap<string, string>): string {
  const who = e.impersonatedUser?.username ?? e.user?.username ?? '?';
  const speaker = SPEAKER_SAS.get(who);
  if (speaker !== undefined) {
    const ip = e.sourceIPs?.[0] ?? '?';
    return `${speaker} ${nodeByIp.get(ip) ?? ip}`;
  }
  return CONTROLLER_SAS.get(who) ?? who;
}

/** `leases`, `services/status`, `servicel2statuses.barelb.io`: resource, subresource, group. */
export function resourceOf(e: AuditEvent): string {
  const r = e.objectRef;
  if (!r?.resource) return '?';
  const group = r.apiGroup && r.apiGroup !== 'coordination.k8s.io' ? `.${r.apiGroup}` : '';
  return `${r.resource}${group}${r.subresource ? `/${r.subresource}` : ''}`;
}

/** writer → resource → writes, for events received in [from, to). Lines that are not JSON are skipped. */
export type WriteCounts = Map<string, Map<string, number>>;

export function countWrites(
  lines: Iterable<string>,
  from: number,
  to: number,
  nodeByIp: ReadonlyMap<string, string>,
): WriteCounts {
  const out: WriteCounts = new Map();
  for (const line of lines) {
    if (line.trim() === '') continue;
    let e: AuditEvent;
    try {
      e = JSON.parse(line) as AuditEvent;
    } catch {
      continue;
    }
    const at = Date.parse(e.requestReceivedTimestamp ?? '');
    if (!(at >= from && at < to)) continue;
    const writer = writerOf(e, nodeByIp);
    const byResource = out.get(writer) ?? new Map<string, number>();
    const resource = resourceOf(e);
    byResource.set(resource, (byResource.get(resource) ?? 0) + 1);
    out.set(writer, byResource);
  }
  return out;
}

const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const rate = (n: number, windowS: number) => `${(n / windowS).toFixed(3)}/s`;
const detail = (m: ReadonlyMap<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');

/** The bench's report: per writer, per speaker node, per resource, BareLB's and everyone's totals. */
export function writesReport(counts: WriteCounts, windowS: number, nodes: readonly string[]): string[] {
  const writers = [...counts.keys()].sort((a, b) => {
    const rank = (w: string) => (w.startsWith('speaker ') ? 0 : w === 'controller' ? 1 : 2);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const width = Math.max(10, ...writers.map((w) => w.length));
  const lines = [`writes in ${windowS} s, per second, by writer (count by resource):`];
  for (const w of writers) {
    const m = counts.get(w) ?? new Map();
    lines.push(`  ${w.padEnd(width)}  ${rate(sum(m), windowS).padStart(9)}  (${detail(m)})`);
  }
  const perNode = nodes.map((n) => sum(counts.get(`speaker ${n}`) ?? new Map()) / windowS);
  const speakers = perNode.reduce((a, b) => a + b, 0);
  const controller = sum(counts.get('controller') ?? new Map()) / windowS;
  lines.push(
    `speaker writes per node: ${nodes.map((n, i) => `${n} ${(perNode[i] ?? 0).toFixed(3)}/s`).join(', ')}; ` +
      `max ${Math.max(0, ...perNode).toFixed(3)}/s`,
  );
  lines.push(`controller writes: ${controller.toFixed(3)}/s`);
  const byResource = new Map<string, number>();
  for (const m of counts.values()) for (const [r, n] of m) byResource.set(r, (byResource.get(r) ?? 0) + n);
  lines.push(`all writers, per resource: ${detail(byResource)}`);
  const total = sum(byResource);
  lines.push(
    `total: BareLB ${(speakers + controller).toFixed(3)}/s (speakers ${speakers.toFixed(3)}/s), ` +
      `every writer ${rate(total, windowS)}`,
  );
  return lines;
}
