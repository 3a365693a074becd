/**
 * The Secrets of the speaker's namespace that BGPPeers' passwordSecrets name, watched only once some
 * BGPPeer names one: a speaker without BGP passwords reads no Secret at all.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { PasswordSecret } from '../bgp/peer-password.js';
import type { BgpPeerConfig } from '../config/bgp-types.js';
import type { KubeApi } from '../k8s/kube-api.js';
import { ResilientInformer } from '../k8s/resilient-informer.js';
import { rec, trimMeta } from '../k8s/trim.js';

type SecretView = KubernetesObject & PasswordSecret;

/** Where the watch of the Secrets stands, as far as a session about to open is concerned. */
export interface SecretsWatchState {
  /** Some BGPPeer names a passwordSecret (the watch starts, or has started). */
  readonly needed: boolean;
  readonly listed: boolean;
  /** A list or watch has failed since the watch started (RBAC, the API server away). */
  readonly failed: boolean;
}

/**
 * Whether a new session should wait for the first list of the Secrets (pure): yes while that list is
 * pending and has not failed, so that a session does not open refused ("not listed yet") only to be
 * opened again a moment later; no once it failed, so the operator sees the refusal and why.
 */
export function waitForSecrets(s: SecretsWatchState): boolean {
  return s.needed && !s.listed && !s.failed;
}

/** Keeps a Secret's type and its decoded `password` key: no other key of any Secret stays in memory. */
export function trimPasswordSecret(o: unknown): SecretView {
  const r = rec(o);
  const encoded = rec(r.data).password;
  return {
    metadata: trimMeta(r.metadata),
    type: typeof r.type === 'string' ? r.type : undefined,
    password: typeof encoded === 'string' ? Buffer.from(encoded, 'base64').toString('utf8') : undefined,
  };
}

export class PasswordSecrets {
  private informer: ResilientInformer<SecretView> | undefined;
  private failed = false;
  private last:
    | { readonly items: readonly SecretView[]; readonly byName: ReadonlyMap<string, SecretView> }
    | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
    private readonly log: Logger,
    /** Called on every change, so that a new or rotated password reaches its sessions. */
    private readonly onChange: () => void,
  ) {}

  /**
   * The Secrets by name, starting the watch the first time a peer names a passwordSecret; undefined
   * while the first list is pending. `wait` is true while that list is worth waiting for (it has not
   * failed), so that a new session does not open refused only to be opened again a moment later.
   */
  view(peers: Iterable<Pick<BgpPeerConfig, 'passwordSecret'>>): {
    readonly secrets: ReadonlyMap<string, SecretView> | undefined;
    readonly wait: boolean;
  } {
    const needed = this.informer !== undefined || [...peers].some((p) => p.passwordSecret !== undefined);
    if (needed) this.startWatch();
    const listed = this.informer?.listedAt() !== undefined;
    const wait = waitForSecrets({ needed, listed, failed: this.failed });
    if (!needed) return { secrets: new Map(), wait };
    if (!this.informer || !listed) return { secrets: undefined, wait };
    const items = this.informer.items();
    if (this.last?.items !== items) {
      const byName = new Map<string, SecretView>();
      for (const s of items) if (s.metadata?.name) byName.set(s.metadata.name, s);
      this.last = { items, byName };
    }
    return { secrets: this.last.byName, wait };
  }

  private startWatch(): void {
    if (this.informer) return;
    const informer = new ResilientInformer<SecretView>(
      this.api,
      `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/secrets`,
      { onAdd: this.onChange, onUpdate: this.onChange, onDelete: this.onChange },
      this.log,
      {
        trim: trimPasswordSecret,
        // A failed first list ends the wait: plan again, so the sessions open refused, saying why.
        onError: () => {
          if (this.failed) return;
          this.failed = true;
          this.onChange();
        },
      },
    );
    this.informer = informer;
    void informer.start();
    // A first list with no Secret in it emits no event; the sessions waiting for it must hear of it.
    void informer.synced().then(this.onChange);
  }

  async stop(): Promise<void> {
    await this.informer?.stop();
  }
}
