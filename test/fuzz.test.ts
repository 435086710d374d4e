/**
 * The fuzzer itself (fuzz/run.mjs, fuzz/mutate.mjs): mutants are determined by seed and index,
 * a short run reports its counts, and its detectors fire: a memory bound below what any Node
 * process needs turns every mutant into MEMORY, saved and reproduced by --replay.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModelBytes } from '../src/index.js';
import { repoRoot, sharedModel, tempDir } from './helpers/models.js';
import { floatInit, tinyModel } from './helpers/tiny.js';

const fuzz = (args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'fuzz/run.mjs'), ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });

describe('fuzz', () => {
  it('a mutant is a function of (seed, index)', async () => {
    const { makeMutant } = (await import(path.join(repoRoot, 'fuzz/mutate.mjs'))) as {
      makeMutant: (corpus: unknown[], seed: number, index: number) => { bytes: Uint8Array; source: string; mutations: string[] };
    };
    const conv = tinyModel({
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }] }],
      inputs: [{ name: 'x', dims: [1, 3, 8, 8] }],
      outputs: [{ name: 'y' }],
      initializers: [floatInit('w', [4, 3, 3, 3])],
    });
    const corpus = [
      { path: 'conv', bytes: conv, weight: 1 },
      { path: 'alexnet', bytes: fs.readFileSync(sharedModel('light_bvlc_alexnet.onnx')), weight: 1 },
    ];
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const a = makeMutant(corpus, 7, i);
      const b = makeMutant(corpus, 7, i);
      expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
      expect(a.mutations).toEqual(b.mutations);
      expect(a.mutations.length).toBeGreaterThan(0);
      seen.add(Buffer.from(a.bytes).toString('base64'));
    }
    // Mutants differ from each other and from their source.
    expect(seen.size).toBeGreaterThan(45);
    expect(seen.has(Buffer.from(conv).toString('base64'))).toBe(false);
    // Structure mutations keep the file decodable more often than not.
    let decodable = 0;
    for (let i = 0; i < 50; i++) {
      try {
        decodeModelBytes(makeMutant(corpus, 7, i).bytes);
        decodable++;
      } catch {
        /* a byte mutation */
      }
    }
    expect(decodable).toBeGreaterThan(25);
  });

  it('a short run counts every mutant and finds no crash', () => {
    const out = tempDir();
    const r = fuzz(['--count', '8', '--seed', '3', '--check-every', '4', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary-s3-0-8.json'), 'utf8'));
    const c = summary.counts;
    expect(c.ok + c.error + c.crash + c.hang + c.memory).toBe(8);
    expect(c.crash + c.hang + c.memory).toBe(0);
    // mutants 0 and 4 also ran as real processes, with the same outcome as in-process
    expect(summary.processChecks.sampled).toBe(2);
    expect(summary.processChecks.agree).toBe(2);
    expect(r.stdout).toMatch(/CRASH 0 {3}HANG 0 {3}MEMORY 0/);
  });

  it('the memory detector fires, saves the mutant, and --replay reproduces it from its seed', () => {
    const out = tempDir();
    // A bound of 2 × file + 40 MB: below what node itself needs (~60 MB).
    const r = fuzz(['--count', '1', '--seed', '5', '--memory-base', '40', '--check-every', '0', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/MEMORY 1/);
    const saved = path.join(out, 'memory-s5-i0.onnx');
    expect(fs.existsSync(saved)).toBe(true);
    const meta = JSON.parse(fs.readFileSync(saved.replace(/\.onnx$/, '.json'), 'utf8'));
    expect(meta).toMatchObject({ seed: 5, index: 0, outcome: 'memory' });
    expect(meta.commands[0].rssMB).toBeGreaterThan(40);
    const replay = fuzz(['--replay', saved, '--memory-base', '40']);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toMatch(/rebuilt from the seed: identical bytes/);
    expect(replay.stdout).toMatch(/outcome: MEMORY/);
    // with the real bound the same mutant is fine
    const real = fuzz(['--replay', saved]);
    expect(real.status).toBe(0);
    expect(real.stdout).toMatch(/outcome: (OK|ERROR)/);
  });
});
