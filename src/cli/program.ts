/** The CLI's commands, loaded by main.ts once the early signal handlers are in place. */
import { Command } from 'commander';
import { cliErrorText } from './cli-error-text.js';
import { controllerCommand } from './controller-command.js';
import { labCommand } from './lab-command.js';
import { migrateCommand } from './migrate-command.js';
import { speakerCommand } from './speaker-command.js';
import { statusCommand } from './status-command.js';
import { versionText } from './version.js';

const program = new Command('barelb')
  .description('BareLB: LoadBalancer Services for bare-metal Kubernetes')
  .version(versionText(), '-V, --version', 'print the version and the commit it was built from')
  .showHelpAfterError()
  .addCommand(controllerCommand())
  .addCommand(speakerCommand())
  .addCommand(labCommand())
  .addCommand(statusCommand())
  .addCommand(migrateCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`barelb: ${cliErrorText(err)}\n`);
  process.exit(1);
});
