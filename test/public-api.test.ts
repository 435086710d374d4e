/**
 * The public face and its documentation: every name bench/, fuzz/ and scripts/ take from the
 * library is exported by src/index.ts (an explicit list); every registered lint rule, rewrite
 * pass, zoo network, engine and lab experiment is named in the README or docs/ARCHITECTURE.md and
 * in some test file; the CLI's help lists the registries, not a copy of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as L from '../src/index.js';
import { leannet, leannetInProcess } from './helpers/cli.js';
import { repoRoot, sharedModel } from './helpers/models.js';

const read = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');
const filesUnder = (dir: string, ext: RegExp) =>
  (fs.readdirSync(path.join(repoRoot, dir), { recursive: true }) as string[]).filter((f) => ext.test(f)).map((f) => path.join(dir, f));

/** Registered names whose registry id the docs do not mention yet (the README names these networks by title only). Remove a name once it is documented. */
const KNOWN_UNDOCUMENTED: string[] = [];

const registered = (): [string, string[]][] => [
  ['rule', L.RULES.map((r) => r.id)],
  ['pass', L.PASSES.map((p) => p.id)],
  ['network', L.NETWORKS.map((n) => n.name)],
  ['engine', L.engineNames()],
  ['experiment', L.EXPERIMENTS.map((e) => e.id)],
];
const mentions = (text: string, name: string) => new RegExp(`(^|[^A-Za-z0-9_-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-])`).test(text);

describe('the public API', () => {
  it('src/index.ts exports an explicit list (no export *), and every name the scripts use is in it', () => {
    expect(read('src/index.ts')).not.toMatch(/^export \* from/m);
    const scripts = [...filesUnder('bench', /\.mjs$/), ...filesUnder('fuzz', /\.mjs$/), ...filesUnder('scripts', /\.mjs$/)];
    const used = new Set<string>();
    for (const f of scripts) for (const m of read(f).matchAll(/\bL\.([A-Za-z_$][\w$]*)/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((n) => !(n in L));
    expect(missing).toEqual([]);
    // Internals stay inside: a helper no consumer uses is not public.
    for (const internal of ['nodeContext', 'cholesky', 'foldBnDeadChains', 'sortGraph']) expect(internal in L, internal).toBe(false);
  });
});

describe('every registered rule, pass, network, engine and experiment is documented and tested', () => {
  const docs = read('README.md') + read('docs/ARCHITECTURE.md');
  const tests = filesUnder('test', /\.(ts|mjs)$/).filter((f) => !f.endsWith('public-api.test.ts')).map(read).join('\n');
  it('named in the README or docs/ARCHITECTURE.md (but for the known list, which only shrinks)', () => {
    const undocumented = registered().flatMap(([kind, names]) => names.filter((n) => !mentions(docs, n)).map((n) => `${kind} ${n}`));
    expect(undocumented).toEqual(KNOWN_UNDOCUMENTED);
  });
  it('named in some test file', () => {
    const untested = registered().flatMap(([kind, names]) => names.filter((n) => !mentions(tests, n)).map((n) => `${kind} ${n}`));
    expect(untested).toEqual([]);
  });
  it('every rule has its headline on the rule; the CLI help lists the engines and passes from the registries', async () => {
    for (const r of L.RULES) expect(r.headline([], 0.5)).toMatch(/50\.0%|0 /);
    const bench = (await leannetInProcess(['bench', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const e of L.engineNames()) expect(bench).toContain(e);
    const rewrite = (await leannetInProcess(['rewrite', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(rewrite).toContain(`passes: ${L.PASSES.map((p) => p.id).join(', ')}`);
  });
});

describe('the CLI in-process (the fast tier) is the CLI', () => {
  it('same exit code, stdout and stderr as the spawned bin/leannet.js: a table, a JSON document, a usage error, a model error', async () => {
    const model = sharedModel('fmnist_resnet.onnx');
    for (const args of [['analyze', model, '--top', '3'], ['lint', model, '--json', '--ridge', '10'], ['analyze', model, '--top', 'x'], ['analyze', 'no-such.onnx'], ['frobnicate']]) {
      const inside = await leannetInProcess(args);
      const spawned = leannet(args);
      expect(inside, args.join(' ')).toEqual(spawned);
    }
  });
});
