import { describe, expect, it } from 'vitest';
import { MigrateError, type MigrateErrorCode } from './migrate-error.js';
import { type MigrateIo, type MigrateOptions, runMigrate } from './run-migrate.js';

const POOL = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lan, namespace: metallb-system}
spec: {addresses: [198.18.100.0/24]}
`;
const OTHER = 'apiVersion: metallb.io/v1beta1\nkind: ServiceL2Status\nmetadata: {name: r}\n';
const OTHER_LEFT_OUT = 'ServiceL2Status r: ServiceL2Status has no BareLB counterpart; left out';
const PEER =
  'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: r}\nspec: {myASN: 64500, peerASN: 64501, peerAddress: 198.18.0.1}\n';
const UNANNOUNCED =
  'IPAddressPool lan: no L2Advertisement or BGPAdvertisement covers it (by name or by pool selector), so BareLB would allocate its addresses and announce none; add it to an advertisement or leave the pool out';
const SERVICE_L2 = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: edge, namespace: metallb-system}
spec:
  serviceSelectors: [{matchLabels: {expose: edge}}]
`;
const DMZ_ONLY = `${POOL.replace('name: lan', 'name: dmz').replace('198.18.100.0/24', '198.18.101.0/24')}---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: dmz, namespace: metallb-system}
spec: {ipAddressPools: [dmz]}
`;
/** A selector part BareLB does not have (nor does MetalLB's API: a typo, or a newer field). */
const WIDE_L2 = SERVICE_L2.replace('{expose: edge}}', '{expose: edge}, matchFields: {x: y}}');
const EDGE_ONLY =
  'IPAddressPool lan: only L2Advertisements with serviceSelectors (edge) cover it, so a Service they do not select would get an address from it and no announcement; check that every Service the pool serves matches one, or add an L2Advertisement without serviceSelectors';
/** A pool with a field from some newer MetalLB: what it did is unknown. */
const FUTURE_POOL = POOL.replace('spec: {', 'spec: {allocationOrder: random, ');

function fakeIo(files: Record<string, string>, stdin: string | undefined, stdinIsTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: MigrateIo = {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    readStdin: async () => {
      if (stdin === undefined) throw new Error('stdin closed');
      return stdin;
    },
    stdinIsTTY,
    writeOut: (t) => out.push(t),
    writeErr: (t) => err.push(t),
  };
  return { io, out, err };
}

interface Case {
  readonly name: string;
  readonly file: string | undefined;
  readonly files?: Record<string, string>;
  readonly stdin?: string;
  readonly tty?: boolean;
  readonly strict?: boolean;
  readonly error?: MigrateErrorCode;
  /** A line the YAML on stdout must hold; undefined when nothing may be written. */
  readonly outHas?: string;
  readonly err: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'a file',
    file: 'metallb.yaml',
    files: { 'metallb.yaml': POOL },
    outHas: 'kind: IPAddressPool',
    err: [],
  },
  { name: 'stdin as -', file: '-', stdin: POOL, tty: true, outHas: 'name: lan', err: [] },
  { name: 'stdin by default', file: undefined, stdin: POOL, outHas: 'namespace: barelb-system', err: [] },
  {
    name: 'warnings go to stderr, the YAML to stdout',
    file: '-',
    stdin: `${POOL}---\n${OTHER}`,
    outHas: 'kind: IPAddressPool',
    err: [`warning: ${OTHER_LEFT_OUT}\n`],
  },
  {
    name: 'BGP objects are converted: a pool only a BGPPeer (no BGPAdvertisement) is left unannounced',
    file: '-',
    stdin: `${POOL}---\n${PEER}`,
    outHas: 'kind: BGPPeer',
    err: [`warning: ${UNANNOUNCED}\n`],
  },
  {
    name: 'a BGP configuration converts without a warning',
    file: '-',
    stdin: `${POOL}---\n${PEER}---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: a}\nspec: {ipAddressPools: [lan]}\n`,
    outHas: 'kind: BGPAdvertisement',
    err: [],
  },
  { name: 'a terminal on stdin and no file', file: undefined, tty: true, error: 'NO_INPUT', err: [] },
  { name: 'a missing file', file: 'nope.yaml', error: 'READ_FAILED', err: [] },
  {
    name: 'nothing to convert',
    file: '-',
    stdin: OTHER,
    error: 'NOTHING_TO_CONVERT',
    err: [
      `warning: ${OTHER_LEFT_OUT}\n`,
      'warning: no MetalLB configuration object found (IPAddressPool, L2Advertisement or a BGP kind)\n',
    ],
  },
  { name: 'not YAML', file: '-', stdin: 'a: [\n', error: 'INVALID_YAML', err: [] },
  {
    name: '--strict still writes the YAML, then fails',
    file: '-',
    stdin: `${POOL}---\n${OTHER}`,
    strict: true,
    error: 'WARNINGS',
    outHas: 'kind: IPAddressPool',
    err: [`warning: ${OTHER_LEFT_OUT}\n`],
  },
  { name: '--strict without warnings', file: '-', stdin: POOL, strict: true, outHas: 'name: lan', err: [] },
  {
    name: 'a pool no L2Advertisement covers is a warning: the YAML is written and the exit status is 0',
    file: '-',
    stdin: `${POOL}---\n${DMZ_ONLY}`,
    outHas: 'kind: L2Advertisement',
    err: [
      'warning: IPAddressPool lan: no L2Advertisement or BGPAdvertisement covers it (by name or by pool selector), so BareLB would allocate its addresses and announce none; add it to an advertisement or leave the pool out\n',
    ],
  },
  {
    name: "an L2Advertisement's serviceSelectors are copied",
    file: '-',
    stdin: `${POOL}---\n${SERVICE_L2}`,
    outHas: 'serviceSelectors:',
    err: [`warning: ${EDGE_ONLY}\n`],
  },
  {
    name: 'a selector part BareLB does not have would widen what is announced: nothing is written',
    file: '-',
    stdin: `${POOL}---\n${WIDE_L2}`,
    error: 'WOULD_CHANGE',
    err: [
      'warning: L2Advertisement metallb-system/edge: spec.serviceSelectors[0].matchFields: unknown field, left out, which would widen what it selects\n',
      `warning: ${EDGE_ONLY}\n`,
    ],
  },
  {
    name: 'a spec field BareLB does not know refuses too: its effect is unknown',
    file: '-',
    stdin: FUTURE_POOL,
    error: 'WOULD_CHANGE',
    err: [
      'warning: IPAddressPool metallb-system/lan: spec.allocationOrder: unknown field, left out, which may change what is allocated or announced\n',
    ],
  },
];

describe.each(CASES)('$name', (c) => {
  it('writes and fails as expected', async () => {
    const { io, out, err } = fakeIo(c.files ?? {}, c.stdin, c.tty ?? false);
    const o: MigrateOptions = { namespace: 'barelb-system', strict: c.strict ?? false };
    const run = runMigrate(c.file, o, io);
    if (c.error) {
      await expect(run).rejects.toBeInstanceOf(MigrateError);
      await expect(run).rejects.toMatchObject({ code: c.error });
    } else {
      await run;
    }
    if (c.outHas === undefined) expect(out).toEqual([]);
    else expect(out.join('').split('\n')).toContain(c.outHas.startsWith('kind') ? c.outHas : `  ${c.outHas}`);
    expect(err).toEqual(c.err);
  });
});
