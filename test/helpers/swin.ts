/**
 * A Swin-style window-attention block as PyTorch's exporter writes it (torchvision's
 * shifted_window_attention without the shift): the pad amounts, the window view and the crop are
 * all computed from the input's shape (Shape → Gather → Mod/Sub → Concat → flip → Pad).
 */
import { Builder, Tensor, int, ints, type Graph, type T } from '../../src/index.js';

export interface SwinBlock {
  graph: Graph;
  /** Multiply-adds by hand: qkv, q·kᵀ, attn·v, proj. */
  madds: number;
}

export function swinBlock(o: { h: number; w: number; c: number; window: number; heads: number; symbolicBatch?: boolean; opset?: number }): SwinBlock {
  const { h, w, c, window: win, heads } = o;
  const b = new Builder({ name: 'swin-block', seed: 3, opset: o.opset ?? 13 });
  const x = b.input('x', [1, h, w, c]);
  if (o.symbolicBatch) b.graph.value('x').declared = { dtype: 'float32', shape: ['N', h, w, c] };
  let k = 0;
  const i64 = (v: number[] | number) => (Array.isArray(v) ? b.constant(`k${k++}`, 'int64', [v.length], v) : b.constant(`k${k++}`, 'int64', [], [v]));
  const unsq = (t: T) => b.op('Unsqueeze', [t, i64([0])]);
  const dim = (t: T, axis: number) => b.op('Gather', [b.op('Shape', [t]), i64(axis)], { axis: int(0) });
  const B = dim(x, 0);
  const H = dim(x, 1);
  const W = dim(x, 2);
  const padAmount = (d: T) => b.op('Mod', [b.op('Sub', [i64(win), b.op('Mod', [d, i64(win)])]), i64(win)]);
  const padR = padAmount(W);
  const padB = padAmount(H);
  // F.pad(x, (0, 0, 0, pad_r, 0, pad_b)) through _prepare_onnx_paddings.
  const list = b.op('Concat', [i64([0]), i64([0]), i64([0]), unsq(padR), i64([0]), unsq(padB)], { axis: int(0) });
  const ext = b.op('ConstantOfShape', [b.op('Unsqueeze', [b.op('Sub', [i64(8), b.op('Gather', [b.op('Shape', [list]), i64(0)], { axis: int(0) })]), i64([0])])], {
    value: { type: 'tensor', value: Tensor.fromArray('int64', [1], BigInt64Array.of(0n)) },
  });
  const full = b.op('Concat', [list, b.op('Cast', [ext], { to: int(7) })], { axis: int(0) });
  const pairs = b.op('Reshape', [full, i64([-1, 2])]);
  const flipped = b.op('Slice', [pairs, i64([-1]), i64([-9223372036854775807]), i64([0]), i64([-1])]);
  const pads = b.op('Cast', [b.op('Reshape', [b.op('Transpose', [flipped], { perm: ints([1, 0]) }), i64([-1])])], { to: int(7) });
  const xp = b.op('Pad', [x, pads, b.constant('zero', 'float32', [], [0])], { mode: { type: 'string', value: 'constant' } });
  const pH = dim(xp, 1);
  const pW = dim(xp, 2);
  const nH = b.op('Div', [pH, i64(win)]);
  const nW = b.op('Div', [pW, i64(win)]);
  const view = b.op('Reshape', [xp, b.op('Concat', [unsq(B), unsq(nH), i64([win]), unsq(nW), i64([win]), i64([c])], { axis: int(0) })]);
  const perm = b.op('Transpose', [view], { perm: ints([0, 1, 3, 2, 4, 5]) });
  const nWin = b.op('Mul', [B, b.op('Mul', [nH, nW])]);
  const tokens = b.op('Reshape', [perm, b.op('Concat', [unsq(nWin), i64([win * win]), i64([c])], { axis: int(0) })]);
  const normal = { kind: 'normal' as const, mean: 0, std: 0.05 };
  const qkv = b.op('Add', [b.op('MatMul', [tokens, b.param('qkv.weight', [c, 3 * c], normal)]), b.param('qkv.bias', [3 * c], normal)]);
  const hd = c / heads;
  const qkv5 = b.op('Reshape', [qkv, b.op('Concat', [unsq(dim(tokens, 0)), unsq(dim(tokens, 1)), i64([3, heads, hd])], { axis: int(0) })]);
  const qkvT = b.op('Transpose', [qkv5], { perm: ints([2, 0, 3, 1, 4]) });
  const part = (i: number) => b.op('Gather', [qkvT, i64(i)], { axis: int(0) });
  const q = b.op('Mul', [part(0), b.constant('scale', 'float32', [], [hd ** -0.5])]);
  const kT = b.op('Transpose', [part(1)], { perm: ints([0, 1, 3, 2]) });
  const attn = b.op('Softmax', [b.op('Add', [b.op('MatMul', [q, kT]), b.param('rel_bias', [heads, win * win, win * win], normal)])], { axis: int(-1) });
  const av = b.op('Transpose', [b.op('MatMul', [attn, part(2)])], { perm: ints([0, 2, 1, 3]) });
  const merged = b.op('Reshape', [av, b.op('Concat', [unsq(dim(tokens, 0)), unsq(dim(tokens, 1)), i64([c])], { axis: int(0) })]);
  const proj = b.op('Add', [b.op('MatMul', [merged, b.param('proj.weight', [c, c], normal)]), b.param('proj.bias', [c], normal)]);
  const back = b.op('Reshape', [proj, b.op('Concat', [unsq(B), unsq(nH), unsq(nW), i64([win]), i64([win]), i64([c])], { axis: int(0) })]);
  const joined = b.op('Reshape', [b.op('Transpose', [back], { perm: ints([0, 1, 3, 2, 4, 5]) }), b.op('Concat', [unsq(B), unsq(pH), unsq(pW), i64([c])], { axis: int(0) })]);
  const crop = b.op('Slice', [joined, i64([0, 0]), b.op('Concat', [unsq(H), unsq(W)], { axis: int(0) }), i64([1, 2])]);
  b.output(crop);
  const ph = Math.ceil(h / win) * win;
  const pw = Math.ceil(w / win) * win;
  const windows = (ph / win) * (pw / win);
  const t = windows * win * win;
  const madds = t * c * 3 * c + 2 * windows * heads * (win * win) * (win * win) * hd + t * c * c;
  return { graph: b.finish(), madds };
}
