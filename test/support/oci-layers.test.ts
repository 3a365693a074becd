import { describe, expect, it } from 'vitest';
import { blobPath, layerDigests, manifestDigest, whiteouts } from './oci-layers.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('blobPath', () => {
  it.each([
    { digest: A, want: `blobs/sha256/${'a'.repeat(64)}` },
    { digest: 'sha256:abc', want: Error },
    { digest: `sha512:${'a'.repeat(64)}`, want: Error },
    { digest: `sha256:${'a'.repeat(63)}/`, want: Error },
    { digest: `sha256:../${'a'.repeat(61)}`, want: Error },
  ])('$digest', ({ digest, want }) => {
    if (want === Error) expect(() => blobPath(digest)).toThrow(/not a sha256 digest/);
    else expect(blobPath(digest)).toBe(want);
  });
});

describe('manifestDigest', () => {
  it.each([
    { name: 'one manifest', index: { manifests: [{ digest: A }] }, want: A },
    { name: 'two manifests', index: { manifests: [{ digest: A }, { digest: B }] }, want: /found 2/ },
    { name: 'none', index: { manifests: [] }, want: /found 0/ },
    { name: 'no list', index: {}, want: /no manifests list/ },
    { name: 'not an object', index: null, want: /no manifests list/ },
    { name: 'an entry without a digest', index: { manifests: [{}] }, want: /without a digest/ },
  ])('$name', ({ index, want }) => {
    if (want instanceof RegExp) expect(() => manifestDigest(index)).toThrow(want);
    else expect(manifestDigest(index)).toBe(want);
  });
});

describe('layerDigests', () => {
  it.each([
    { name: 'bottom first, as listed', manifest: { layers: [{ digest: A }, { digest: B }] }, want: [A, B] },
    { name: 'no layers', manifest: { layers: [] }, want: [] },
    { name: 'no list', manifest: { config: {} }, want: /no layers list/ },
  ])('$name', ({ manifest, want }) => {
    if (want instanceof RegExp) expect(() => layerDigests(manifest)).toThrow(want);
    else expect(layerDigests(manifest)).toEqual(want);
  });
});

describe('whiteouts', () => {
  it.each([
    {
      name: 'plain files',
      entries: ['app/', 'app/a.js', './usr/bin/node'],
      want: { remove: [], opaque: [] },
    },
    {
      name: 'a deleted file',
      entries: ['app/', 'app/.wh.old.js'],
      want: { remove: ['app/old.js'], opaque: [] },
    },
    { name: 'at the top, with ./', entries: ['./.wh.tmp'], want: { remove: ['tmp'], opaque: [] } },
    {
      name: 'an opaque directory',
      entries: ['app/node_modules/.wh..wh..opq'],
      want: { remove: [], opaque: ['app/node_modules'] },
    },
    {
      name: 'a deleted directory (listed with /)',
      entries: ['a/.wh.b/'],
      want: { remove: ['a/b'], opaque: [] },
    },
    {
      name: '.wh. inside a name is no whiteout',
      entries: ['a/x.wh.y', 'a.wh.b/c'],
      want: { remove: [], opaque: [] },
    },
  ])('$name', ({ entries, want }) => {
    expect(whiteouts(entries)).toEqual(want);
  });
});
