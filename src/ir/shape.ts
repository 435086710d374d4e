/**
 * Shapes: a list of dims, each a number (known) or a string (symbolic: a `dim_param` such as
 * 'N', or a placeholder leannet names for an unnamed or data-dependent dim).
 */
import { ShapeInferenceError } from '../errors.js';

export type Dim = number | string;
export type Shape = readonly Dim[];

/** True when every dim is a known number. */
export function isStatic(shape: Shape): shape is readonly number[] {
  // Indexed loops here and in other per-node helpers: for…of allocates an iterator result per
  // element in code V8 has not optimised yet, and one analysis runs most code only once.
  for (let i = 0; i < shape.length; i++) if (typeof shape[i] !== 'number') return false;
  return true;
}

/**
 * Element count of a static shape, or undefined when a dim is symbolic. Throws when the count
 * is not an exact JS integer (over 2^53), so no later step trusts a rounded count.
 */
export function numel(shape: Shape, what = 'shape'): number | undefined {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  if (!Number.isSafeInteger(n)) {
    throw new ShapeInferenceError(`${what} ${formatShape(shape)} has more than 2^53 elements`);
  }
  return n;
}

/** `1x3x224x224`; symbolic dims by name; a scalar as `scalar`. */
export function formatShape(shape: Shape | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.join('x');
}

/** `[1,3,224,224]` for error messages. */
export function listString(values: readonly unknown[]): string {
  return `[${values.join(',')}]`;
}

/** Parse `1x3x224x224` (also `1,3,224,224`) into numbers; throws a one-line message on bad text. */
export function parseShapeText(text: string, what: string): number[] {
  const parts = text.split(/[x,×]/).map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new ShapeInferenceError(`${what}: '${text}' is not a shape like 1x3x224x224`);
  }
  const dims = parts.map(Number);
  if (dims.some((d) => d <= 0)) throw new ShapeInferenceError(`${what}: dims must be positive, got '${text}'`);
  numel(dims, what);
  return dims;
}
