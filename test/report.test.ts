/** The terminal table every report prints: display widths and column alignment. */
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { EngineInfo, VerifyResult } from '../src/engine/index.js';
import { grouped } from '../src/report/format.js';
import { verifyReport } from '../src/report/measure.js';
import { colorWanted, displayWidth, table } from '../src/report/style.js';

describe('displayWidth', () => {
  it('agrees with string-width for every character it counts directly, and for others', () => {
    const ranges: [number, number][] = [
      [0x20, 0x7e],
      [0xa0, 0x2ff],
      [0x2010, 0x2027],
      [0x2190, 0x21ff],
    ];
    let checked = 0;
    for (const [from, to] of ranges) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        expect(displayWidth(ch), `U+${cp.toString(16)}`).toBe(stringWidth(ch));
        checked++;
      }
    }
    expect(checked).toBe(95 + 608 + 24 + 112);
    // Outside the direct path: wide, zero-width and combining characters.
    for (const s of ['名字', 'conv_层1', '\u00ad', 'e\u0301', '\u200b', '🙂']) expect(displayWidth(s), s).toBe(stringWidth(s));
    expect(displayWidth('名字')).toBe(4);
    expect(displayWidth('\x1b[1mbold\x1b[22m')).toBe(4);
  });
});

describe('table', () => {
  it('aligns left and right columns by display width, with colours and wide characters', () => {
    const t = table(['layer', 'op', 'params'], ['left', 'left', 'right']);
    t.push(['\x1b[2mconv1\x1b[22m', 'Conv', '9.41 k']);
    t.push(['卷积层', 'Relu', 0]);
    t.push(['a\nb', 'Concat', '1.23 M']);
    const lines = t.toString().split('\n').map((l) => stripVTControlCharacters(l));
    expect(lines).toEqual([
      'layer   op      params',
      'conv1   Conv    9.41 k',
      '卷积层  Relu         0',
      'a b     Concat  1.23 M',
    ]);
  });

  it('renders a 20,000-row table with every row aligned', () => {
    const t = table(['layer', 'shape'], ['left', 'right']);
    for (let i = 0; i < 20_000; i++) t.push([`n${i}`, `1x${i}x7x7 → 1x${i}x7x7`]);
    // The header is bold when this process's stdout is a terminal or FORCE_COLOR is set.
    const lines = stripVTControlCharacters(t.toString()).split('\n');
    expect(lines).toHaveLength(20_001);
    // 'n0' padded to the first column's 6, two spaces, then 17 characters right-aligned in 25.
    expect(lines[1]).toBe(`n0${' '.repeat(4 + 2 + 8)}1x0x7x7 → 1x0x7x7`);
    expect(lines[20_000]).toBe('n19999  1x19999x7x7 → 1x19999x7x7');
    expect(new Set(lines.map((l) => l.length))).toEqual(new Set([33]));
  });
});

describe('colorWanted', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it('colours a terminal only, unless NO_COLOR or FORCE_COLOR says otherwise', () => {
    expect(colorWanted({}, tty)).toBe(true);
    expect(colorWanted({}, pipe)).toBe(false);
    expect(colorWanted({}, undefined)).toBe(false);
    // picocolors turns colour on for any process with CI set; a pipe on CI stays plain here
    expect(colorWanted({ CI: 'true' }, pipe)).toBe(false);
    expect(colorWanted({ TERM: 'dumb' }, tty)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, tty)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, tty)).toBe(true);
    expect(colorWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, tty)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '1' }, pipe)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, tty)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: 'false' }, tty)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '' }, pipe)).toBe(false);
  });
});

describe('verifyReport', () => {
  // Results as verifyModels makes them; only the fields the report reads differ between cases.
  const result = (normRel: number, pass: boolean, relativeTo: 'element' | 'max' = 'element'): VerifyResult => ({
    a: 'a.onnx',
    b: 'b.onnx',
    engines: [{ engine: 'ort' } as EngineInfo, { engine: 'ort' } as EngineInfo],
    tolerance: { atol: 1e-5, rtol: 1e-4, relativeTo },
    outputs: [{ name: 'fc', nameB: 'fc', shape: [1, 1000], maxAbs: 9.16e-5, maxRel: 1.24e-4, normRel, cosine: 1, mismatched: pass ? 0 : 1, nonFinite: 0, pass }],
    pass,
  });
  const hint = /every difference is within rtol 0\.0001 of the output's largest magnitude/;

  it('says when an element-wise failure is within rtol of the output scale (float rounding), and only then', () => {
    // the figures of zoo:resnet18 against its fold-bn rewrite: logits up to ~238
    expect(stripVTControlCharacters(verifyReport(result(3.84e-7, false)))).toMatch(hint);
    expect(verifyReport(result(2e-4, false))).not.toMatch(hint);
    expect(verifyReport(result(3.84e-7, true))).not.toMatch(hint);
    expect(verifyReport(result(3.84e-7, false, 'max'))).not.toMatch(hint);
  });
});

describe('grouped', () => {
  it('groups digits as toLocaleString(en-US) does', () => {
    const values = [0, 7, 999, 1000, -1000, 12345.6, -1234567, 8_146_152, 2 ** 53 - 1, -(2 ** 53) + 1, 1e21];
    for (const v of values) expect(grouped(v), String(v)).toBe(Math.round(v).toLocaleString('en-US'));
    expect(grouped(8_146_152)).toBe('8,146,152');
    // toLocaleString writes Math.round(-0.4) as '-0'.
    expect(grouped(-0.4)).toBe('0');
  });
});
