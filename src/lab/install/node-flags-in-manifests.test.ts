import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cluster/binaries.js';
import { NODE_FLAGS } from './barelb-specs.js';

/** The container command's node flags in a manifest: `command: [node, <flags...>, /app/dist/bin/barelb.js]`. */
function nodeFlagsIn(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const line = text.split('\n').find((l) => /^\s*command: \[node,.*\/app\/dist\/bin\/barelb\.js/.test(l));
  if (!line) throw new Error(`${file}: no "command: [node, ...]" line`);
  const items = (line.slice(line.indexOf('[') + 1, line.lastIndexOf(']')) ?? '')
    .split(',')
    .map((s) => s.trim());
  return items.slice(1, items.indexOf('/app/dist/bin/barelb.js'));
}

// The lab's host processes must weigh and time what the manifests run.
describe("the V8 flags of deploy/ and the chart are the lab's NODE_FLAGS", () => {
  it.each([
    ['deploy/speaker.yaml', NODE_FLAGS.speaker],
    ['deploy/controller.yaml', NODE_FLAGS.controller],
    ['charts/barelb/templates/speaker.yaml', NODE_FLAGS.speaker],
    ['charts/barelb/templates/controller.yaml', NODE_FLAGS.controller],
  ])('%s', (file, flags) => {
    expect(nodeFlagsIn(file)).toEqual([...flags]);
  });
});
