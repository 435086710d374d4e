/** TF shape and data-movement ops (concat, pads, splits, reductions, strided slices, gathers, NMS) as ONNX ops. */
import { UnsupportedOpError } from '../../errors.js';
import { Emitter, int, str } from './emit.js';
import { type Mapper, type TfNode } from './tf-node.js';

// ---------- shapes and data movement ----------

export function normAxis(e: Emitter, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) e.fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function concat(e: Emitter, n: TfNode): void {
  const values = n.inputs.slice(0, -1);
  const axis = e.requireValues(n.inputs[n.inputs.length - 1]!, 'the axis')[0]!;
  e.node('Concat', values, [n.out()], { axis: int(normAxis(e, axis, e.rank(values[0]!))) }, n.name);
}

export function pad(mode: 'constant' | 'reflect' | 'symmetric'): Mapper {
  return (e, n) => {
    const [x, paddings, value] = n.inputs;
    if (mode === 'symmetric') throw new UnsupportedOpError(`${e.source}: TF node ${n.def.op} '${n.name}': SYMMETRIC padding has no ONNX equivalent`);
    const p = e.requireValues(paddings!, 'paddings');
    const r = p.length / 2;
    const pads = [...Array.from({ length: r }, (_, i) => p[2 * i]!), ...Array.from({ length: r }, (_, i) => p[2 * i + 1]!)];
    const inputs = [x!, e.i64('pads', pads)];
    if (value) inputs.push(value);
    e.node('Pad', inputs, [n.out()], { mode: str(mode) }, n.name);
  };
}

export function split(e: Emitter, n: TfNode, x: string, axisName: string, sizes: number[] | undefined, count: number): void {
  const axis = normAxis(e, e.requireValues(axisName, 'the axis')[0]!, e.rank(x));
  const outs = Array.from({ length: count }, (_, k) => n.out(k));
  if (sizes) {
    const known = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
    if (sizes.includes(-1)) {
      const dim = e.staticShape(x, 'SplitV with -1')[axis]!;
      sizes = sizes.map((s) => (s < 0 ? dim - known : s));
    }
    e.node('Split', [x, e.i64('split', sizes)], outs, { axis: int(axis) }, n.name);
  } else e.node('Split', [x], outs, { axis: int(axis), num_outputs: int(count) }, n.name);
}

export function reduce(op: string): Mapper {
  return (e, n) => {
    const [x, axesName] = n.inputs;
    const r = e.rank(x!);
    const axes = e.requireValues(axesName!, 'the axes').map((a) => normAxis(e, a, r));
    const keep = int(n.bool('keep_dims') ? 1 : 0);
    e.node(op, [x!, e.i64('axes', axes)], [n.out()], { keepdims: keep }, n.name);
  };
}

/** StridedSlice with its five masks: one Slice, then Squeeze (shrink) and Unsqueeze (new axes). */
export function stridedSlice(e: Emitter, n: TfNode): void {
  const [x, bName, eName, sName] = n.inputs;
  const begin = e.requireValues(bName!, 'begin');
  const end = e.requireValues(eName!, 'end');
  const strides = sName ? e.requireValues(sName, 'strides') : begin.map(() => 1);
  const [bm, em, elm, nm, sm] = ['begin_mask', 'end_mask', 'ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'].map((k) => n.int(k));
  const rank = e.rank(x!);
  const bit = (m: number, i: number) => ((m! >> i) & 1) === 1;
  const specs = begin.length;
  let newAxes = 0;
  for (let i = 0; i < specs; i++) if (bit(nm!, i) && !bit(elm!, i)) newAxes++;
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  const shrink: number[] = [];
  const entries: ('new' | number)[] = [];
  let dim = 0;
  const BIG = 2 ** 31 - 1;
  for (let i = 0; i < specs; i++) {
    if (bit(elm!, i)) {
      const full = rank - (specs - 1 - newAxes);
      for (let k = 0; k < full; k++) entries.push(dim++);
      continue;
    }
    if (bit(nm!, i)) {
      entries.push('new');
      continue;
    }
    const stride = strides[i]!;
    let s = begin[i]!;
    let t = end[i]!;
    if (bit(sm!, i)) {
      t = s === -1 ? BIG : s + 1;
      shrink.push(dim);
    } else {
      if (bit(bm!, i)) s = stride > 0 ? 0 : BIG;
      if (bit(em!, i)) t = stride > 0 ? BIG : -BIG;
    }
    starts.push(s);
    ends.push(t);
    axes.push(dim);
    steps.push(stride);
    entries.push(dim);
    dim++;
  }
  let y = x!;
  const last = shrink.length === 0 && newAxes === 0;
  if (axes.length === 0 && last) e.node('Identity', [x!], [n.out()], {}, n.name);
  else if (axes.length > 0) y = e.node('Slice', [x!, e.i64('starts', starts), e.i64('ends', ends), e.i64('axes', axes), e.i64('steps', steps)], last ? [n.out()] : undefined, {}, n.name)[0]!;
  if (shrink.length > 0) y = e.node('Squeeze', [y, e.i64('shrink', shrink)], newAxes === 0 ? [n.out()] : undefined)[0]!;
  if (newAxes > 0) {
    const kept = entries.filter((d) => d === 'new' || !shrink.includes(d));
    // Dims past the spec stay at the end.
    const positions = kept.map((d, i) => (d === 'new' ? i : -1)).filter((i) => i >= 0);
    e.node('Unsqueeze', [y, e.i64('new_axes', positions)], [n.out()]);
  }
}

export function gatherNd(e: Emitter, n: TfNode): void {
  const [p, idx] = n.inputs;
  e.node('GatherND', [p!, e.asInt64(idx!)], [n.out()], {}, n.name);
}

/** Apply `f` to a node whose ONNX output is int64 where TF's is int32 (ArgMax, TopK indices). */
export function toInt32(e: Emitter, n: TfNode, y: string, k = 0, want = 'DT_INT32'): void {
  if (want === 'DT_INT64') e.node('Identity', [y], [n.out(k)]);
  else e.cast(y, 'int32', n.out(k));
}


/** NonMaxSuppressionV3/4/5 on TF's [n,4] boxes and [n] scores: ONNX's batched form, then the box column. */
export function nms(e: Emitter, n: TfNode): void {
  const [boxes, scores, maxOut, iou, scoreThr] = n.inputs;
  if (n.def.op === 'NonMaxSuppressionV5' && e.values(n.inputs[5]!)?.[0]) e.fail('soft-NMS (soft_nms_sigma > 0) is not supported');
  const b = e.node('Unsqueeze', [boxes!, e.i64('axes0', [0])])[0]!;
  const s = e.node('Unsqueeze', [scores!, e.i64('axes01', [0, 1])])[0]!;
  const m = e.node('Reshape', [e.asInt64(maxOut!), e.i64('one', [1])])[0]!;
  const inputs = [b, s, m, iou!];
  if (scoreThr) inputs.push(scoreThr);
  const sel = e.node('NonMaxSuppression', inputs, undefined, { center_point_box: int(0) }, n.name)[0]!;
  const col = e.node('Gather', [sel, e.i64('col', [2], [])], undefined, { axis: int(1) })[0]!;
  e.cast(col, 'int32', n.out());
}

