// YAML problems must never quote the document: a parse error inside a Secret could otherwise print
// its value. And the alias/node budgets hold per file, so many small documents cannot add up to a bomb.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultManifestLimits, loadFederation, parseYamlFile } from '../../src/manifests/index.js';
import { formatProblem } from '../../src/model/index.js';

const SECRET = 'Hunter2SuperSecretValue';
const secretDoc = (value: string, extra = ''): string =>
  `${extra}apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: ${value}\n`;

// Each case puts the recognisable value where js-yaml's reason (or snippet) would quote it.
const LEAKY_CASES: Record<string, string> = {
  'unknown tag': secretDoc(`!${SECRET}`),
  'unknown verbatim tag': secretDoc(`!<${SECRET}> x`),
  'unknown collection tag': secretDoc(`!${SECRET} {a: b}`),
  'tag name with forbidden characters': secretDoc(`!<${SECRET}^> x`),
  'undeclared tag handle': secretDoc(`!${SECRET}!x y`),
  'scalar that does not match its explicit tag': secretDoc(`!!int ${SECRET}`),
  'unidentified alias': secretDoc(`*${SECRET}`),
  'alias with properties': secretDoc(`&a *${SECRET}`),
  'duplicated anchor property': secretDoc(`&${SECRET} &b x`),
  'TAG directive declared twice': secretDoc(
    'x',
    `%TAG !${SECRET}! tag:example.com,2000:\n%TAG !${SECRET}! tag:example.com,2000:\n---\n`,
  ),
  'unterminated quoted value': secretDoc(`"${SECRET}\n  other: "x`),
  'bad indentation after the value': secretDoc(`${SECRET}\n bad: indentation`),
  'duplicated key': secretDoc(`${SECRET}\n  password: again`),
  'tab indentation': secretDoc(`${SECRET}\n\tother: x`),
  'mapping value in a plain scalar': secretDoc(`${SECRET}: nested: here`),
};

describe('YAML problems never quote the document', () => {
  for (const [name, text] of Object.entries(LEAKY_CASES)) {
    test(`${name}: file:line and a message, no Secret text`, () => {
      const r = loadFederation([{ path: 'secret.yaml', text }]);
      assert.ok(!r.ok, `expected a problem for: ${text}`);
      for (const p of r.problems) {
        const printed = `${formatProblem(p)} ${JSON.stringify(p)}`;
        assert.ok(!printed.includes(SECRET), printed);
        assert.ok(!printed.includes('Hunter2'), printed);
        assert.equal(p.source?.file, 'secret.yaml');
        assert.ok((p.source?.line ?? 0) >= 1);
      }
    });
  }

  test('the messages still say what is wrong', () => {
    const first = (text: string): string => parseYamlFile('s.yaml', text).problems[0]?.message ?? '';
    assert.match(first(LEAKY_CASES['unknown tag']!), /unknown tag .*quote a value starting with "!"/);
    assert.match(first(LEAKY_CASES['unidentified alias']!), /alias .*refers to no anchor/);
    assert.match(first(LEAKY_CASES['duplicated key']!), /duplicated mapping key/);
    assert.equal(parseYamlFile('s.yaml', LEAKY_CASES['unknown tag']!).problems[0]?.source?.line, 6);
  });

  test('invalid JSON in an annotation is reported without quoting the annotation', () => {
    const annotated = (key: string) =>
      `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\n  annotations:\n    ${key}: '{"rebalance": ${SECRET}}'\nspec:\n  replicas: 1\n`;
    for (const key of [
      'federation.kubernetes.io/replica-set-preferences',
      'federation.alpha.kubernetes.io/cluster-selector',
    ]) {
      const r = loadFederation([{ path: 'rs.yaml', text: annotated(key) }]);
      assert.ok(!r.ok);
      const printed = r.problems.map(formatProblem).join('\n');
      assert.match(printed, /not valid JSON/);
      assert.ok(!printed.includes(SECRET), printed);
    }
  });
});

describe('alias and node budgets hold per file', () => {
  // Each document is within every per-document limit (80 aliases, under 1,000 nodes); 40 of them
  // hold 3,200 aliases.
  const smallBomb = (docs: number): string => {
    let doc = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 0; i < 20; i++) doc += `b${i}: [*a, *a, *a, *a]\n`;
    return Array.from({ length: docs }, () => doc).join('---\n');
  };

  test('each document alone is accepted', () => {
    const r = parseYamlFile('one.yaml', smallBomb(1));
    assert.deepEqual(r.problems, []);
  });

  test('many small documents cannot sum to a bomb: the alias budget is per file', () => {
    const r = parseYamlFile('many.yaml', smallBomb(40));
    assert.equal(r.problems[0]?.code, 'yaml.limit');
    assert.match(r.problems[0]?.message ?? '', /more than 1000 aliases in one file/);
    assert.deepEqual(r.documents, [], 'nothing from the file is kept');
  });

  test('the expanded-node budget is per file too', () => {
    // Few aliases (under both alias budgets), each expanding a large anchored sequence.
    const big = `a: &a [${Array(2000).fill('x').join(', ')}]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n`;
    const text = Array.from({ length: 20 }, () => big).join('---\n');
    assert.deepEqual(parseYamlFile('one.yaml', big).problems, [], 'one document is fine');
    const r = parseYamlFile('many.yaml', text);
    assert.equal(r.problems[0]?.code, 'yaml.limit');
    assert.match(
      r.problems[0]?.message ?? '',
      new RegExp(`file expands to more than ${defaultManifestLimits.maxNodesPerFile} nodes`),
    );
  });
});
