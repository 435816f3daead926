// Checks for what a benchmark needs from the machine. Each returns the reason a suite cannot run,
// or undefined when it can.
import { execFile } from 'node:child_process';
import { gitHttpBackendPath } from '../test/helpers/git-server.js';

/** Undefined when `command --version` runs; else why not. */
export function missingCommand(command: string, versionArgs = ['--version']): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, versionArgs, (err) => {
      resolve(err ? `${command} is not installed or not on PATH (${err.message.split('\n')[0]})` : undefined);
    });
  });
}

export function missingGitHttpBackend(): string | undefined {
  return gitHttpBackendPath() ? undefined : 'git http-backend is not installed (package git, git-core)';
}
