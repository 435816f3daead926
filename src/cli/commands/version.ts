// `fedsync version`: prints the version of fedsync and of the runtime.
import type { Command } from 'commander';
import { fedsyncVersion } from '../package-version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the fedsync version')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((opts: { output: string }) => {
      const info = { fedsync: fedsyncVersion(), node: process.version };
      console.log(
        opts.output === 'json' ? JSON.stringify(info) : `fedsync ${info.fedsync} (node ${info.node})`,
      );
    });
}
