// Name rules from k8s.io/apimachinery/pkg/util/validation, so the controller refuses what the API server
// would refuse (objects may also come from files or tests that never met an API server).

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Problem with a namespace-style name (RFC 1123 label), or undefined when it is fine. */
export function dns1123LabelProblem(s: string): string | undefined {
  if (s.length > 63) return `"${s}" is longer than 63 characters`;
  if (!DNS1123_LABEL.test(s)) return `"${s}" is not a lowercase RFC 1123 label`;
  return undefined;
}

/** Problem with an object name (RFC 1123 subdomain), or undefined when it is fine. */
export function dns1123SubdomainProblem(s: string): string | undefined {
  if (s.length > 253) return `"${s}" is longer than 253 characters`;
  if (!DNS1123_SUBDOMAIN.test(s)) return `"${s}" is not a lowercase RFC 1123 subdomain`;
  return undefined;
}

/** Problem with a label key (`[prefix/]name`), or undefined when it is fine. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `label key "${key}" has more than one "/"`;
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '' || dns1123SubdomainProblem(prefix))
      return `label key prefix "${prefix}" is not a lowercase RFC 1123 subdomain`;
  }
  if (name.length > 63) return `label key name "${name}" is longer than 63 characters`;
  if (!QUALIFIED_NAME_PART.test(name))
    return `label key "${key}" must be alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
  return undefined;
}

/** Problem with a label value (may be empty), or undefined when it is fine. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `label value "${value}" is longer than 63 characters`;
  if (!QUALIFIED_NAME_PART.test(value))
    return `label value "${value}" must be alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
  return undefined;
}
