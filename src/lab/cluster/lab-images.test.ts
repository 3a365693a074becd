import { describe, expect, it } from 'vitest';
import { imagesDir, parseImagesTsv } from './lab-images.js';

describe('parseImagesTsv', () => {
  it.each([
    ['one line', 'pause\tregistry.k8s.io/pause:3.10.2\t/c/pause.oci.tar\n', ['pause']],
    ['several, blank lines skipped', 'a\tx:1\t/a.tar\n\nb\ty:2\t/b.tar\n', ['a', 'b']],
    ['a line without archive is skipped', 'a\tx:1\n', []],
    ['empty', '', []],
  ])('%s', (_name, text, names) => {
    expect(parseImagesTsv(text).map((i) => i.name)).toEqual(names);
  });

  it('keeps reference and archive', () => {
    expect(parseImagesTsv('barelb\tlocalhost/barelb:dev\t/c/barelb.oci.tar\n')).toEqual([
      { name: 'barelb', reference: 'localhost/barelb:dev', archive: '/c/barelb.oci.tar' },
    ]);
  });
});

describe('imagesDir', () => {
  it.each([
    [{ BARELB_CACHE_DIR: '/c' }, '/c/images'],
    [{ XDG_CACHE_HOME: '/x' }, '/x/barelb/images'],
  ])('%j -> %s', (env, want) => {
    expect(imagesDir(env)).toBe(want);
  });
});
