// Child process of the planner's memory row: reads its input file first, collects garbage, then does
// one thing — `plan` (planRevision of the federation against its live state) or `yaml` (js-yaml
// loadAll of the same manifests) — and reports how far its peak RSS rose above the RSS it started
// from. Each runs alone in a fresh process, so one's garbage is not the other's peak.
import { readFile } from 'node:fs/promises';
import { loadAll } from 'js-yaml';
import { planRevision } from '../src/plan/plan-revision.js';
import type { PlanInput } from '../src/plan/plan-revision.js';

const [what, file] = process.argv.slice(2) as ['plan' | 'yaml', string];
const gc = (globalThis as { gc?: () => void }).gc;
const text = await readFile(file, 'utf8');
const input = what === 'plan' ? (JSON.parse(text) as PlanInput) : undefined;
const yaml = what === 'yaml' ? text : '';
const mib = (kb: number): number => kb / 1024;
gc?.();
gc?.();
const before = process.memoryUsage().rss / 1024;
const heapBefore = process.memoryUsage().heapUsed;
let held: unknown;
if (input) held = planRevision(input);
else held = loadAll(yaml);
const grownMiB = mib(process.resourceUsage().maxRSS - before);
gc?.();
const retainedMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
process.stdout.write(`${JSON.stringify({ grownMiB, retainedMiB, held: held !== undefined })}\n`);
