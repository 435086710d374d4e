/**
 * Give every graph input a concrete shape: the declared one, with the user's `--input name=1x3x224x224`
 * and `--dim N=1` overrides, and the batch dim defaulting to 1. A symbolic dim nobody set is an
 * error that names the input and the flag that sets it.
 */
import { ShapeInferenceError, UsageError } from '../errors.js';
import { formatShape, numel, type Dim, type Graph } from '../ir/index.js';

export interface BindOptions {
  /** Full input shapes by input name. */
  inputs?: Readonly<Record<string, readonly number[]>>;
  /** Values for symbolic dim names (`N`, `batch_size`, `height`). */
  dims?: Readonly<Record<string, number>>;
  /**
   * Value for a symbolic leading (batch) dim nobody set; default 1. Given, it must take effect:
   * an input whose leading dim is fixed at another value, or set otherwise by `dims`/`inputs`
   * to another value, is a UsageError (never a silent batch-1 run).
   */
  batch?: number;
  /**
   * Keep symbolic dims nobody set (named or unnamed) (the batch too, when `batch` is not given) instead of
   * binding the batch to 1 and refusing the others: shapes then carry `N`, and values computed
   * from shapes carry it too (Shape → Gather → Concat → Reshape). Costs of nodes whose shapes
   * stay symbolic are unknown (the totals say so).
   */
  symbolic?: boolean;
}

/** Resolve each real input's shape; returns them by name. */
export function bindInputs(graph: Graph, options: BindOptions = {}): Map<string, Dim[]> {
  const given = options.inputs ?? {};
  const dims = options.dims ?? {};
  const batch = options.batch ?? 1;
  if (options.batch !== undefined) checkBatch(graph, options.batch, given, dims);
  for (const name of Object.keys(given)) {
    if (!graph.inputs.includes(name)) {
      throw new UsageError(`--input ${name}: the model has no input '${name}'; its inputs are ${graph.inputs.map((i) => `'${i}'`).join(', ') || 'none'}`);
    }
  }
  const symbols = new Set<string>();
  for (const name of graph.inputs) for (const d of graph.value(name).declared?.shape ?? []) if (typeof d === 'string') symbols.add(d);
  for (const [name, v] of Object.entries(dims)) {
    if (!symbols.has(name)) {
      const known = [...symbols].filter((s) => !s.startsWith('?'));
      throw new UsageError(`--dim ${name}: no input has a dim named '${name}'; ${known.length ? `symbolic dims are ${known.map((s) => `'${s}'`).join(', ')}` : 'the inputs have no named symbolic dims'}`);
    }
    if (!Number.isSafeInteger(v) || v <= 0) throw new UsageError(`--dim ${name}=${v}: dims must be positive integers`);
  }

  const out = new Map<string, Dim[]>();
  const keep = options.symbolic === true;
  for (const name of graph.inputs) {
    const declared = graph.value(name).declared?.shape;
    const user = given[name];
    let shape: Dim[];
    if (user) {
      if (declared && declared.length !== user.length) {
        throw new UsageError(`--input ${name}=${formatShape(user)}: the model declares rank ${declared.length} (${formatShape(declared)})`);
      }
      declared?.forEach((d, axis) => {
        if (typeof d === 'number' && d !== user[axis]) {
          throw new UsageError(`--input ${name}=${formatShape(user)}: dim ${axis} is fixed at ${d} in the model`);
        }
      });
      shape = user.slice();
    } else if (!declared) {
      const kind = nonTensorKind(graph.value(name).declared?.raw);
      // A sequence, map or optional input: --input cannot give it a shape, so do not advise it.
      if (kind) throw new ShapeInferenceError(`input '${name}' is a ${kind}, not a tensor; leannet analyses models whose inputs are tensors`);
      throw new ShapeInferenceError(`input '${name}' has no declared shape; set it with --input ${name}=<shape like 1x3x224x224>`);
    } else {
      shape = declared.map((d, axis): Dim => {
        if (typeof d === 'number') return d;
        if (!d.startsWith('?') && dims[d] !== undefined) return dims[d]!;
        if (keep && (axis !== 0 || options.batch === undefined)) return d;
        if (axis === 0) return batch;
        const flag = d.startsWith('?') ? `--input ${name}=<shape>` : `--dim ${d}=<n> or --input ${name}=<shape>`;
        throw new ShapeInferenceError(`input '${name}' has an unresolved dim ${d.startsWith('?') ? '(unnamed)' : `'${d}'`} at axis ${axis} of ${formatShape(declared.map((x) => (typeof x === 'string' && x.startsWith('?') ? '?' : x)))}; set it with ${flag}`);
      });
    }
    if (shape.some((d) => typeof d === 'number' && d <= 0)) throw new ShapeInferenceError(`input '${name}' has a non-positive dim in ${formatShape(shape)}`);
    numel(shape, `input '${name}'`);
    out.set(name, shape);
  }
  return out;
}

/** 'sequence', 'map', 'optional' or 'sparse tensor' for an input of that ONNX type, else undefined. */
function nonTensorKind(raw: unknown): string | undefined {
  const t = raw as Record<string, unknown> | undefined | null;
  if (!t) return undefined;
  if (t['sequence_type']) return 'sequence';
  if (t['map_type']) return 'map';
  if (t['optional_type']) return 'optional value';
  if (t['sparse_tensor_type']) return 'sparse tensor';
  return undefined;
}

/** `--batch n` given: refuse it where an input's leading dim is fixed or set otherwise to another value. */
function checkBatch(graph: Graph, batch: number, given: Readonly<Record<string, readonly number[]>>, dims: Readonly<Record<string, number>>): void {
  for (const name of graph.inputs) {
    const user = given[name];
    const d = graph.value(name).declared?.shape?.[0];
    if (user) {
      if (user[0] !== batch) throw new UsageError(`--batch ${batch} conflicts with --input ${name}=${formatShape(user)} (leading dim ${user[0]})`);
    } else if (typeof d === 'number') {
      if (d !== batch) throw new UsageError(`--batch ${batch}: input '${name}' has a fixed batch dim ${d}; give a model with a symbolic batch dim (or --batch ${d})`);
    } else if (typeof d === 'string' && !d.startsWith('?') && dims[d] !== undefined && dims[d] !== batch) {
      throw new UsageError(`--batch ${batch} conflicts with --dim ${d}=${dims[d]} (the leading dim of input '${name}')`);
    }
  }
}
