/**
 * Layout: the TF.js readers write each NCHW-only ONNX op (Conv, pools, Resize, BN) between a
 * Transpose to NCHW and one back to NHWC. This pass pushes transposes forward through ops that
 * do not care about layout (element-wise ops, with constants re-laid out; Concat, Pad, reductions
 * and Softmax with their axes permuted), merges consecutive transposes and drops identities, so
 * what remains are the transposes at the graph's edges (and before ops that do depend on the
 * layout, such as Reshape). Algebra: op(T_p(x)) = T_p(op'(x)), T_q(T_p(x)) = T_{p∘q}(x).
 */
import { Node, Tensor, type Graph } from '../../ir/index.js';

const UNARY = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'Softplus', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg', 'Floor', 'Ceil',
  'Round', 'Reciprocal', 'Erf', 'Identity', 'Cast', 'Clip', 'Not', 'Sin', 'Cos', 'HardSigmoid', 'HardSwish',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow', 'PRelu', 'Sum', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or']);
const REDUCE = new Set(['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceSum']);

const permOf = (n: Node): number[] => {
  const a = n.attrs.get('perm');
  return a && a.type === 'ints' ? [...a.value] : [];
};
const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);
const inverse = (p: readonly number[]) => {
  const q = new Array<number>(p.length);
  p.forEach((v, i) => (q[v] = i));
  return q;
};

/** Push, merge and drop transposes until nothing changes. */
export function optimizeLayout(g: Graph): void {
  for (let round = 0; round < 10000; round++) {
    let changed = false;
    const nodes = g.nodes.slice();
    for (const t of nodes) {
      if (t.opType !== 'Transpose' || !g.nodes.includes(t)) continue;
      if (step(g, t)) changed = true;
    }
    if (!changed) return;
  }
}

function step(g: Graph, T: Node): boolean {
  const x = T.inputs[0]!;
  const t = T.outputs[0]!;
  const p = permOf(T);
  if (p.length === 0) return false;
  const isOut = g.outputs.includes(t);
  const users = g.consumers(t);
  if (users.length === 0 && !isOut) {
    g.removeNode(T);
    return true;
  }
  if (isIdentity(p) && !isOut) {
    g.replaceUses(t, x);
    g.removeNode(T);
    return true;
  }
  // Merge into a transpose before it, when this is that one's only reader.
  const P = g.producer(x);
  if (P && P.opType === 'Transpose' && g.consumers(x).length === 1 && !g.outputs.includes(x)) {
    const q = permOf(P);
    g.setInput(T, 0, P.inputs[0]!);
    g.setAttr(T, 'perm', { type: 'ints', value: p.map((i) => q[i]!) });
    g.removeNode(P);
    return true;
  }
  if (isOut) return false;
  const rank = p.length;
  if (!users.every((n) => pushable(g, n, t, p, rank))) return false;
  for (const n of users) push(g, n, T, p);
  g.removeNode(T);
  return true;
}

function isTransposeWith(g: Graph, name: string, p: readonly number[]): boolean {
  const P = g.producer(name);
  return !!P && P.opType === 'Transpose' && permOf(P).join() === p.join();
}

function pushable(g: Graph, n: Node, t: string, p: readonly number[], rank: number): boolean {
  if (n.opType === 'Transpose') return true;
  if (UNARY.has(n.opType)) return n.inputs[0] === t && n.inputs.slice(1).every((i) => !i || (g.initializers.get(i)?.numel ?? 2) === 1);
  if (BINARY.has(n.opType) || n.opType === 'Concat') {
    return n.inputs.every((i) => {
      if (i === t || isTransposeWith(g, i, p)) return true;
      const c = g.initializers.get(i);
      if (c) return c.dims.length <= rank && (c.dims.length === rank || n.opType !== 'Concat');
      return false;
    });
  }
  if (n.opType === 'Pad') return n.inputs[0] === t && !!g.initializers.get(n.inputs[1]!) && (n.inputs.length < 4 || !n.inputs[3]);
  // Opset 18: the axes are input 1 (absent: every axis).
  if (REDUCE.has(n.opType)) return n.inputs[0] === t && (!n.inputs[1] || !!g.initializers.get(n.inputs[1]));
  if (n.opType === 'Softmax' || n.opType === 'LogSoftmax') return n.inputs[0] === t;
  return false;
}

/** Rewrite `n` to read T's input directly, and put a transpose after it. */
function push(g: Graph, n: Node, T: Node, p: readonly number[]): void {
  const x = T.inputs[0]!;
  const t = T.outputs[0]!;
  const q = inverse(p);
  if (n.opType === 'Transpose') {
    const r = permOf(n);
    g.setInput(n, 0, x);
    g.setAttr(n, 'perm', { type: 'ints', value: r.map((i) => p[i]!) });
    return;
  }
  let outPerm: number[] | undefined = [...p];
  for (let k = 0; k < n.inputs.length; k++) {
    const i = n.inputs[k]!;
    if (i === t) g.setInput(n, k, x);
    else if (BINARY.has(n.opType) || n.opType === 'Concat') {
      if (isTransposeWith(g, i, p)) g.setInput(n, k, g.producer(i)!.inputs[0]!);
      else if (g.initializers.has(i)) g.setInput(n, k, permuteConstant(g, i, q, p.length));
    }
  }
  const axisAttr = (name: string) => {
    const a = n.attrs.get(name);
    return a && a.type === 'int' ? a.value : undefined;
  };
  if (n.opType === 'Concat' || n.opType === 'Softmax' || n.opType === 'LogSoftmax') {
    const a = axisAttr('axis') ?? -1;
    g.setAttr(n, 'axis', { type: 'int', value: p[a < 0 ? a + p.length : a]! });
  } else if (n.opType === 'Pad') {
    const pads = g.initializers.get(n.inputs[1]!)!.toNumbers();
    const r = p.length;
    const out = new Array<number>(2 * r);
    for (let i = 0; i < r; i++) {
      out[p[i]!] = pads[i]!;
      out[p[i]! + r] = pads[i + r]!;
    }
    const name = g.uniqueValueName(`${n.inputs[1]}/perm`);
    g.setInitializer(name, Tensor.fromArray('int64', [2 * r], BigInt64Array.from(out, (v) => BigInt(v))));
    g.setInput(n, 1, name);
  } else if (REDUCE.has(n.opType)) {
    const fromInput = !!n.inputs[1];
    const axesRaw = fromInput ? g.initializers.get(n.inputs[1]!)!.toNumbers() : undefined;
    const r = p.length;
    const axes = (axesRaw ?? p.map((_, i) => i)).map((a) => (a < 0 ? a + r : a));
    const newAxes = axes.map((a) => p[a]!);
    if (fromInput) {
      const name = g.uniqueValueName(`${n.inputs[1]}/perm`);
      g.setInitializer(name, Tensor.fromArray('int64', [newAxes.length], BigInt64Array.from(newAxes, (v) => BigInt(v))));
      g.setInput(n, 1, name);
    }
    const keep = (n.attrs.get('keepdims') as { value: number } | undefined)?.value ?? 1;
    if (!keep) {
      const remT = p.map((_, i) => i).filter((i) => !axes.includes(i));
      const remX = remT.map((i) => p[i]!).slice().sort((a, b) => a - b);
      outPerm = remT.map((i) => remX.indexOf(p[i]!));
    }
  }
  const o = n.outputs[0]!;
  if (!outPerm || isIdentity(outPerm)) return;
  const inner = g.uniqueValueName(`${o}/nchw`);
  g.setOutput(n, 0, inner);
  const vo = g.value(o);
  const vi = g.value(inner);
  vi.dtype = vo.dtype;
  if (vo.shape && vo.shape.length === outPerm.length) {
    const s = new Array(outPerm.length);
    outPerm.forEach((src, i) => (s[src] = vo.shape![i]));
    vi.shape = s;
  }
  const tr = new Node('Transpose', g.uniqueNodeName(`${n.name}/to_nhwc`), [inner], [o], new Map([['perm', { type: 'ints', value: outPerm }]]));
  g.addNode(tr, g.nodes.indexOf(n) + 1);
}

/** A constant broadcast to `rank` dims and transposed by `q` (so that T_p of it is the original). */
function permuteConstant(g: Graph, name: string, q: readonly number[], rank: number): string {
  const c = g.initializers.get(name)!;
  if (c.numel <= 1 && c.dims.length < rank) return name;
  const key = `${name}/perm${q.join('')}`;
  if (g.initializers.has(key)) return key;
  const dims = [...new Array<number>(rank - c.dims.length).fill(1), ...c.dims];
  const outDims = q.map((i) => dims[i]!);
  const src = c.dtype === 'float32' ? c.toFloat32() : c.toNumbers();
  const n = src.length;
  const out = c.dtype === 'float32' ? new Float32Array(n) : c.dtype === 'int64' ? new Array<number>(n) : new Int32Array(n);
  const inStrides = strides(dims);
  const outStrides = strides(outDims);
  for (let k = 0; k < n; k++) {
    let rem = k;
    let srcIdx = 0;
    for (let j = 0; j < rank; j++) {
      const c0 = Math.floor(rem / outStrides[j]!);
      rem -= c0 * outStrides[j]!;
      srcIdx += c0 * inStrides[q[j]!]!;
    }
    (out as number[])[k] = src[srcIdx]!;
  }
  const t =
    c.dtype === 'float32' ? Tensor.fromArray('float32', outDims, out as Float32Array)
    : c.dtype === 'int64' ? Tensor.fromArray('int64', outDims, BigInt64Array.from(out as number[], (v) => BigInt(v)))
    : Tensor.fromArray(c.dtype, outDims, out as Int32Array);
  g.setInitializer(key, t);
  return key;
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}
