/**
 * How starved this speaker is, from how late its own timers fire: Lifeguard's "local health awareness"
 * (Dadgar et al., 2018; hashicorp/memberlist's awareness). A node whose event loop is stalled (CPU
 * starvation, GC, a paused VM) misses the peers' heartbeats queued behind its own timers and would
 * accuse healthy peers; instead it reads what waited before accusing anyone after a stall, and widens its own
 * timeouts by half a timeout per point (Lifeguard widens by a whole one; ours start at 400 ms, not
 * seconds, and a dead peer must still be noticed within the 1 s failover budget at score 1). Lateness is measured on the monotonic clock, so an NTP step is not a stall.
 */
export interface LocalHealth {
  /** 0 = healthy; at most maxScore. */
  readonly score: number;
  /** On-time ticks since the score last changed; `recoverTicks` of them lower it by one. */
  readonly onTime: number;
  /** End of the last stall (monotonic ms): no peer is accused until a heartbeat interval after it. */
  readonly stallEnd: number;
}

export interface LocalHealthConfig {
  readonly maxScore: number;
  /** A tick later than this counts as a stall. */
  readonly lateMs: number;
  /** On-time ticks needed to lower the score by one (slow recovery, as in Lifeguard). */
  readonly recoverTicks: number;
}

/** Recovery of a point per second of on-time 100 ms ticks: a restart's busy first seconds are soon forgotten. */
export const DEFAULT_LOCAL_HEALTH: LocalHealthConfig = { maxScore: 4, lateMs: 50, recoverTicks: 10 };

export const HEALTHY: LocalHealth = { score: 0, onTime: 0, stallEnd: Number.NEGATIVE_INFINITY };

/**
 * One timer tick that was due `lateMs` ago, observed at `now`. A stall raises the score by one per
 * `lateMs` of delay over the threshold (at least one), so a 1 s pause counts more than a 60 ms hiccup.
 */
export function noteTick(h: LocalHealth, late: number, now: number, c: LocalHealthConfig): LocalHealth {
  if (late > c.lateMs) {
    const raise = Math.max(1, Math.floor(late / (4 * c.lateMs)));
    return { score: Math.min(c.maxScore, h.score + raise), onTime: 0, stallEnd: now };
  }
  if (h.score === 0) return h.onTime === 0 ? h : { ...h, onTime: 0 };
  const onTime = h.onTime + 1;
  return onTime >= c.recoverTicks ? { ...h, score: h.score - 1, onTime: 0 } : { ...h, onTime };
}

/** Being accused while alive is evidence of being slow (Lifeguard raises the score on a refute). */
export function noteAccused(h: LocalHealth, c: LocalHealthConfig): LocalHealth {
  return { ...h, score: Math.min(c.maxScore, h.score + 1), onTime: 0 };
}

export function scaleTimeout(h: LocalHealth, ms: number): number {
  return ms * (1 + h.score / 2);
}
