import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './command.js';

/** A client identity: certificate CN is the user, O the groups, as the apiserver reads them. */
export interface ClientIdentity {
  readonly file: string;
  readonly user: string;
  readonly groups: readonly string[];
}

/** The identities the lab's components use; each gets the RBAC Kubernetes bootstraps for it. */
export const LAB_IDENTITIES: readonly ClientIdentity[] = [
  { file: 'admin', user: 'barelb-lab-admin', groups: ['system:masters'] },
  { file: 'kube-controller-manager', user: 'system:kube-controller-manager', groups: [] },
  { file: 'kube-proxy', user: 'system:kube-proxy', groups: [] },
  { file: 'kube-scheduler', user: 'system:kube-scheduler', groups: [] },
];

/** A real node's kubelet: the identity the Node authorizer and NodeRestriction expect. */
export function nodeIdentity(node: string): ClientIdentity {
  return { file: `node-${node}`, user: `system:node:${node}`, groups: ['system:nodes'] };
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Generates the lab's PKI with openssl: a CA, the apiserver's serving certificate for every address
 * it is reached on, client certificates for each identity, and the service-account signing key.
 * ECDSA keys, because they are generated in milliseconds.
 */
export async function generateCerts(
  dir: string,
  serverIps: readonly string[],
  extraIdentities: readonly ClientIdentity[] = [],
): Promise<void> {
  const p = (f: string) => join(dir, f);
  await run('openssl', [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-days',
    '3650',
    '-subj',
    '/CN=barelb-lab-ca',
  ]);

  const sans = [
    ...serverIps.map((ip) => `IP:${ip}`),
    'IP:127.0.0.1',
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ].join(',');
  await writeFile(p('server.ext'), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  await signed(dir, 'apiserver', '/CN=kube-apiserver', p('server.ext'));

  await writeFile(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const id of [...LAB_IDENTITIES, ...extraIdentities]) {
    const subject = [...id.groups.map((g) => `/O=${g}`), `/CN=${id.user}`].join('');
    await signed(dir, id.file, subject, p('client.ext'));
  }

  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p('sa.key')]);
  await run('openssl', ['ec', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub')]);
}

async function signed(dir: string, name: string, subject: string, ext: string): Promise<void> {
  const p = (f: string) => join(dir, f);
  await run('openssl', [
    'req',
    ...EC,
    '-keyout',
    p(`${name}.key`),
    '-out',
    p(`${name}.csr`),
    '-subj',
    subject,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    p(`${name}.csr`),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p(`${name}.crt`),
    '-days',
    '3650',
    '-extfile',
    ext,
  ]);
}
