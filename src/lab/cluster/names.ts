/**
 * Names of the lab's namespaces and links. Everything carries the lab's prefix (`blb<index>`) so two
 * labs never share a name and `lab down` can find what a crashed run left behind. Linux limits link
 * names to 15 characters; links inside a lab namespace need no prefix because namespaces isolate them.
 */
export interface LabNames {
  readonly prefix: string;
  readonly cpNs: string;
  readonly clientNs: string;
  /** A router on the segment, for BGP mode (issue 17): made on demand by `Lab.addRouter`. */
  readonly routerNs: string;
  /** A client behind that router, off the segment: made with it. */
  readonly farNs: string;
  /** The host's end of the host<->cp link, in the root namespace (so it must be globally unique). */
  readonly hostLink: string;
  nodeNs(node: string): string;
  podNs(pod: string): string;
}

export const LAB_PREFIX = 'blb';

export function labNames(index: number): LabNames {
  const prefix = `${LAB_PREFIX}${index}`;
  return {
    prefix,
    cpNs: `${prefix}-cp`,
    clientNs: `${prefix}-client`,
    routerNs: `${prefix}-router`,
    farNs: `${prefix}-far`,
    hostLink: `${prefix}-host`,
    nodeNs: (node) => `${prefix}-${node}`,
    podNs: (pod) => `${prefix}-pod-${pod}`,
  };
}

/** Node names are n1..nN, as the CLI and the issue spell them. */
export function nodeName(n: number): string {
  return `n${n}`;
}

/** Which lab a namespace belongs to, or undefined when it is not a lab namespace. */
export function labIndexOfNamespace(ns: string): number | undefined {
  const m = /^blb(\d+)-/.exec(ns);
  return m ? Number(m[1]) : undefined;
}
