/**
 * Every `--json` document validates against its schema under schemas/, built by the same
 * builders the CLI prints (src/report/*-json.ts) from real runs; and the schemas are strict: every
 * object lists its required fields and refuses others, so a document with a field added, renamed
 * or dropped fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeGraph, bench, benchJson, compare, compareJson, createEngine, lint, lintJson, defaultConfig, openModel, parsePassSpecs, prepareModel, profile, profileJson,
  rewriteJson, rewriteModel, verifyJson, verifyModels, NETWORKS, PASS_REF_IDS, RULES,
  type Engine,
} from '../src/index.js';
import { leannet, leannetInProcess } from './helpers/cli.js';
import { fmnistImages } from './helpers/fmnist.js';
import { repoRoot, sharedModel } from './helpers/models.js';

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
const schemaFile = (name: string) => path.join(repoRoot, 'schemas', `${name}.schema.json`);
const readSchema = (name: string) => JSON.parse(fs.readFileSync(schemaFile(name), 'utf8')) as Record<string, unknown>;
const validators = new Map<string, ValidateFunction>();
function validator(name: string): ValidateFunction {
  if (!validators.has(name)) validators.set(name, ajv.compile(readSchema(name)));
  return validators.get(name)!;
}
function check(name: string, doc: unknown): void {
  const v = validator(name);
  expect(v(doc), `${name}: ${ajv.errorsText(v.errors)}`).toBe(true);
}
/** The document with one more field at its top and inside `at` (a path of keys/indices): the schema must refuse both. */
function refusesExtra(name: string, doc: Record<string, unknown>, at: (string | number)[]): void {
  const v = validators.get(name)!;
  const top = structuredClone(doc);
  top['unexpected'] = 1;
  expect(v(top), `${name}: a field added at the top`).toBe(false);
  const inner = structuredClone(doc);
  let o: Record<string | number, unknown> = inner;
  for (const k of at) o = o[k] as Record<string | number, unknown>;
  o['unexpected'] = 1;
  expect(v(inner), `${name}: a field added at ${at.join('.')}`).toBe(false);
  const required = (readSchema(name)['required'] as string[]).filter((k) => k !== 'schema');
  const missing = structuredClone(doc);
  delete missing[required[0]!];
  expect(v(missing), `${name}: '${required[0]}' missing`).toBe(false);
}

const FILES = ['analyze', 'diff', 'eval', 'lint', 'rewrite', 'bench', 'compare', 'verify', 'profile', 'lab', 'compress', 'predict', 'zoo-list'];
const model = sharedModel('fmnist_resnet.onnx');
const quick = { warmup: 1, minRuns: 5, budgetMs: 300 };
let engine: Engine;
beforeAll(async () => {
  engine = await createEngine('ort', { threads: 2 });
});

describe('schemas are strict', () => {
  it('every document has a schema; every object in it lists required fields and refuses others', () => {
    expect(fs.readdirSync(path.join(repoRoot, 'schemas')).sort()).toEqual(FILES.map((f) => `${f}.schema.json`).sort());
    for (const name of FILES) {
      const loose: string[] = [];
      const walk = (s: unknown, at: string) => {
        if (!s || typeof s !== 'object') return;
        const o = s as Record<string, unknown>;
        if (o['properties']) {
          if (o['additionalProperties'] !== false) loose.push(`${at}: additionalProperties is not false`);
          if (!Array.isArray(o['required'])) loose.push(`${at}: no required list`);
        }
        for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
      };
      walk(readSchema(name), name);
      expect(loose).toEqual([]);
      validator(name);
    }
  });

  it("lint's schema names every rule and every pass a finding can name, no more", () => {
    const s = readSchema('lint') as { properties: { findings: { items: { properties: { rule: { enum: string[] }; rewrite: { enum: string[] } } } } } };
    expect(s.properties.findings.items.properties.rule.enum).toEqual(RULES.map((r) => r.id));
    expect([...s.properties.findings.items.properties.rewrite.enum].sort()).toEqual([...PASS_REF_IDS].sort());
  });
});

describe('documents from real runs validate', () => {
  it('zoo list: every network, with the published counts of ResNet-18 (11,689,512 params, 1.814 G madds)', async () => {
    const r = await leannetInProcess(['zoo', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { networks: { name: string; params: number; madds: number }[] };
    check('zoo-list', doc);
    refusesExtra('zoo-list', doc as unknown as Record<string, unknown>, ['networks', 0]);
    expect(doc.networks.map((n) => n.name)).toEqual(NETWORKS.map((n) => n.name));
    const r18 = doc.networks.find((n) => n.name === 'resnet18')!;
    expect(r18.params).toBe(11689512);
    expect(r18.madds / 1e9).toBeCloseTo(1.814, 3);
  });

  it('lint (in-process and as the CLI prints it), with a finding naming an unknown pass refused', () => {
    const doc = lintJson(lint(analyzeGraph(openModel(model)), { ridge: 10 }), model, defaultConfig(RULES)) as unknown as Record<string, unknown>;
    check('lint', doc);
    const findings = doc['findings'] as Record<string, unknown>[];
    expect(findings.some((f) => f['rewrite'])).toBe(true);
    refusesExtra('lint', doc, ['findings', 0]);
    const bad = structuredClone(doc);
    (bad['findings'] as Record<string, unknown>[]).find((f) => f['rewrite'])!['rewrite'] = 'fold-bnn';
    expect(validators.get('lint')!(bad)).toBe(false);
    const r = leannet(['lint', model, '--json', '--ridge', '10']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('bench, compare, verify (seeded and --data) and profile', async () => {
    const p = prepareModel(model);
    const b = benchJson([{ ...(await bench(p, engine, quick)), inputSource: 'seeded random (seed 1)' }]);
    check('bench', b);
    refusesExtra('bench', b, ['results', 0, 'stats']);
    const c = compareJson(await compare(p, prepareModel(model), engine, { warmup: 1, minPairs: 5, budgetMs: 300 }));
    check('compare', c);
    refusesExtra('compare', c, ['ratio']);
    const v = verifyJson(await verifyModels(p, prepareModel(model), engine));
    check('verify', v);
    refusesExtra('verify', v, ['outputs', 0]);
    const onData = leannet(['verify', model, model, '--data', fmnistImages, '--limit', '16', '--json']);
    expect(onData.code, onData.stderr).toBe(0);
    const vd = JSON.parse(onData.stdout) as Record<string, unknown>;
    expect(vd['samples']).toBe(16);
    check('verify', vd);
    const pr = profileJson(await profile(p, engine, quick));
    check('profile', pr);
    refusesExtra('profile', pr, ['rows', 0]);
  });

  it('rewrite: exact with verification and timing, and approximate with --keep faster candidates', async () => {
    const compareQuick = { warmup: 1, minPairs: 5, budgetMs: 300 };
    const exact = await rewriteModel(sharedModel('fmnist_resnet_bn.onnx'), parsePassSpecs(['fold-bn']), engine, { compare: compareQuick });
    const doc = rewriteJson(exact, 'out.onnx') as unknown as Record<string, unknown>;
    check('rewrite', doc);
    expect(doc['output']).toBe('out.onnx');
    refusesExtra('rewrite', doc, ['passes', 0, 'changes', 0]);
    const kept = await rewriteModel(model, parsePassSpecs(['dwsep:rank=2']), engine, {
      only: '^/layer4/layer4\\.1/conv',
      compare: compareQuick,
      keep: { faster: true, compare: compareQuick },
    });
    const kdoc = rewriteJson(kept, 'out.onnx') as unknown as Record<string, unknown>;
    expect((kdoc['keep'] as { candidates: unknown[] }).candidates).toHaveLength(2);
    check('rewrite', kdoc);
    refusesExtra('rewrite', kdoc, ['keep', 'candidates', 0]);
  });
});
