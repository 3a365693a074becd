import type { AnnouncementPlan } from './announcement-plan.js';

/**
 * What the speaker says about a plan besides acting on it: log lines naming the Services of every IP
 * it gains or gives up (an operator greps logs for a Service, not an IP), and the series of the
 * per-Service announced gauge. Pure: the speaker's shell writes them.
 */

/** One log line: its fields and message. */
export interface ReportLine {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly msg: string;
}

/** The parts of a plan the report reads; of `owned`, only which IPs. */
type PlanPart = Pick<AnnouncementPlan, 'takeovers' | 'takeoverWhy' | 'decisions'> & {
  readonly owned: ReadonlyMap<string, unknown>;
};

/** A line per IP taken over, then one per IP announced before and not any more. */
export function announcementLines(plan: PlanPart, announcing: Iterable<string>): ReportLine[] {
  const lines: ReportLine[] = plan.takeovers.map((ip) => ({
    fields: {
      event: 'takeover',
      ip,
      services: plan.decisions.get(ip)?.services,
      why: plan.takeoverWhy.get(ip),
    },
    msg: 'announcing an IP',
  }));
  for (const ip of announcing) {
    if (plan.owned.has(ip)) continue;
    const d = plan.decisions.get(ip);
    lines.push({
      fields: {
        event: 'released',
        ip,
        services: d?.services,
        // An IP whose Services are gone has no decision left.
        why: d?.reason.why ?? 'gone',
        owner: d?.reason.why === 'other-owner' ? d.reason.owner : undefined,
      },
      msg: 'no longer announcing an IP',
    });
  }
  return lines;
}

/** The labels of one announced series: a Service, one of its IPs, this node. */
export interface AnnouncedLabels {
  readonly service: string;
  readonly ip: string;
  readonly node: string;
}

/** Every (Service, IP) this node announces, keyed for comparison with the last plan's. */
export function announcedSeries(plan: PlanPart, node: string): Map<string, AnnouncedLabels> {
  const series = new Map<string, AnnouncedLabels>();
  for (const ip of plan.owned.keys())
    for (const service of plan.decisions.get(ip)?.services ?? [])
      series.set(`${service} ${ip}`, { service, ip, node });
  return series;
}

/** The series to remove (announced no more) and to set, going from `before` to `after`. */
export function seriesChanges(
  before: ReadonlyMap<string, AnnouncedLabels>,
  after: ReadonlyMap<string, AnnouncedLabels>,
): { readonly remove: AnnouncedLabels[]; readonly set: AnnouncedLabels[] } {
  return {
    remove: [...before].filter(([k]) => !after.has(k)).map(([, l]) => l),
    set: [...after].filter(([k]) => !before.has(k)).map(([, l]) => l),
  };
}
