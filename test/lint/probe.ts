// Lints a snippet with the project's own eslint.config.js as if it were a file at `filePath`, and
// returns the messages of the given rules. Type-aware parsing is off: the probe is not part of the
// TypeScript project, and the purity and layer rules need no types.
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

let eslint: ESLint | undefined;

async function linter(): Promise<ESLint> {
  if (eslint) return eslint;
  const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
  const config = ((await import(configUrl)) as { default: Linter.Config[] }).default;
  eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [...config, { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
  return eslint;
}

/** `rule: message` for every message of `rules` that the snippet gets at `filePath`. */
export async function lintMessages(
  code: string,
  filePath: string,
  rules: ReadonlySet<string>,
): Promise<string[]> {
  const [result] = await (await linter()).lintText(code, { filePath });
  return result!.messages
    .filter((m) => m.ruleId !== null && rules.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}
