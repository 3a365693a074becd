import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { DEFAULT_NAMESPACE } from '../config/crd-types.js';
import type { MigrateIo } from '../migrate/run-migrate.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

const processIo: MigrateIo = {
  readFile: (path) => readFile(path, 'utf8'),
  readStdin,
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
};

/** `barelb migrate [file|-]`: MetalLB IPAddressPools and L2Advertisements to BareLB ones. */
export function migrateCommand(io: MigrateIo = processIo): Command {
  return new Command('migrate')
    .description(
      'convert MetalLB IPAddressPools and L2Advertisements to BareLB: YAML on stdout, warnings on stderr\n' +
        '(kubectl get ipaddresspools,l2advertisements -n metallb-system -o yaml | barelb migrate | kubectl apply -f -)',
    )
    .argument('[file]', 'MetalLB YAML; - or nothing for stdin')
    .addOption(new Option('--namespace <ns>', 'namespace of the BareLB objects').default(DEFAULT_NAMESPACE))
    .option('--strict', 'exit 1 when anything was left out or rewritten (the YAML is still written)')
    .action(async (file: string | undefined, o: { namespace: string; strict?: boolean }) => {
      const { runMigrate } = await import('../migrate/run-migrate.js');
      await runMigrate(file, { namespace: o.namespace, strict: o.strict === true }, io);
    });
}
