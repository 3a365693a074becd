import { describe, expect, it } from 'vitest';
import { formatVersion, versionText } from './version.js';

describe('version', () => {
  it.each([
    { version: '0.1.0', commit: 'abc123def456', want: 'barelb 0.1.0 (commit abc123def456)' },
    { version: '1.2.3', commit: undefined, want: 'barelb 1.2.3 (commit unknown)' },
  ])('$want', ({ version, commit, want }) => {
    expect(formatVersion(version, commit)).toBe(want);
  });

  it('from a checkout: the package version and the current commit', () => {
    expect(versionText()).toMatch(/^barelb \d+\.\d+\.\d+ \(commit [0-9a-f]{12}\)$/);
  });
});
