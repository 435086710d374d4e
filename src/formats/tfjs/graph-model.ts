/**
 * TF.js graph models (`format: "graph-model"`): the GraphDef in `modelTopology` mapped node by
 * node onto ONNX ops (graph-ops.ts), weights from the manifest as initializers, Placeholders as
 * inputs, the signature's outputs (or the unconsumed nodes) as outputs; then the layout pass
 * leaves transposes only at the edges.
 */
import { ModelFormatError, UnsupportedOpError } from '../../errors.js';
import { Node, type Graph, type Tensor } from '../../ir/index.js';
import { declareOutputs, Emitter } from './emit.js';
import { CONTROL_FLOW, TF_OPS, TfNode, type TfNodeDef } from './graph-ops.js';
import { optimizeLayout } from './layout.js';
import { dtypeOfTf } from './weights.js';

/** TF's `name:k` / `^ctrl` input references → IR value names (`name` for output 0). */
function valueName(ref: string): string | undefined {
  if (ref.startsWith('^')) return undefined;
  const m = /^(.*):(\d+)$/.exec(ref);
  if (!m) return ref;
  return m[2] === '0' ? m[1]! : ref;
}

export interface GraphModelJson {
  modelTopology: { node?: TfNodeDef[]; library?: { function?: unknown[] } };
  signature?: { inputs?: Record<string, { name?: string }>; outputs?: Record<string, { name?: string }> };
  userDefinedMetadata?: { signature?: GraphModelJson['signature'] };
}

/** Build the Graph of a graph model; `weights` holds the decoded manifest. */
export function readGraphModel(json: GraphModelJson, weights: Map<string, Tensor>, source: string, options: { layout?: boolean } = {}): Graph {
  const nodes = json.modelTopology?.node;
  if (!Array.isArray(nodes)) throw new ModelFormatError(`${source}: modelTopology has no node list`);
  const fns = json.modelTopology.library?.function;
  const e = new Emitter(source);
  const g = e.graph;
  g.name = source.replace(/^.*[\\/]([^\\/]+)[\\/]model\.json$/, '$1');
  g.meta.producerName = 'leannet (from TF.js graph model)';

  // Control flow first: one line naming the op, before any other work.
  for (const d of nodes) {
    if (CONTROL_FLOW.has(d.op)) throw new UnsupportedOpError(`${source}: node '${d.name}' is ${d.op}: TF control flow and tensor lists are not supported`);
  }
  if (Array.isArray(fns) && fns.length > 0) throw new UnsupportedOpError(`${source}: the graph has ${fns.length} function(s) in its library (control flow): not supported`);

  // Order: GraphDefs need not be topological.
  const byName = new Map(nodes.map((d) => [d.name, d]));
  const order: TfNodeDef[] = [];
  const state = new Map<string, number>();
  const visit = (root: TfNodeDef) => {
    const stack: [TfNodeDef, number][] = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [d, i] = top;
      if (i === 0) {
        if (state.get(d.name) === 2) {
          stack.pop();
          continue;
        }
        state.set(d.name, 1);
      }
      const ins = d.input ?? [];
      if (i < ins.length) {
        top[1]++;
        const ref = ins[i]!.replace(/^\^/, '').replace(/:\d+$/, '');
        const dep = byName.get(ref);
        if (!dep) throw new ModelFormatError(`${source}: node '${d.name}' reads '${ins[i]}', which no node defines`);
        const st = state.get(dep.name);
        if (st === 1) throw new ModelFormatError(`${source}: the graph has a cycle through '${dep.name}'`);
        if (st !== 2) stack.push([dep, 0]);
        continue;
      }
      state.set(d.name, 2);
      order.push(d);
      stack.pop();
    }
  };
  nodes.forEach(visit);

  const consumed = new Set<string>();
  const unknown = new Map<string, number>();
  for (const d of order) {
    e.current = d.name;
    e.currentOp = d.op;
    const inputs = (d.input ?? []).map(valueName).filter((x): x is string => x !== undefined);
    inputs.forEach((i) => consumed.add(i));
    if (d.op === 'Const') {
      const t = weights.get(d.name);
      if (!t) throw new ModelFormatError(`${source}: Const '${d.name}' has no weight in the manifest`);
      g.setInitializer(d.name, t);
      continue;
    }
    if (d.op === 'Placeholder' || d.op === 'PlaceholderWithDefault') {
      const attr = d.attr ?? {};
      const dtype = dtypeOfTf(attr['dtype']?.type) ?? 'float32';
      const dims = (attr['shape']?.shape?.dim ?? []).map((x, i) => {
        const v = Number(x.size ?? -1);
        return v >= 0 ? v : i === 0 ? 'N' : `${d.name}_${i}`;
      });
      g.addGraphInput(d.name);
      const v = g.value(d.name);
      v.declared = { dtype, shape: dims };
      v.dtype = dtype;
      // Shapes while reading take batch 1 for unknown dims; analysis binds the declared ones again.
      v.shape = dims.map((x) => (typeof x === 'number' ? x : 1));
      continue;
    }
    const map = TF_OPS[d.op];
    if (!map) {
      // Kept as an opaque node: analysis reports its cost as unknown; convert refuses it.
      unknown.set(d.op, (unknown.get(d.op) ?? 0) + 1);
      g.addNode(new Node(d.op, d.name, inputs, [d.name], new Map(), 'org.tensorflow'));
      continue;
    }
    map(e, new TfNode(d, inputs));
  }
  if (unknown.size) g.notes.push(`TF ops leannet does not map (kept, cost unknown, not convertible): ${[...unknown].map(([k, v]) => `${k}×${v}`).join(', ')}`);

  const sig = json.signature ?? json.userDefinedMetadata?.signature;
  const sigOut = sig?.outputs ? Object.values(sig.outputs).map((o) => valueName(o.name ?? '')).filter((x): x is string => !!x) : [];
  g.setGraphOutputs(sigOut.length ? sigOut.filter((o) => g.values.get(o)?.producedBy !== undefined || g.nodes.some((n) => n.outputs.includes(o))) : []);
  if (g.outputs.length === 0) {
    for (const d of order) if (d.op !== 'Const' && d.op !== 'NoOp' && d.op !== 'Placeholder' && !consumed.has(d.name)) g.addGraphOutput(d.name);
  }
  declareOutputs(g);
  if (options.layout !== false) optimizeLayout(g);
  g.prune();
  return g;
}
