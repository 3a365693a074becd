import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BGP_SPEC_FIELDS } from './bgp-spec-fields.js';
import {
  BFD_PROFILE,
  BGP_ADVERTISEMENT,
  BGP_PEER,
  BGP_SESSION_STATUS,
  COMMUNITY,
  GROUP,
  IP_ADDRESS_POOL,
  L2_ADVERTISEMENT,
  SERVICE_L2_STATUS,
  VERSION,
} from './crd-types.js';

// Structure checks only; whether the API server accepts the schemas and CEL rules (cost, syntax) is the
// job of the admission test against a real kube-apiserver.

interface Rule {
  rule?: string;
  message?: string;
  messageExpression?: string;
}

/** The parts of an OpenAPI v3 schema these tests look at. */
interface Schema {
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  maxLength?: number;
  minimum?: number;
  default?: unknown;
  'x-kubernetes-validations'?: Rule[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: Record<string, unknown>;
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: object };
      additionalPrinterColumns: { name: string; jsonPath: string; type: string }[];
      schema: { openAPIV3Schema: Schema };
    }[];
  };
}

const CRD_DIR = new URL('../../config/crd/', import.meta.url);
const load = <T = Crd>(file: string): T => parse(readFileSync(new URL(file, CRD_DIR), 'utf8'));

function versionOf(crd: Crd) {
  const v = crd.spec.versions[0];
  if (!v) throw new Error(`${crd.metadata.name} has no version`);
  return v;
}

/** The schema at a dotted property path; throws (failing the test) when it is missing. */
function at(schema: Schema, path: string): Schema {
  let node = schema;
  for (const name of path.split('.')) {
    const next = node.properties?.[name];
    if (!next) throw new Error(`schema has no ${path}`);
    node = next;
  }
  return node;
}

interface Expectation {
  plural: string;
  kind: string;
  columns: string[];
  statusSubresource: boolean;
  specFields: string[] | undefined;
  /** False for a kind whose every rule a plain schema says (bounds, enums): no CEL needed. */
  celRules?: false;
}

const EXPECTED: Expectation[] = [
  {
    ...IP_ADDRESS_POOL,
    columns: [
      'Addresses',
      'Auto Assign',
      'Assigned v4',
      'Assigned v6',
      'Available v4',
      'Available v6',
      'Ready',
      'Reason',
      'Age',
    ],
    statusSubresource: true,
    // The fields parsePool reads; a field added to one side only is a bug.
    specFields: ['addresses', 'autoAssign', 'avoidBuggyIPs', 'serviceAllocation'],
  },
  {
    ...L2_ADVERTISEMENT,
    columns: ['Pools', 'Pool Selectors', 'Node Selectors', 'Service Selectors', 'Interfaces', 'Age'],
    statusSubresource: false,
    specFields: [
      'ipAddressPools',
      'ipAddressPoolSelectors',
      'nodeSelectors',
      'serviceSelectors',
      'interfaces',
    ],
  },
  {
    ...SERVICE_L2_STATUS,
    columns: ['Service', 'Service Namespace', 'IPs', 'Node', 'Interfaces', 'Last Takeover', 'Age'],
    // Spec-less: with a status subresource every new object would need a create and then an update.
    statusSubresource: false,
    specFields: undefined,
  },
  {
    ...BGP_PEER,
    columns: ['Address', 'ASN', 'My ASN', 'Hold Time', 'BFD Profile', 'Multi Hops', 'Age'],
    statusSubresource: false,
    // parseBgpPeer's fields; vrf, interface and disableMP are there to be refused or accepted by name.
    specFields: [...(BGP_SPEC_FIELDS.get(BGP_PEER.kind) ?? [])],
  },
  {
    ...BGP_ADVERTISEMENT,
    columns: [
      'Pools',
      'Pool Selectors',
      'Peers',
      'Aggregation Length',
      'Communities',
      'Node Selectors',
      'Age',
    ],
    statusSubresource: false,
    specFields: [...(BGP_SPEC_FIELDS.get(BGP_ADVERTISEMENT.kind) ?? [])],
  },
  {
    ...BFD_PROFILE,
    columns: ['Receive Interval', 'Transmit Interval', 'Multiplier', 'Passive', 'Age'],
    statusSubresource: false,
    celRules: false,
    specFields: [...(BGP_SPEC_FIELDS.get(BFD_PROFILE.kind) ?? [])],
  },
  {
    ...COMMUNITY,
    columns: ['Age'],
    statusSubresource: false,
    specFields: [...(BGP_SPEC_FIELDS.get(COMMUNITY.kind) ?? [])],
  },
  {
    ...BGP_SESSION_STATUS,
    columns: ['Peer', 'Node', 'State', 'Reason', 'Age'],
    statusSubresource: false,
    celRules: false,
    specFields: undefined,
  },
];

/** Every schema node with its JSON path, depth first. */
function* walk(node: Schema, path: string): Generator<[string, Schema]> {
  yield [path, node];
  for (const [name, child] of Object.entries(node.properties ?? {})) yield* walk(child, `${path}.${name}`);
  if (node.items) yield* walk(node.items, `${path}[]`);
  if (typeof node.additionalProperties === 'object') yield* walk(node.additionalProperties, `${path}{}`);
}

describe.each(EXPECTED)('CRD $kind', ({ plural, kind, columns, statusSubresource, specFields, celRules }) => {
  const crd = load(`${GROUP}_${plural}.yaml`);
  const version = versionOf(crd);
  const schema = version.schema.openAPIV3Schema;

  it('kubectl explain has something to say about every field, down to the parts of selectors and conditions', () => {
    const undescribed = [...walk(schema, kind)]
      // The API server refuses a root metadata schema with anything but its type (structural schema rules),
      // and kubectl explain shows ObjectMeta's own description there.
      .filter(([path]) => path !== `${kind}.metadata`)
      // A list's element or a map's value is no field of its own: kubectl explain shows the list's or the
      // map's description for it. The fields inside an element are checked.
      .filter(([path]) => !path.endsWith('[]') && !path.endsWith('{}'))
      .filter(([, node]) => !node.description?.trim())
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('names the group, kind and a single served storage version', () => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.kind).toBe('CustomResourceDefinition');
    expect(crd.metadata.name).toBe(`${plural}.${GROUP}`);
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({
      kind,
      plural,
      listKind: `${kind}List`,
      singular: kind.toLowerCase(),
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: VERSION, served: true, storage: true });
  });

  it('has the expected printer columns', () => {
    const cols = version.additionalPrinterColumns;
    expect(cols.map((c) => c.name)).toEqual(columns);
    for (const c of cols) {
      expect(c.jsonPath).toMatch(/^\.(spec|status|metadata)\./);
      expect(['string', 'integer', 'number', 'boolean', 'date']).toContain(c.type);
    }
  });

  it(statusSubresource ? 'has a status subresource' : 'has no status subresource', () => {
    expect(version.subresources?.status !== undefined).toBe(statusSubresource);
  });

  it('declares exactly the spec fields the controller reads', () => {
    if (specFields === undefined) expect(schema.properties?.spec).toBeUndefined();
    else expect(Object.keys(at(schema, 'spec').properties ?? {}).sort()).toEqual([...specFields].sort());
  });

  it('gives every CEL rule a message', () => {
    const rules = [...walk(schema, '')].flatMap(([path, node]) =>
      (node['x-kubernetes-validations'] ?? []).map((rule) => ({ path, ...rule })),
    );
    if (celRules === false) expect(rules).toEqual([]);
    else expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.rule?.trim(), r.path).toBeTruthy();
      expect((r.message ?? r.messageExpression)?.trim(), `${r.path}: ${r.rule}`).toBeTruthy();
    }
  });

  it('bounds every list and map, and every string a rule reads, for the CEL cost estimator', () => {
    for (const [path, node] of walk(schema, '')) {
      if (node.type === 'array') expect(node.maxItems, path).toBeTypeOf('number');
      if (node.type === 'object' && node.additionalProperties)
        expect(node.maxProperties, path).toBeTypeOf('number');
      if (node.type === 'string' && node['x-kubernetes-validations'])
        expect(node.maxLength, path).toBeTypeOf('number');
    }
  });
});

describe('IPAddressPool CRD details', () => {
  const schema = versionOf(load(`${GROUP}_${IP_ADDRESS_POOL.plural}.yaml`)).schema.openAPIV3Schema;

  it('requires at least one address and defaults the booleans', () => {
    expect(at(schema, 'spec').required).toEqual(['addresses']);
    expect(at(schema, 'spec.addresses').minItems).toBe(1);
    expect(at(schema, 'spec.autoAssign').default).toBe(true);
    expect(at(schema, 'spec.avoidBuggyIPs').default).toBe(false);
  });

  it('bounds the priority below at 0', () => {
    expect(at(schema, 'spec.serviceAllocation.priority')).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('counts available addresses in strings (a /64 exceeds int64) and assigned ones in integers', () => {
    for (const f of ['availableIPv4', 'availableIPv6'])
      expect(at(schema, `status.${f}`).type, f).toBe('string');
    for (const f of ['assignedIPv4', 'assignedIPv6'])
      expect(at(schema, `status.${f}`), f).toMatchObject({ type: 'integer', format: 'int64' });
  });

  it('keeps conditions in the metav1.Condition shape, keyed by type', () => {
    const conditions = at(schema, 'status.conditions');
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect([...(conditions.items?.required ?? [])].sort()).toEqual([
      'lastTransitionTime',
      'message',
      'reason',
      'status',
      'type',
    ]);
  });

  it('checks address syntax, host bits, range families and range order in CEL', () => {
    const rules = at(schema, 'spec.addresses').items?.['x-kubernetes-validations'] ?? [];
    expect(rules.map((r) => r.message)).toEqual([
      expect.stringContaining('neither a CIDR'),
      expect.stringContaining('host bits set'),
      'range start and end are of different families',
      'range start after end',
    ]);
  });
});

describe('config/crd/kustomization.yaml', () => {
  it('lists every CRD file in the directory', () => {
    const files = readdirSync(CRD_DIR).filter((f) => f.startsWith(`${GROUP}_`));
    expect(files.sort()).toEqual(EXPECTED.map((e) => `${GROUP}_${e.plural}.yaml`).sort());
    expect(load<{ resources: string[] }>('kustomization.yaml').resources.sort()).toEqual(files.sort());
  });
});
