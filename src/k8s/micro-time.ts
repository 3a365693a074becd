/**
 * A metav1.MicroTime value. The apiserver parses MicroTime strictly as RFC 3339 with six fractional
 * digits, but client-node serializes a Date with three (toISOString) and the write is refused
 * ("parsing time ..."). Strings pass through its serializer untouched, so we hand it the right one;
 * the cast keeps client-node's `Date` typing.
 */
export function microTime(ms: number): Date {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
}
