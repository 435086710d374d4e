/**
 * The layers of docs/ARCHITECTURE.md ("Layers (src/), lowest first") hold in the code: every
 * relative import in src/ reaches a layer at or below its own, and an import into another layer
 * goes through that layer's index.ts. The order is written once, here; a file whose layer is not
 * listed fails the test, so a new folder must be placed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/models.js';

const SRC = path.join(repoRoot, 'src');

/**
 * Layer units, lowest first (the ARCHITECTURE.md table). A unit is a folder (its files and
 * subfolders) or one file; units on one row share a rank. Placed here beyond the table:
 * `host.ts` (what the core asks of the machine) and `random.ts` (seeded generators) beside
 * errors.ts; `formats/tfjs/` above `formats/onnx/`; `formats/node/` (Node's file adapters for
 * both) above them; `rewrite-run/` (a rewrite verified, measured and written: Node) above
 * rewrite/; the entries `core.ts`, `host-node.ts`,
 * `index.ts` and `lab-child.ts` (they gather the layers and may import any file) below cli, which imports only index.ts.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'host.ts', 'random.ts', 'text.ts'],
  ['ir'],
  ['ops'],
  ['formats/onnx'],
  ['formats/tfjs'],
  ['formats/node'],
  ['data'],
  ['cost'],
  ['patterns'],
  ['zoo'],
  ['analysis'],
  ['engine'],
  ['measure'],
  ['predict'],
  ['calibrate'],
  ['lint'],
  ['rewrite'],
  ['rewrite-run'],
  ['compress'],
  ['lab'],
  ['report'],
  ['core.ts', 'host-node.ts', 'index.ts', 'lab-child.ts'],
  ['cli'],
];

/** Entries gather other layers' files on purpose (core.ts picks the browser-safe ones). */
const ENTRIES = new Set(['core.ts', 'host-node.ts', 'index.ts', 'lab-child.ts']);

/** Imports that break the rules, allowed by file while another change removes them (none now). */
const ALLOWED: Record<string, string> = {};

function unitOf(rel: string): { unit: string; rank: number } | undefined {
  for (let rank = 0; rank < LAYERS.length; rank++) {
    for (const unit of LAYERS[rank]!) {
      if (unit.endsWith('.ts') ? rel === unit : rel.startsWith(`${unit}/`)) return { unit, rank };
    }
  }
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import (static, re-export, dynamic import()) with its line. */
function importsOf(text: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ spec: m[1]!, line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

/** The problems with one import from `from` (relative to src/) of `spec`, or undefined. */
function check(from: string, spec: string): string | undefined {
  const target = path.relative(SRC, path.resolve(SRC, path.dirname(from), spec)).replace(/\.js$/, '.ts').split(path.sep).join('/');
  if (!fs.existsSync(path.join(SRC, target))) return `imports '${spec}', which is not a file in src/`;
  const a = unitOf(from);
  const b = unitOf(target);
  if (!a) return `is in no layer: place it in test/layers.test.ts`;
  if (!b) return `imports '${spec}' (${target}), which is in no layer`;
  if (a.unit === b.unit) return undefined;
  if (ALLOWED[`${from} -> ${target}`]) return undefined;
  if (b.rank > a.rank) return `imports '${spec}': ${b.unit} is a higher layer than ${a.unit}`;
  if (ENTRIES.has(a.unit)) return undefined;
  const unitIndex = b.unit.endsWith('.ts') ? b.unit : `${b.unit}/index.ts`;
  if (target !== unitIndex) return `imports '${spec}' around ${unitIndex}`;
  return undefined;
}

describe('layers', () => {
  const files = sourceFiles(SRC).map((f) => path.relative(SRC, f).split(path.sep).join('/')).sort();

  it('every file in src/ is in a layer', () => {
    expect(files.filter((f) => !unitOf(f))).toEqual([]);
  });

  it('no file imports a higher layer or around another layer’s index.ts', () => {
    const problems: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(SRC, f), 'utf8');
      for (const { spec, line } of importsOf(text)) {
        const p = check(f, spec);
        if (p) problems.push(`src/${f}:${line} ${p}`);
      }
    }
    expect(problems.join('\n')).toBe('');
  });

  it('the check can fail: an upward import, an import around an index.ts, an unplaced folder', () => {
    expect(check('ir/graph.ts', '../ops/index.js')).toMatch(/ops is a higher layer than ir/);
    expect(check('rewrite-run/run.ts', '../formats/node/onnx-file.js')).toMatch(/around formats\/node\/index.ts/);
    expect(check('rewrite-run/run.ts', '../formats/node/index.js')).toBeUndefined();
    expect(check('rewrite/fold-bn.ts', './weights.js')).toBeUndefined();
    expect(unitOf('newfolder/x.ts')).toBeUndefined();
    expect(importsOf("import a from './a.js';\nexport { b } from \"../b.js\";\nconst c = await import('./c.js');\nimport './d.js';").map((i) => `${i.spec}@${i.line}`))
      .toEqual(['./a.js@1', '../b.js@2', './c.js@3', './d.js@4']);
  });
});
