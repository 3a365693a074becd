// Reading an image from an OCI archive (an OCI image layout in a tar, as `buildah push oci-archive:`
// writes it) without a container engine: which blobs are its layers, and what each layer deletes from the
// ones below it (the image spec's whiteouts, https://github.com/opencontainers/image-spec/blob/main/layer.md).

/** The blob file of a digest inside an OCI layout. */
export function blobPath(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${digest}`);
  return `blobs/sha256/${m[1]}`;
}

function digestsOf(list: unknown, what: string): string[] {
  if (!Array.isArray(list)) throw new Error(`no ${what} list`);
  return list.map((d: unknown) => {
    const digest = (d as { digest?: unknown } | null)?.digest;
    if (typeof digest !== 'string') throw new Error(`a ${what} entry without a digest`);
    return digest;
  });
}

/** The digest of the manifest an archive's index.json names; an archive of one image has exactly one. */
export function manifestDigest(index: unknown): string {
  const digests = digestsOf((index as { manifests?: unknown } | null)?.manifests, 'manifests');
  if (digests.length !== 1) throw new Error(`expected one manifest in the index, found ${digests.length}`);
  return digests[0] as string;
}

/** The layers of an image manifest, bottom first. */
export function layerDigests(manifest: unknown): string[] {
  return digestsOf((manifest as { layers?: unknown } | null)?.layers, 'layers');
}

export interface Whiteouts {
  /** Paths to delete from the layers below before this one is unpacked. */
  readonly remove: readonly string[];
  /** Directories whose contents from the layers below are deleted (`.wh..wh..opq`). */
  readonly opaque: readonly string[];
}

/** What a layer's entries (as `tar -t` lists them) delete from the layers below it. */
export function whiteouts(entries: readonly string[]): Whiteouts {
  const remove: string[] = [];
  const opaque: string[] = [];
  for (const entry of entries) {
    const path = entry.replace(/^\.\//, '').replace(/\/$/, '');
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const base = path.slice(slash + 1);
    if (base === '.wh..wh..opq') opaque.push(dir);
    else if (base.startsWith('.wh.')) remove.push(dir === '' ? base.slice(4) : `${dir}/${base.slice(4)}`);
  }
  return { remove, opaque };
}
