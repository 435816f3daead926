// A cluster's part of Plan.digest, kept in blocks so that a plan changing a few actions hashes only
// the blocks holding them. Actions are cut into blocks after every action whose key falls on a
// boundary (about one in BLOCK_SPREAD, decided by the key alone, so a block's bounds never depend
// on where the list starts or on what changed elsewhere); each block is one sha256 of its actions'
// lines, and the cluster's digest streams the block digests in order. The full plan and an
// incremental one therefore give the same digest for the same actions. Pure.
import { createHash } from 'node:crypto';
import { actionKey } from '../model/index.js';
import type { KubeAction } from '../model/index.js';
import { canonicalJson } from './digest.js';
import { maskObject } from './mask.js';

/** Blocks hold about this many actions. */
const BLOCK_SPREAD = 64;

/** Consecutive blocks of one action list: each ends (exclusively) at `end`; the last at its length. */
export type DigestBlocks = readonly { end: number; digest: string }[];

function kubeFacts(a: KubeAction, key: string): unknown {
  switch (a.action) {
    case 'create':
      return [a.action, key, maskObject(a.object)];
    case 'update':
    case 'adopt':
      return [a.action, key, maskObject(a.object), a.changes];
    case 'delete':
    case 'orphan':
      return [a.action, key];
    case 'held':
      return [a.action, key, a.heldBy];
    case 'skip':
      return [a.action, key, a.reason];
    case 'unchanged':
      return [a.action, key];
  }
}

/** What an action decides, as one line (Secret values masked). */
function line(a: KubeAction, key: string): string {
  return a.action === 'unchanged' ? `unchanged ${key}\n` : `${canonicalJson(kubeFacts(a, key))}\n`;
}

/** A cheap, stable hash of the key's UTF-16 code units: only where blocks end depends on it. */
function endsBlock(key: string): boolean {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) & (BLOCK_SPREAD - 1)) === 0;
}

/** The blocks of actions[from, to); `to` must end a block (a boundary action or the list's end). */
function cut(actions: readonly KubeAction[], from: number, to: number): { end: number; digest: string }[] {
  const out: { end: number; digest: string }[] = [];
  let text = '';
  for (let i = from; i < to; i++) {
    const a = actions[i]!;
    const key = actionKey(a);
    text += line(a, key);
    if (i === to - 1 || endsBlock(key)) {
      out.push({ end: i + 1, digest: createHash('sha256').update(text).digest('hex') });
      text = '';
    }
  }
  return out;
}

export function digestBlocks(actions: readonly KubeAction[]): DigestBlocks {
  return cut(actions, 0, actions.length);
}

/** One change to an action list, at its index when it was made (edits apply in order). */
export type ActionEdit = { at: number; change: 'replace' | 'insert' | 'remove' };

/**
 * The blocks of `actions` made from the blocks of the list it was before `edits`: only the blocks
 * an edit touched are hashed again (with their neighbour when a removed action ended a block).
 */
export function editBlocks(
  blocks: DigestBlocks,
  actions: readonly KubeAction[],
  edits: readonly ActionEdit[],
): DigestBlocks {
  if (edits.length === 0) return blocks;
  const ends = blocks.map((b) => b.end);
  const dirty = new Set<number>();
  /** The block holding index `at`: the first whose end is beyond it. */
  const holding = (at: number): number => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! > at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  for (const e of edits) {
    if (e.change === 'replace') {
      dirty.add(holding(e.at));
      continue;
    }
    const delta = e.change === 'insert' ? 1 : -1;
    let b = holding(e.at);
    if (b === ends.length) {
      // Appended after the last block: it grows (or a first block starts).
      if (ends.length === 0) ends.push(0);
      b = ends.length - 1;
    }
    for (let i = b; i < ends.length; i++) ends[i] = ends[i]! + delta;
    dirty.add(b);
    // A removed action may have ended its block: the block runs on into the next one.
    if (delta < 0 && b + 1 < ends.length) dirty.add(b + 1);
  }
  const out: { end: number; digest: string }[] = [];
  let i = 0;
  while (i < ends.length) {
    const start = i === 0 ? 0 : ends[i - 1]!;
    if (!dirty.has(i)) {
      if (ends[i]! > start) out.push({ end: ends[i]!, digest: blocks[i]!.digest });
      i++;
      continue;
    }
    // Hash the run of touched blocks again, up to an action that ends a block (or the list's end).
    let j = i;
    while (j + 1 < ends.length && (dirty.has(j + 1) || ends[j]! <= start)) j++;
    let to = ends[j]!;
    while (to < actions.length && (to === 0 || !endsBlock(actionKey(actions[to - 1]!)))) {
      j++;
      to = ends[j]!;
    }
    out.push(...cut(actions, start, to));
    i = j + 1;
  }
  return out;
}

/** The digest lines of one cluster's actions: one per block. */
export function blockLines(blocks: DigestBlocks): string {
  let text = '';
  for (const b of blocks) text += `${b.digest}\n`;
  return text;
}
