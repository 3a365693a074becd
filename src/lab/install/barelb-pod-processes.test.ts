import { describe, expect, it } from 'vitest';
import { bareLbRole, environValue, innermostPid, nodeOfCgroup } from './barelb-pod-processes.js';

describe('bareLbRole', () => {
  it.each<{ argv: string[]; want: string | undefined }>([
    { argv: ['node', '--max-semi-space-size=1', '/app/dist/bin/barelb.js', 'speaker'], want: 'speaker' },
    { argv: ['node', '/app/dist/bin/barelb.js', 'controller', '--x'], want: 'controller' },
    // The init container that makes the heartbeat key is not a component.
    { argv: ['node', '/app/dist/bin/barelb.js', 'heartbeat-key'], want: undefined },
    // A host-process speaker of another lab runs the checkout's dist, not the image's.
    { argv: ['node', '/work/main/dist/cli/main.js', 'speaker'], want: undefined },
    { argv: [''], want: undefined },
  ])('$argv', ({ argv, want }) => {
    expect(bareLbRole(argv)).toBe(want);
  });
});

describe('nodeOfCgroup', () => {
  const roots = new Map([
    ['/barelb3-n1', 'n1'],
    ['/barelb3-n10', 'n10'],
  ]);
  it.each<{ name: string; text: string; want: string | undefined }>([
    {
      name: 'a container under n1',
      text: '12:pids:/barelb3-n1/kubepods/besteffort/pod1/abc\n11:memory:/barelb3-n1/kubepods/pod1/abc\n',
      want: 'n1',
    },
    { name: 'n10 is not n1', text: '12:pids:/barelb3-n10/kubepods/pod2/def\n', want: 'n10' },
    { name: 'another lab', text: '12:pids:/barelb4-n1/kubepods/pod3/x\n', want: undefined },
    { name: 'the host', text: '12:pids:/user.slice\n0::/\n', want: undefined },
  ])('$name', ({ text, want }) => {
    expect(nodeOfCgroup(text, roots)).toBe(want);
  });
});

describe('environValue', () => {
  it.each<{ env: string; want: string | undefined }>([
    { env: 'PATH=/bin\0POD_NAME=barelb-speaker-x1\0', want: 'barelb-speaker-x1' },
    { env: 'PATH=/bin\0MY_POD_NAME=no\0', want: undefined },
    { env: '', want: undefined },
  ])('$env', ({ env, want }) => {
    expect(environValue(env, 'POD_NAME')).toBe(want);
  });
});

describe('innermostPid', () => {
  it.each([
    { name: 'host process', status: 'Name:\tnode\nNSpid:\t4242\n', want: 4242 },
    { name: 'container init', status: 'Name:\tnode\nPid:\t8993\nNSpid:\t8993\t1\n', want: 1 },
    { name: 'shared pod namespace', status: 'NSpid:\t8993 7\nNSpgid:\t1\n', want: 7 },
    { name: 'no NSpid line (old kernel)', status: 'Name:\tnode\nPid:\t12\n', want: undefined },
  ])('$name', ({ status, want }) => {
    expect(innermostPid(status)).toBe(want);
  });
});
