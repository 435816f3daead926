// `fedsync version`: prints the version of fedsync and of the runtime.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

export function fedsyncVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
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
