// Linux's dev_valid_name(): IFNAMSIZ is 16 bytes including the terminating NUL, so at most 15 bytes;
// '/' would break /sys/class/net paths, ':' is the old alias separator, and isspace() is ASCII whitespace
// (JavaScript's \s would also refuse Unicode spaces, which Linux accepts). The CRD uses the same class.
const IFNAMSIZ = 16;
const FORBIDDEN = /[/:\t\n\v\f\r ]/;

/** Why Linux would refuse this interface name, or undefined when it would accept it. */
export function interfaceNameProblem(name: string): string | undefined {
  const bytes = new TextEncoder().encode(name).length;
  if (bytes === 0) return 'interface name is empty';
  if (bytes >= IFNAMSIZ) return `interface name "${name}" is longer than ${IFNAMSIZ - 1} bytes`;
  if (name === '.' || name === '..') return `interface name "${name}" is not allowed`;
  if (FORBIDDEN.test(name)) return `interface name "${name}" contains '/', ':' or whitespace`;
  return undefined;
}
