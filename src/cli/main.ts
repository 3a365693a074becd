#!/usr/bin/env node
import { Command } from 'commander';
import { controllerCommand } from './controller-command.js';
import { labCommand } from './lab-command.js';
import { migrateCommand } from './migrate-command.js';
import { speakerCommand } from './speaker-command.js';
import { statusCommand } from './status-command.js';

const program = new Command('barelb')
  .description('BareLB: LoadBalancer Services for bare-metal Kubernetes')
  .showHelpAfterError()
  .addCommand(controllerCommand())
  .addCommand(speakerCommand())
  .addCommand(labCommand())
  .addCommand(statusCommand())
  .addCommand(migrateCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`barelb: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`);
  process.exit(1);
});
