import { isWarning } from '../config/config-error.js';
import type { ConfigError } from '../config/types.js';

/** What the controller knows about the pool/advertisement config it allocates from. */
export interface ConfigHealthInput {
  /** The errors of the config in use; undefined while none has been built (a standby that never led). */
  readonly errors: readonly ConfigError[] | undefined;
  /** The IPAddressPool and L2Advertisement watches run, so the cache the config was built from is current. */
  readonly watchesUp: boolean;
}

/** The values of `barelb_controller_config_loaded` and `barelb_controller_config_stale`. */
export interface ConfigHealth {
  readonly loaded: 0 | 1;
  readonly stale: 0 | 1;
}

/**
 * loaded: a config is in use and every object went into it (warnings, such as an advertisement naming a
 * pool not created yet, leave the object in and do not count).
 *
 * stale: a config is in use but may no longer match the objects in the API, because a watch is down and
 * the cache it was built from has stopped following them. BareLB never keeps an older version of an
 * object it finds invalid (it leaves that object out, see buildConfig), so a broken watch is the one way
 * the config in use can lag behind what an operator applied.
 */
export function configHealth(i: ConfigHealthInput): ConfigHealth {
  if (i.errors === undefined) return { loaded: 0, stale: 0 };
  return {
    loaded: i.errors.every(isWarning) ? 1 : 0,
    stale: i.watchesUp ? 0 : 1,
  };
}
