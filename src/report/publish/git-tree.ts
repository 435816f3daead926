// A file set written as Git objects (blobs and nested trees) and read back, for the status branch.
// Only gitdir is used: no working tree, no index.
import fs from 'node:fs';
import git from 'isomorphic-git';

type Node = { files: Map<string, string>; dirs: Map<string, Node> };

function insert(root: Node, path: string, oid: string): void {
  const parts = path.split('/');
  let node = root;
  for (const dir of parts.slice(0, -1)) {
    let next = node.dirs.get(dir);
    if (!next) {
      next = { files: new Map(), dirs: new Map() };
      node.dirs.set(dir, next);
    }
    node = next;
  }
  node.files.set(parts[parts.length - 1] ?? '', oid);
}

async function writeNode(gitdir: string, node: Node): Promise<string> {
  const tree: { mode: string; path: string; oid: string; type: 'blob' | 'tree' }[] = [];
  for (const [path, oid] of node.files) tree.push({ mode: '100644', path, oid, type: 'blob' });
  for (const [path, child] of node.dirs)
    tree.push({ mode: '040000', path, oid: await writeNode(gitdir, child), type: 'tree' });
  return git.writeTree({ fs, gitdir, tree });
}

/** Writes every file and returns the root tree's id (equal file sets give equal ids). */
export async function writeFileTree(gitdir: string, files: Record<string, string>): Promise<string> {
  const root: Node = { files: new Map(), dirs: new Map() };
  for (const [path, text] of Object.entries(files)) {
    if (
      path === '' ||
      path.startsWith('/') ||
      path.split('/').some((p) => p === '' || p === '.' || p === '..')
    )
      throw new Error(`bad status file path ${JSON.stringify(path)}`);
    insert(root, path, await git.writeBlob({ fs, gitdir, blob: Buffer.from(text, 'utf8') }));
  }
  return writeNode(gitdir, root);
}

/** Every blob of a commit's tree, path → UTF-8 text. */
export async function readFileTree(
  gitdir: string,
  commit: string,
  cache: object,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await git.walk({
    fs,
    gitdir,
    cache,
    trees: [git.TREE({ ref: commit })],
    map: async (path, [entry]) => {
      if (path === '.' || !entry) return undefined;
      if ((await entry.type()) !== 'blob') return true;
      const content = await entry.content();
      if (content) out.set(path, Buffer.from(content).toString('utf8'));
      return undefined;
    },
  });
  return out;
}
