// Limits on what one repository may ask the parser to do. Hostile YAML (a "billion laughs" alias
// bomb, 1,000-level nesting, a huge file) must fail fast with a clear problem, never exhaust memory.

export type ManifestLimits = {
  /** Largest YAML file accepted, in bytes. */
  maxFileBytes: number;
  /** Most YAML documents in one file. */
  maxDocumentsPerFile: number;
  /** Deepest nesting of mappings/sequences (js-yaml stops the parse when exceeded). */
  maxDepth: number;
  /** Most aliases (`*ref`) in one document. */
  maxAliases: number;
  /** Most aliases in one file, all documents together: many small documents must not add up to a bomb. */
  maxAliasesPerFile: number;
  /** Most nodes in one document, counting every alias as the full size of what it points at. */
  maxNodesPerDocument: number;
  /** Most nodes in one file, all documents together, aliases expanded as above. */
  maxNodesPerFile: number;
};

export const defaultManifestLimits: ManifestLimits = {
  maxFileBytes: 1024 * 1024,
  maxDocumentsPerFile: 1000,
  maxDepth: 64,
  maxAliases: 100,
  maxAliasesPerFile: 1000,
  maxNodesPerDocument: 100_000,
  // A 1 MiB file of plain YAML has at most a few hundred thousand nodes; more means aliases at work.
  maxNodesPerFile: 250_000,
};
