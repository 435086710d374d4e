/**
 * The ONNX backend test suite (Debian's libonnx-testdata) as a conformance check of shape
 * inference, in two modes. `frozen`: each test's inputs (test_data_set_0/input_N.pb) are frozen
 * to initializers, so every value that decides a shape is known. `runtime`: the inputs stay graph
 * inputs as the suite gives them (their declared shapes, named dims kept symbolic), so only what
 * data propagation can know from shapes is known. Either way leannet infers the graph and every
 * graph output's inferred shape is compared with output_N.pb's dims.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tensor, decodeModelBytes, graphFromModel, inferShapes, opOf, type Graph } from '../../src/index.js';
import { TensorProtoType, type GraphProtoMsg, type TensorProtoMsg } from '../../src/formats/onnx/proto.js';
import { decodeTensor } from '../../src/formats/onnx/tensor-proto.js';

export const TESTDATA_ROOT = process.env.LEANNET_ONNX_TESTDATA ?? '/usr/share/libonnx-testdata/data';
export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;

export type Outcome = 'right' | 'wrong' | 'unknown' | 'error' | 'unknown-op';
export const OUTCOMES: readonly Outcome[] = ['right', 'wrong', 'unknown', 'error', 'unknown-op'];
export type Mode = 'frozen' | 'runtime';

export interface CaseResult {
  /** `<suite>/<test>`. */
  name: string;
  outcome: Outcome;
  /** What went wrong: the differing shapes, the error, the unknown ops. */
  detail?: string;
  /** For 'unknown': whether every unknown output still has its rank (its unknown dims named, an explicit bound). */
  rankKept?: boolean;
}

/** Every test folder with a model and a first data set, as `<suite>/<test>`, sorted. */
export function listCases(root = TESTDATA_ROOT): string[] {
  const out: string[] = [];
  for (const suite of SUITES) {
    const dir = path.join(root, suite);
    if (!fs.existsSync(dir)) continue;
    for (const t of fs.readdirSync(dir).sort()) {
      if (fs.existsSync(path.join(dir, t, 'model.onnx')) && fs.existsSync(path.join(dir, t, 'test_data_set_0'))) out.push(`${suite}/${t}`);
    }
  }
  return out;
}

function readTensorProto(file: string): TensorProtoMsg {
  return TensorProtoType.decode(fs.readFileSync(file)) as unknown as TensorProtoMsg;
}

function readTensor(file: string): Tensor {
  return decodeTensor(readTensorProto(file), () => file);
}

function pbFiles(dir: string, prefix: 'input' | 'output'): string[] {
  const files: string[] = [];
  for (let i = 0; fs.existsSync(path.join(dir, `${prefix}_${i}.pb`)); i++) files.push(path.join(dir, `${prefix}_${i}.pb`));
  return files;
}

const show = (s: readonly unknown[] | undefined) => (s ? `[${s.join(',')}]` : 'none');

/** Run one test: `<suite>/<test>` under `root`, its inputs frozen or as the suite gives them. */
export function runCase(name: string, root = TESTDATA_ROOT, mode: Mode = 'frozen'): CaseResult {
  const dir = path.join(root, name);
  const data = path.join(dir, 'test_data_set_0');
  let graph: Graph;
  let frozen = 0;
  try {
    // The inputs become initializers in the ModelProto itself (the reader refuses a declared
    // zero dim on a graph input, which ONNX allows and some tests use).
    const model = decodeModelBytes(fs.readFileSync(path.join(dir, 'model.onnx')), name);
    const g = model.graph as GraphProtoMsg;
    const init = new Set(g.initializer.map((t) => t.name));
    const real = g.input.filter((vi) => !init.has(vi.name));
    const files = pbFiles(data, 'input');
    if (files.length === real.length && real.every((vi) => vi.type?.tensor_type)) {
      // Runtime mode freezes only inputs with a zero dim: they hold no values for propagation to
      // know, so freezing them gives nothing away (and the reader refuses them as inputs).
      const freeze = real.filter((vi) => mode === 'frozen' || vi.type!.tensor_type!.shape?.dim.some((d) => Number(d.dim_value ?? -1) === 0 && !d.dim_param));
      real.forEach((vi, i) => {
        if (freeze.includes(vi)) g.initializer.push({ ...readTensorProto(files[i]!), name: vi.name });
      });
      const names = new Set(freeze.map((vi) => vi.name));
      g.input = g.input.filter((vi) => !names.has(vi.name));
      frozen = freeze.length;
    }
    graph = graphFromModel(model, { source: name });
  } catch (e) {
    return { name, outcome: 'error', detail: `read: ${(e as Error).message}` };
  }
  // Sequence, optional and map values: leannet models tensors only (counted with the unknown ops).
  const nonTensor = [...graph.inputs, ...graph.outputs].filter((n) => {
    const d = graph.value(n).declared as { dtype?: unknown; raw?: unknown } | undefined;
    return d?.raw !== undefined && d.dtype === undefined;
  });
  if (nonTensor.length) return { name, outcome: 'unknown-op', detail: `non-tensor values ${nonTensor.join(', ')}` };
  const unknownOps = graph.nodes.filter((n) => !opOf(graph, n)).map((n) => `${n.domain ? `${n.domain}::` : ''}${n.opType}`);
  if (unknownOps.length) return { name, outcome: 'unknown-op', detail: [...new Set(unknownOps)].join(', ') };
  if (mode === 'frozen' && graph.inputs.length) return { name, outcome: 'error', detail: `inputs ${graph.inputs.join(', ')} not frozen (${frozen} were)` };
  let expected: number[][];
  try {
    expected = pbFiles(data, 'output').map((f) => [...readTensor(f).dims]);
  } catch (e) {
    return { name, outcome: 'error', detail: `test data: ${(e as Error).message}` };
  }
  try {
    inferShapes(graph, mode === 'runtime' ? { symbolic: true } : {});
  } catch (e) {
    return { name, outcome: 'error', detail: (e as Error).message };
  }
  const wrong: string[] = [];
  const unknown: string[] = [];
  let rankKept = true;
  graph.outputs.forEach((o, i) => {
    const ours = graph.value(o).shape;
    const want = expected[i];
    if (!want) return;
    if (!ours || ours.some((d) => typeof d !== 'number')) {
      unknown.push(`${o}: ${show(ours)}, want ${show(want)}`);
      // A known dim that differs is wrong even where others are unknown; so is a wrong rank.
      if (ours && (ours.length !== want.length || ours.some((d, a) => typeof d === 'number' && d !== want[a]))) wrong.push(`${o}: ours ${show(ours)}, want ${show(want)}`);
      if (!ours) rankKept = false;
    } else if (ours.length !== want.length || ours.some((d, a) => d !== want[a])) wrong.push(`${o}: ours ${show(ours)}, want ${show(want)}`);
  });
  if (wrong.length) return { name, outcome: 'wrong', detail: wrong.join('; ') };
  if (unknown.length) return { name, outcome: 'unknown', detail: unknown.join('; '), rankKept };
  return { name, outcome: 'right' };
}

/** Counts by outcome. */
export function tally(results: readonly CaseResult[]): Record<Outcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of results) counts[r.outcome]++;
  return counts;
}
