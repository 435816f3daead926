// The chart tests' template renderer against what Helm (Go text/template + Sprig) produces for the
// same input, for each construct the chart uses; constructs outside the subset are refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRenderer } from '../helpers/helm-template.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-tpl-'));
});
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function renderOne(template: string, values = 'a: 1\n', helpers = ''): Promise<string> {
  const chart = join(dir, `c${n++}`);
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(
    join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: 4.5.6\n',
  );
  await writeFile(join(chart, 'values.yaml'), values);
  await writeFile(join(chart, 'templates', '_helpers.tpl'), helpers);
  await writeFile(join(chart, 'templates', 't.yaml'), template);
  return createRenderer(chart, { name: 'rel', namespace: 'ns' }).render().files['templates/t.yaml'] ?? '';
}

test('trim markers eat the whitespace on their side, newlines included', async () => {
  assert.equal(await renderOne('a:\n  {{- " x" }}\nb: {{ "y" -}}\n\n  c'), 'a: x\nb: yc');
});

test('if / else if / else with Go truthiness (0, "", empty list and map are false)', async () => {
  const tpl = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}';
  assert.equal(await renderOne(tpl, 'a: 0\nb: [1]\n'), 'B');
  assert.equal(await renderOne(tpl, 'a: ""\nb: {}\n'), 'C');
  assert.equal(await renderOne(tpl, 'a: x\nb: null\n'), 'A');
});

test('pipelines pass the value as the last argument; default, quote, printf, trunc, trimSuffix', async () => {
  assert.equal(await renderOne('{{ .Values.missing | default "d" | quote }}'), '"d"');
  assert.equal(
    await renderOne('{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 5 | trimSuffix "-" }}'),
    'rel-d',
  );
  assert.equal(await renderOne('{{ .Chart.AppVersion }} {{ .Release.Namespace }}'), '4.5.6 ns');
});

test('toYaml with nindent, as charts embed maps', async () => {
  assert.equal(
    await renderOne('m:{{- toYaml .Values.m | nindent 2 }}', 'm: {b: 2, a: [x]}\n'),
    'm:\n  a:\n    - x\n  b: 2',
  );
});

test('define and include, with the argument as . and $', async () => {
  const helpers = '{{- define "demo.name" -}}{{ .Chart.Name }}-{{ $.Release.Name }}{{- end -}}';
  assert.equal(await renderOne('n: {{ include "demo.name" . }}', 'a: 1\n', helpers), 'n: demo-rel');
});

test('a field of a missing value fails, as in Helm; required and fail report their message', async () => {
  await assert.rejects(renderOne('{{ .Values.x.y }}'), /nil pointer evaluating Values\.x\.y/);
  await assert.rejects(renderOne('{{ required "x is needed" .Values.x }}'), /x is needed/);
  await assert.rejects(renderOne('{{ fail "no" }}'), /no/);
});

test('constructs outside the subset are refused with the file and line', async () => {
  await assert.rejects(
    renderOne('a\n{{ range .Values.l }}{{ . }}{{ end }}'),
    /templates\/t\.yaml:2: \{\{ range \}\} is outside/,
  );
  await assert.rejects(renderOne('{{ .Values.a | b64enc }}'), /function "b64enc" is outside/);
});
