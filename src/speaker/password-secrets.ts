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
import { trimMeta } from '../k8s/trim.js';

type SecretView = KubernetesObject & PasswordSecret;

/** Keeps a Secret's type and its decoded `password` key: no other key of any Secret stays in memory. */
export function trimPasswordSecret(o: unknown): SecretView {
  const r = (o ?? {}) as { metadata?: unknown; type?: unknown; data?: { password?: unknown } };
  const encoded = r.data?.password;
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
    if (!this.informer) {
      if (![...peers].some((p) => p.passwordSecret !== undefined)) return { secrets: new Map(), wait: false };
      this.informer = new ResilientInformer<SecretView>(
        this.api,
        `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/secrets`,
        { onAdd: this.onChange, onUpdate: this.onChange, onDelete: this.onChange },
        this.log,
        { trim: trimPasswordSecret, onError: () => (this.failed = true) },
      );
      void this.informer.start();
    }
    if (this.informer.listedAt() === undefined) return { secrets: undefined, wait: !this.failed };
    const items = this.informer.items();
    if (this.last?.items !== items) {
      const byName = new Map<string, SecretView>();
      for (const s of items) if (s.metadata?.name) byName.set(s.metadata.name, s);
      this.last = { items, byName };
    }
    return { secrets: this.last.byName, wait: false };
  }

  async stop(): Promise<void> {
    await this.informer?.stop();
  }
}
