/**
 * Which sessions to stop and start so the running ones match the wanted ones (pure). Sessions are
 * keyed by BGPPeer name with the settings they were opened with; one whose settings changed is
 * stopped and started again, since BGP negotiates them only in OPEN.
 */
export function sessionChanges(
  running: ReadonlyMap<string, string>,
  wanted: ReadonlyMap<string, string>,
): { readonly stop: readonly string[]; readonly start: readonly string[] } {
  const stop = [...running].filter(([name, key]) => wanted.get(name) !== key).map(([name]) => name);
  const start = [...wanted].filter(([name, key]) => running.get(name) !== key).map(([name]) => name);
  return { stop: stop.sort(), start: start.sort() };
}
