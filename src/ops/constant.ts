/**
 * Constant and ConstantOfShape: weights in some exports live here instead of in initializers.
 * ConstantOfShape's output is a fill (shape + one value): counted, never materialised.
 */
import { attrTensor, Tensor, type DType, type Node, type TensorSource } from '../ir/index.js';
import type { OpDef } from './types.js';
import { lengthOf, unknownDims } from './util.js';

/** The tensor a Constant node holds, from whichever `value*` attribute it uses. */
export function constantTensor(node: Node): Tensor {
  const t = attrTensor(node, 'value');
  if (t) return t;
  const a = (name: string) => node.attrs.get(name);
  const f = a('value_float');
  if (f?.type === 'float') return Tensor.fromArray('float32', [], new Float32Array([f.value]));
  const fs = a('value_floats');
  if (fs?.type === 'floats') return Tensor.fromArray('float32', [fs.value.length], new Float32Array(fs.value));
  const i = a('value_int');
  if (i?.type === 'int') return Tensor.fromArray('int64', [], new BigInt64Array([BigInt(i.value)]));
  const is = a('value_ints');
  if (is?.type === 'ints') return Tensor.fromArray('int64', [is.value.length], BigInt64Array.from(is.value.map((v) => BigInt(v))));
  const s = a('value_string') ?? a('value_strings');
  if (s?.type === 'string' || s?.type === 'strings') {
    const list = s.type === 'string' ? [s.value] : [...s.value];
    return new Tensor('string', s.type === 'string' ? [] : [list.length], { kind: 'values', field: 'string_data', values: list.map((x) => new TextEncoder().encode(x)) });
  }
  throw new Error('has no value attribute (value, value_float, value_floats, value_int, value_ints or value_string)');
}

export const constant: OpDef<{ tensor: Tensor }> = {
  opType: 'Constant',
  since: 1,
  category: 'shape',
  parse: (node) => ({ tensor: constantTensor(node) }),
  infer(ctx) {
    const t = ctx.attrs.tensor;
    return [{ dtype: t.dtype, shape: t.dims, tensor: t }];
  },
};

/** The fill every output of one ConstantOfShape node shares (parsed once per node). */
interface FillAttrs {
  readonly dtype: DType;
  readonly source: TensorSource;
  readonly problem: string | undefined;
}

export const constantOfShape: OpDef<FillAttrs> = {
  opType: 'ConstantOfShape',
  since: 9,
  category: 'shape',
  shapeInputs: [0],
  parse: (node) => {
    const v = attrTensor(node, 'value');
    if (v && v.numel !== 1) return { dtype: v.dtype, source: { kind: 'fill', value: 0 }, problem: `value must hold one element, got ${v.numel}` };
    return { dtype: v?.dtype ?? 'float32', source: { kind: 'fill', value: v ? v.toNumbers()[0]! : 0 }, problem: undefined };
  },
  infer(ctx) {
    // A runtime shape: as many unknown dims as it has values.
    const given = ctx.tryValues(0) ?? unknownDims(ctx, lengthOf(ctx, 0));
    const { dtype, source, problem } = ctx.attrs;
    // A symbolic shape (from a symbolic batch): the output's shape, no constant tensor.
    if (given.some((d) => typeof d !== 'number')) {
      if (problem) ctx.fail(problem);
      if (given.some((d) => typeof d === 'number' && (!Number.isSafeInteger(d) || d < 0))) ctx.fail(`shape [${given.join(',')}] has an invalid dim`);
      return [{ dtype, shape: given }];
    }
    const dims = given as readonly number[];
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i]!;
      if (!Number.isSafeInteger(d) || d < 0) ctx.fail(`shape [${dims.join(',')}] has an invalid dim`);
    }
    if (problem) ctx.fail(problem);
    return [{ dtype, shape: dims, tensor: new Tensor(dtype, dims, source) }];
  },
};

export const constantOps: OpDef<any>[] = [constant, constantOfShape];
