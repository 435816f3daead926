// `fedsync version`: prints the version of fedsync and of the runtime.
import type { Command } from 'commander';
// A JSON import rather than a file read so the compiled CLI (one bundle in dist/) carries the version.
import pkg from '../../../package.json' with { type: 'json' };

export function fedsyncVersion(): string {
  return pkg.version;
}

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
