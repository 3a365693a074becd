/**
 * How the user ran this CLI, so the commands it suggests can be pasted as they are: from a checkout,
 * `npm run barelb -- lab up` (npm sets npm_lifecycle_event to the script's name), and `barelb` is then
 * not on PATH; from an installed package, plain `barelb`.
 */
export function cliInvocation(env: Readonly<Record<string, string | undefined>>): string {
  return env.npm_lifecycle_event === 'barelb' ? 'npm run barelb --' : 'barelb';
}
