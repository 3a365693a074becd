import type { CoreV1Api } from '@kubernetes/client-node';

export async function ensureNamespace(core: CoreV1Api, name: string): Promise<void> {
  try {
    await core.readNamespace({ name });
  } catch {
    // Callers may race to create the same namespace: AlreadyExists is success.
    await core.createNamespace({ body: { metadata: { name } } }).catch((err: unknown) => {
      if ((err as { code?: number }).code !== 409) throw err;
    });
  }
}
