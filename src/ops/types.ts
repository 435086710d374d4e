/**
 * What one op family declares (STYLE.md #1, #3): how to parse its attributes once into a
 * typed record, how to infer output types, and the work it does. The cost module turns the
 * declared work and the inferred shapes into params, madds, memAccess and element-wise counts.
 */
import type { DType, Dim, Graph, Node, Shape, Tensor } from '../ir/index.js';

/** How the cost model groups ops. */
export type OpCategory =
  /** Conv, ConvTranspose and their quantized forms: madds. */
  | 'conv'
  /** Gemm, MatMul and quantized forms: madds. */
  | 'gemm'
  /** Per-element arithmetic: activations, Add/Mul, unfused normalisation, Cast, (de)quantisation. */
  | 'elementwise'
  /** Windowed or axis reductions: pooling, Reduce*, LRN. */
  | 'reduce'
  /** Copies data without arithmetic: Concat, Split, Slice, Transpose, Pad, Resize, Gather. */
  | 'movement'
  /** Changes only the shape metadata: Reshape, Flatten, Squeeze, Identity, inference Dropout. */
  | 'view'
  /** Produces constants or shape values: Constant, Shape, ConstantOfShape, Range. */
  | 'shape';

/** One output as inferred. `folded` holds small integer contents when known (shape arithmetic). */
export interface OutputInfo {
  dtype: DType | undefined;
  shape: Shape | undefined;
  folded?: readonly number[] | undefined;
  /** Small integer contents with symbolic elements (a Shape of [N,64] is [N,64]); set only when `folded` cannot be. */
  symbolic?: readonly Dim[] | undefined;
  tensor?: Tensor | undefined;
}

/** What an op's `infer` can ask about its node. Accessors throw `UnknownInput` when a value is unknown. */
export interface InferContext<A> {
  readonly node: Node;
  readonly attrs: A;
  readonly graph: Graph;
  /** The opset version the node resolved against. */
  readonly opset: number;
  /** True when input `i` is present (not omitted with ''). */
  has(i: number): boolean;
  dtype(i: number): DType;
  /** The input's shape (dims may be symbolic). */
  shape(i: number): Shape;
  /** The input's shape, every dim a number; otherwise the output is left unknown. */
  staticShape(i: number): number[];
  /** The input's integer contents when known at analysis time, else undefined. */
  folded(i: number): readonly number[] | undefined;
  /** The input's small integer contents, symbolic elements allowed (numbers where known), else undefined. */
  dims(i: number): readonly Dim[] | undefined;
  /** The input's integer contents, symbolic elements allowed; unknown contents give unknown outputs. */
  dimValues(i: number): readonly Dim[];
  /** Like `dimValues`, but undefined when the contents are unknown (the op then keeps what it can: the rank). */
  tryValues(i: number): readonly Dim[] | undefined;
  /** The input's integer contents; a node whose contents are unknown gets unknown outputs. */
  values(i: number): readonly number[];
  /** The input's constant tensor, if it is a constant. */
  constant(i: number): Tensor | undefined;
  /** Throw a ShapeInferenceError naming this node. */
  fail(message: string): never;
}

/** Static shapes of a node's inputs and outputs, for the cost functions. */
export interface WorkContext<A> {
  readonly node: Node;
  readonly attrs: A;
  /** The opset version the node resolved against. */
  readonly opset: number;
  readonly inputs: readonly (readonly number[] | undefined)[];
  readonly outputs: readonly (readonly number[] | undefined)[];
}

/** Arithmetic a node does, beyond the data it moves. */
export interface Work {
  /** Multiply-adds (conv and gemm families only). */
  madds?: number;
  /** Floating-point operations; defaults to 2·madds for conv/gemm and `elementwise` otherwise. */
  flops?: number;
  /** Per-element operations of an element-wise node. */
  elementwise?: number;
  /** For convs: standard / pointwise / group / depthwise. */
  kind?: ConvKind;
}

export type ConvKind = 'standard' | 'pointwise' | 'group' | 'depthwise';

export interface OpDef<A = unknown> {
  readonly opType: string;
  /** '' is the default ai.onnx domain. */
  readonly domain?: string;
  /** The first opset version this definition applies to; the newest one ≤ the model's opset wins. */
  readonly since: number;
  readonly category: OpCategory;
  /** Parse raw attributes once into a typed record with every default filled. */
  parse?(node: Node, opset: number): A;
  /** Output types. Return one entry per output. */
  infer(ctx: InferContext<A>): OutputInfo[];
  /** Input slots holding trainable parameters (as PyTorch counts them) when constant. */
  readonly params?: readonly number[];
  /** Input slots holding shapes, axes or indices: not data traffic, not weights. */
  readonly shapeInputs?: readonly number[];
  /** The arithmetic this node does, from static shapes. */
  work?(ctx: WorkContext<A>): Work;
}
