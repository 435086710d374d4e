/** ValueInfoProto / TypeProto <-> leannet's dtype and shape. */
import { ModelFormatError } from '../../errors.js';
import { DTYPES, dtypeFromOnnx, type Dim, type TypeInfo } from '../../ir/index.js';
import { has, type TypeProtoMsg, type ValueInfoMsg } from './proto.js';

/** What is wrong with tensor dims (non-integer, negative, too many elements), or undefined. */
export function dimsProblem(dims: readonly number[], allowZero: boolean): string | undefined {
  let n = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    if (!Number.isSafeInteger(d) || d < 0 || (!allowZero && d === 0)) return `has an invalid dim ${d} in [${dims.join(',')}]`;
    n *= d;
  }
  if (!Number.isSafeInteger(n)) return `shape [${dims.join(',')}] has more than 2^53 elements`;
  return undefined;
}

/**
 * The declared type of a graph input/output/value_info. Unnamed dims get a placeholder name
 * `?<value>:<axis>`, so later steps can tell them apart and bind the batch one.
 */
export function decodeValueInfo(vi: ValueInfoMsg, what: string): TypeInfo & { raw?: unknown } {
  const tt = vi.type?.tensor_type;
  if (!tt) return { dtype: undefined, shape: undefined, raw: vi.type ?? undefined };
  const dtype = has(tt, 'elem_type') ? dtypeFromOnnx(tt.elem_type) : undefined;
  if (!tt.shape) return { dtype, shape: undefined };
  const shape: Dim[] = tt.shape.dim.map((d, axis) => {
    if (has(d, 'dim_value')) {
      const v = d.dim_value!;
      if (!Number.isSafeInteger(v) || v < 0) throw new ModelFormatError(`${what} has an invalid dim ${v} at axis ${axis}`);
      return v;
    }
    if (has(d, 'dim_param') && d.dim_param) return d.dim_param;
    return `?${vi.name}:${axis}`;
  });
  let n = 1;
  for (const d of shape) if (typeof d === 'number') n *= d;
  if (!Number.isSafeInteger(n)) throw new ModelFormatError(`${what} declared shape [${shape.join(',')}] has more than 2^53 elements`);
  return { dtype, shape };
}

/** A ValueInfoProto-shaped object for the writer. Unnamed placeholder dims are written unnamed. */
export function encodeValueInfo(name: string, type: (TypeInfo & { raw?: unknown }) | undefined): Record<string, unknown> {
  if (!type) return { name };
  if (type.raw && !type.dtype) return { name, type: type.raw };
  const tensorType: Record<string, unknown> = {};
  if (type.dtype) tensorType['elem_type'] = DTYPES[type.dtype].onnx;
  if (type.shape) {
    tensorType['shape'] = {
      dim: type.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : d.startsWith('?') ? {} : { dim_param: d })),
    };
  }
  return { name, type: { tensor_type: tensorType } satisfies TypeProtoMsg | Record<string, unknown> };
}
