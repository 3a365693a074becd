import { apiErrorFields, apiErrorText } from '../k8s/api-error-text.js';

export interface LogLine {
  readonly level: 'debug' | 'warn';
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

/**
 * The log line for a reconcile that failed and will be retried. A 409 is expected: right after taking the
 * lead, the cache still lags behind the fresh list the allocator was rebuilt from, and the Service's update
 * event requeues it; so debug, no stack. Other known API failures get plain words; only an error nobody
 * explained keeps its stack (`err`).
 */
export function reconcileFailureLog(key: string, err: unknown, retries: number): LogLine {
  const fields = { event: 'reconcile_failed', key, retries, ...apiErrorFields(err) };
  return apiErrorText(err).expected
    ? { level: 'debug', fields, msg: `${key}: ${fields.reason}` }
    : { level: 'warn', fields, msg: `reconcile of ${key} failed; will retry: ${fields.reason}` };
}
