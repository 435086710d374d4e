/**
 * Attributes, for every layer above the IR: typed access with defaults (a wrong attribute type is
 * a one-line error naming the node), and the constructors passes and builders write them with.
 */
import { ShapeInferenceError, nodeContext } from '../errors.js';
import type { Attribute, Node } from './node.js';
import type { Tensor } from './tensor.js';

export const ints = (value: readonly number[]): Attribute => ({ type: 'ints', value });
export const int = (value: number): Attribute => ({ type: 'int', value });
export const float = (value: number): Attribute => ({ type: 'float', value });

function get<T extends Attribute['type']>(node: Node, name: string, type: T): Extract<Attribute, { type: T }> | undefined {
  const a = node.attrs.get(name);
  if (!a) return undefined;
  if (a.type !== type) {
    throw new ShapeInferenceError(`${nodeContext(node.opType, node.name)}attribute '${name}' must be ${type}, got ${a.type}`);
  }
  return a as Extract<Attribute, { type: T }>;
}

export function attrInt(node: Node, name: string, fallback: number): number;
export function attrInt(node: Node, name: string): number | undefined;
export function attrInt(node: Node, name: string, fallback?: number): number | undefined {
  return get(node, name, 'int')?.value ?? fallback;
}

export function attrFloat(node: Node, name: string, fallback: number): number;
export function attrFloat(node: Node, name: string): number | undefined;
export function attrFloat(node: Node, name: string, fallback?: number): number | undefined {
  const a = node.attrs.get(name);
  // Some exporters write integral floats as ints; accept either.
  if (a?.type === 'int') return a.value;
  return get(node, name, 'float')?.value ?? fallback;
}

export function attrInts(node: Node, name: string): readonly number[] | undefined {
  return get(node, name, 'ints')?.value;
}

export function attrFloats(node: Node, name: string): readonly number[] | undefined {
  return get(node, name, 'floats')?.value;
}

export function attrString(node: Node, name: string, fallback: string): string;
export function attrString(node: Node, name: string): string | undefined;
export function attrString(node: Node, name: string, fallback?: string): string | undefined {
  return get(node, name, 'string')?.value ?? fallback;
}

export function attrTensor(node: Node, name: string): Tensor | undefined {
  return get(node, name, 'tensor')?.value;
}

/** Normalise a possibly negative axis against `rank`; throws naming the node when out of range. */
export function normAxis(node: Node, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new ShapeInferenceError(`${nodeContext(node.opType, node.name)}axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

/** A `fail` function that throws a ShapeInferenceError naming `node`. */
export function nodeFail(node: Node): (message: string) => never {
  return (message: string) => {
    throw new ShapeInferenceError(nodeContext(node.opType, node.name) + message);
  };
}
