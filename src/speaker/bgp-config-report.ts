/**
 * BGP mode's configuration errors as Events on the objects at fault (pure). CEL refuses what one
 * object can show wrong when it is applied; what needs the other objects (a community alias no
 * Community defines, an advertisement naming a pool or peer that does not exist) is found by each
 * speaker, and goes to the object as an Event when it first appears, not on every plan. A peer that
 * waits for its BFDProfile is left out here: its BGPSessionStatus says Refused, with an Event of its own.
 */
import { type ConfigError, ConfigErrorReason, formatConfigError, isWarning } from '../config/index.js';

export interface ConfigErrorEvent {
  readonly kind: ConfigError['kind'];
  readonly name: string;
  readonly type: 'Warning';
  readonly reason: 'InvalidBGPConfiguration' | 'BGPConfigurationWarning';
  readonly message: string;
}

const keyOf = (e: ConfigError) => JSON.stringify([e.kind, e.name, e.path, e.message]);
const reportedBySession = (e: ConfigError) =>
  e.kind === 'BGPPeer' && e.reason === ConfigErrorReason.UnknownReference;

/** The errors seen now (for the next call) and an Event for each one that is new since `seen`. */
export function configErrorEvents(
  seen: ReadonlySet<string>,
  errors: readonly ConfigError[],
  node: string,
): { readonly seen: ReadonlySet<string>; readonly events: readonly ConfigErrorEvent[] } {
  const now = new Set<string>();
  const events: ConfigErrorEvent[] = [];
  for (const e of errors) {
    if (reportedBySession(e)) continue;
    const key = keyOf(e);
    now.add(key);
    if (seen.has(key)) continue;
    events.push({
      kind: e.kind,
      name: e.name,
      type: 'Warning',
      reason: isWarning(e) ? 'BGPConfigurationWarning' : 'InvalidBGPConfiguration',
      message: `${formatConfigError(e)} (seen by the speaker on node ${node})`,
    });
  }
  return { seen: now, events };
}
