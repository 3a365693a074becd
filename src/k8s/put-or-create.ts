import { type KubeApi, statusCode } from './kube-api.js';

/**
 * Writes a whole object that only its writer changes (a status record without a spec): replaces it
 * at its current resourceVersion, or creates it when it is missing. `collection` is the path of the
 * object's list, `body` carries metadata.name.
 */
export async function putOrCreate(
  api: KubeApi,
  collection: string,
  body: { readonly metadata: { readonly name: string } } & Record<string, unknown>,
): Promise<void> {
  const path = `${collection}/${encodeURIComponent(body.metadata.name)}`;
  try {
    const current = await api.request<{ metadata?: { resourceVersion?: string } }>('GET', path);
    await api.request('PUT', path, {
      discard: true,
      body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } },
    });
  } catch (err) {
    if (statusCode(err) !== 404) throw err;
    await api.request('POST', collection, { body, discard: true });
  }
}

/** Deletes an object by path; one already gone is not an error. */
export async function deleteIfPresent(api: KubeApi, path: string): Promise<void> {
  await api.request('DELETE', path, { discard: true }).catch((err: unknown) => {
    if (statusCode(err) !== 404) throw err;
  });
}
