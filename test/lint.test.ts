/**
 * Lint findings on zoo networks and shared models, checked against hand calculations of the
 * formulas they quote; SARIF validated against the SARIF 2.1.0 JSON schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { Builder, analyzeGraph, buildFromSpec, layers, lint, measureRidge, openModel, saveOnnx, toSarif } from '../src/index.js';
import { leannet } from './helpers/cli.js';
import { sharedModel, tempDir } from './helpers/models.js';

const byRule = (spec: string, rule: string) => lint(analyzeGraph(openModel(spec))).findings.filter((f) => f.rule === rule);

describe('rules against hand calculations', () => {
  it('VGG-16: every 3x3 conv gets dwsep-opportunity with saving 1 − (1/c2 + 1/9)', () => {
    const a = analyzeGraph(buildFromSpec('vgg16'));
    const findings = lint(a).findings.filter((f) => f.rule === 'dwsep-opportunity');
    // 13 convs; the first (3→64) holds under 1% of the madds and is below the default minShare.
    expect(findings).toHaveLength(12);
    for (const f of findings) {
      const c2 = Number(f.evidence['c2']);
      const conv = a.cost.nodes.find((c) => c.node.name === f.nodes[0])!;
      expect(f.evidence['ratio']).toBeCloseTo(1 / c2 + 1 / 9, 12);
      expect(f.saving.madds).toBeCloseTo(conv.madds * (1 - (1 / c2 + 1 / 9)), 3);
      expect(f.rewrite).toBe('dwsep');
    }
  });

  it('ResNet-50: the bottleneck 1x1 convs (1:4) get G1 findings with the excess from the formula', () => {
    const findings = byRule('zoo:resnet50', 'G1-channel-ratio');
    const conv3 = findings.find((f) => f.nodes[0] === 'layer1.0.conv3')!;
    // layer1.0.conv3: 64 → 256 channels at 56×56. MAC = hw(c1+c2) + c1·c2; bound = 2√(hw·B) + B/hw.
    const hw = 56 * 56;
    const B = hw * 64 * 256;
    const mac = hw * (64 + 256) + 64 * 256;
    const bound = 2 * Math.sqrt(hw * B) + B / hw;
    expect(conv3.evidence['MAC']).toBe(mac);
    expect(conv3.evidence['excess']).toBeCloseTo(mac / bound - 1, 12);
    // By hand: MAC = 3136·320 + 16384 = 1,019,904; bound = 2·3136·128 + 64·256 = 819,200.
    expect(conv3.evidence['excess']).toBeCloseTo(1_019_904 / 819_200 - 1, 12);
    // Each 1:4 conv is flagged exactly when its excess reaches the 5% default: stage 4's three
    // conv3 at 7×7 (512→2048) stay below it (2.2%), as their weights dominate the access there.
    const a = analyzeGraph(buildFromSpec('resnet50'));
    const expected = a.cost.nodes
      .filter((c) => c.kind === 'pointwise')
      .filter((c) => {
        const [c2, c1] = a.graph.value(c.node.inputs[1]!).shape as number[];
        const y = a.graph.value(c.node.outputs[0]!).shape as number[];
        const hw = y[2]! * y[3]!;
        const B = hw * c1! * c2!;
        return c2 === 4 * c1! && (hw * (c1! + c2!) + c1! * c2!) / (2 * Math.sqrt(hw * B) + B / hw) - 1 >= 0.05;
      })
      .map((c) => c.node.name);
    const flagged = findings.filter((f) => Number(f.evidence['c2']) === 4 * Number(f.evidence['c1'])).map((f) => f.nodes[0]);
    expect(flagged.sort()).toEqual(expected.sort());
    expect(expected).toHaveLength(14);
    expect(expected.filter((n) => n.startsWith('layer4'))).toEqual([]);
  });

  it('ShuffleNet V1: g = 8 gets G2 findings with the penalty from hw·c1 + B·g/c1 + B/hw, g = 1 gets none', () => {
    const g8 = byRule('zoo:shufflenet_v1?groups=8', 'G2-groups');
    expect(g8.length).toBeGreaterThan(20);
    const f = g8.find((x) => Number(x.evidence['c1']) === 384 && Number(x.evidence['groups']) === 8)!;
    const { hw, c2 } = { hw: Number(f.evidence['hw']), c2: Number(f.evidence['c2']) };
    const B = (hw * 384 * c2) / 8;
    const mac = (g: number) => hw * 384 + (B * g) / 384 + B / hw;
    expect(f.evidence['penalty']).toBeCloseTo(mac(8) / mac(1) - 1, 12);
    expect(byRule('zoo:shufflenet_v1?groups=1', 'G2-groups')).toEqual([]);
  });

  it('Inception v1 (shared model) gets G3 findings: four branches per inception block', () => {
    const g3 = byRule(sharedModel('light_inception_v1.onnx'), 'G3-fragmentation');
    expect(g3).toHaveLength(9);
    for (const f of g3) {
      expect(f.evidence['branches']).toBe(4);
      expect(f.nodes[0]).toMatch(/^n\d+$/);
    }
    expect(g3.every((f) => f.rewrite === 'merge-parallel-convs')).toBe(true);
  });

  it('MobileNet V2 reports the element-wise share of memory access, with depthwise convs apart', () => {
    const a = analyzeGraph(buildFromSpec('mobilenet_v2'));
    const summary = lint(a).findings.find((f) => f.rule === 'G4-elementwise' && f.evidence['elementwiseMemAccessShare'] !== undefined)!;
    expect(summary.evidence['elementwiseMemAccessShare']).toBeCloseTo(a.cost.totals.elementwiseShare, 12);
    const dw = a.cost.nodes.filter((c) => c.kind === 'depthwise');
    expect(summary.evidence['depthwiseConvs']).toBe(17);
    expect(summary.evidence['depthwiseMemAccessShare']).toBeCloseTo(dw.reduce((s, c) => s + c.memAccess, 0) / a.cost.totals.memAccess, 12);
    // 52 BatchNorms follow a conv: fold-bn removes each.
    expect(lint(a).findings.filter((f) => f.rewrite === 'fold-bn')).toHaveLength(52);
  });

  it('memory-bound uses the ridge point: a higher ridge flags more layers', () => {
    const a = analyzeGraph(buildFromSpec('resnet18'));
    const at = (ridge: number) => lint(a, { ridge }).findings.filter((f) => f.rule === 'memory-bound');
    expect(at(100).length).toBeGreaterThan(at(5).length);
    for (const f of at(30)) expect(Number(f.evidence['intensity'])).toBeLessThan(30);
  });

  it("the ridge point measured on this machine is finite and positive", async () => {
    const r = await measureRidge(1);
    expect(r.peakGflops).toBeGreaterThan(0.1);
    expect(r.bandwidthGBs).toBeGreaterThan(0.1);
    expect(Number.isFinite(r.ridge) && r.ridge > 0).toBe(true);
  });
});

describe('output and exit codes', () => {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // A CommonJS module: under NodeNext the class is its `default` export.
  const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));

  it('SARIF output validates against the SARIF 2.1.0 schema', () => {
    for (const spec of ['zoo:mobilenet_v2', sharedModel('light_inception_v1.onnx')]) {
      const r = leannet(['lint', spec, '--format', 'sarif', '--ridge', '20']);
      expect(r.code).toBe(0);
      const log = JSON.parse(r.stdout);
      expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(log.runs[0].results.length).toBeGreaterThan(5);
      expect(new Set(log.runs[0].results.map((x: { level: string }) => x.level))).toContain('warning');
    }
    // The library's own output, for a model with every rule firing, validates as well.
    const doc = toSarif(lint(analyzeGraph(buildFromSpec('vgg16')), { ridge: 50 }), 'zoo:vgg16', '0.0.0');
    expect(validate(doc)).toBe(true);
  });

  it('a model with no findings says so plainly and exits 0; --fail-on gates on severity', () => {
    const dir = tempDir();
    const b = new Builder({ name: 'clean' });
    const x = b.input('x', [1, 16, 8, 8]);
    b.output(layers.conv(b, x, { out: 16, kernel: 1 }));
    const file = path.join(dir, 'clean.onnx');
    saveOnnx(b.finish(), file);
    const clean = leannet(['lint', file, '--no-ridge-measure', '--fail-on', 'low']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/no findings/);
    const vgg = ['lint', 'zoo:vgg16', '--no-ridge-measure'];
    expect(leannet([...vgg, '--fail-on', 'high']).code).toBe(1);
    expect(leannet([...vgg, '--rules', 'G1-channel-ratio', '--fail-on', 'low']).code).toBe(0);
  });

  it('rules and thresholds from flags and from a config file', () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'lint.json');
    fs.writeFileSync(cfg, JSON.stringify({ rules: { 'dwsep-opportunity': { minShare: 0.09 }, 'G4-elementwise': false } }));
    // The 3x3 convs with ≥ 9% of VGG-16's madds: the six 1.85 G ones (conv1_2, conv2_2, conv3_2/3, conv4_2/3).
    const a = analyzeGraph(buildFromSpec('vgg16'));
    const big = a.cost.nodes.filter((c) => c.kind === 'standard' && c.madds / a.cost.totals.madds >= 0.09).length;
    expect(big).toBe(6);
    const doc = JSON.parse(leannet(['lint', 'zoo:vgg16', '--no-ridge-measure', '--json', '--config', cfg]).stdout);
    expect(doc.findings.filter((f: { rule: string }) => f.rule === 'dwsep-opportunity')).toHaveLength(big);
    expect(doc.findings.some((f: { rule: string }) => f.rule === 'G4-elementwise')).toBe(false);
    const set = JSON.parse(leannet(['lint', 'zoo:vgg16', '--no-ridge-measure', '--json', '--set', 'dwsep-opportunity.minShare=0.09', '--rules', 'dwsep-opportunity']).stdout);
    expect(set.findings).toHaveLength(big);
    const bad = leannet(['lint', 'zoo:vgg16', '--set', 'dwsep-opportunity.maxShare=1']);
    expect(bad.stderr).toMatch(/rule 'dwsep-opportunity' has no threshold 'maxShare'; thresholds: minShare/);
    expect(leannet(['lint', 'zoo:vgg16', '--disable', 'G5']).stderr).toMatch(/unknown rule 'G5'; rules: dwsep-opportunity, /);
  });

  it('--measure ranks findings by time measured with the profiler', () => {
    const r = leannet(['lint', 'zoo:mobilenet_v2?resolution=128', '--measure', '--json', '--no-ridge-measure', '--opt', 'disabled']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.metrics.measured).toBe(true);
    const shares = doc.findings.map((f: { measuredShare: number }) => f.measuredShare);
    expect(shares.every((s: number) => s >= 0 && s <= 1)).toBe(true);
    expect(shares).toEqual([...shares].sort((a: number, b: number) => b - a));
    const g4 = doc.findings.find((f: { evidence: Record<string, unknown> }) => f.evidence['elementwiseTimeShare'] !== undefined);
    expect(g4.evidence.elementwiseTimeShare).toBeGreaterThan(0);
  });
});
