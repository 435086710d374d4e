/**
 * What a graph is made of: named values (dtype, shape, constant tensor) and nodes that refer to
 * them by name, with the fields the graph's index fills (see graph.ts).
 */
import type { DType } from './dtype.js';
import type { Dim, Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/** A node attribute. Subgraphs and rarely used kinds are carried through opaquely. */
export type Attribute =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: Tensor }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'tensors'; readonly value: readonly Tensor[] }
  | { readonly type: 'graph'; readonly value: unknown }
  | { readonly type: 'graphs'; readonly value: readonly unknown[] }
  /** Sparse tensors, type protos, function attribute references: the decoded message, written back as is. */
  | { readonly type: 'opaque'; readonly value: unknown };

/** A value's element type and shape. */
export interface TypeInfo {
  dtype: DType | undefined;
  shape: Shape | undefined;
}

/** Before a graph indexes a node, it has no resolved values. */
const NO_VALUES = Object.freeze([]) as unknown as (Value | undefined)[];
const NO_NAMES: readonly string[] = [];
/** The shared empty `outerValues` of a node without subgraph reads. */
export const NO_OUTER = Object.freeze([]) as unknown as Value[];

/** A named value: a graph input, an initializer, or a node output. */
export class Value {
  /** Type as the file declared it (inputs, outputs, value_info); symbolic dims kept. */
  declared: (TypeInfo & { readonly raw?: unknown }) | undefined;
  /** Element type after inference (or from a constant). */
  dtype: DType | undefined;
  /** Shape after inference: numbers where known, names where symbolic or data-dependent. */
  shape: Shape | undefined;
  /** Constant data known without running the model (initializer, Constant, ConstantOfShape). */
  tensor: Tensor | undefined;
  /** Small integer contents known at analysis time (shape arithmetic folded by inference). */
  folded: readonly number[] | undefined;
  /**
   * Small integer contents computed from symbolic dims (Shape of [N,64,7,7] is [N,64,7,7]):
   * set only where some element is symbolic, so `folded` stays purely numeric.
   */
  symbolic: readonly Dim[] | undefined;
  /** Index fields, filled by the graph's index (valid until the graph changes): the producing node… */
  producedBy: Node | undefined;
  /** …how many node input slots read it (reads inside subgraphs not counted)… */
  useCount = 0;
  /** …and the nodes that read it, each once, in node order, those whose subgraphs read it included (built on the first `consumers` call). */
  users: Node[] | undefined;

  constructor(readonly name: string) {}

  /** A copy of what the value holds (index fields are left for the copy's graph to fill). */
  copy(): Value {
    const v = new Value(this.name);
    v.declared = this.declared;
    v.dtype = this.dtype;
    v.shape = this.shape;
    v.tensor = this.tensor;
    v.folded = this.folded;
    return v;
  }
}

/** One operator application. */
export class Node {
  docString = '';
  /** NodeProto fields leannet does not interpret (overload, metadata_props, …), written back unchanged. */
  extra: Record<string, unknown> | undefined;
  /**
   * Index fields, filled by the graph's index (valid until the graph changes): the Value of each
   * input and output (undefined where the name is '' for an omitted optional input), and the
   * node's position in `graph.nodes`.
   */
  inValues: (Value | undefined)[] = NO_VALUES;
  outValues: (Value | undefined)[] = NO_VALUES;
  position = -1;
  /**
   * Names the node's subgraphs (If/Loop/Scan bodies) read from the scopes around them: uses of
   * those values beside `inputs` (set by the reader with `outerReads`; see ir/subgraph.ts), and
   * their Values, linked by the index.
   */
  outerReads: readonly string[] = NO_NAMES;
  outerValues: Value[] = NO_OUTER;

  /**
   * Inputs, outputs and attributes are read-only outside the IR: a graph's node changes them
   * through the Graph (`setInput`, `setOutput`, `setNodeIO`, `replaceUses`, `setAttr`), which
   * keeps its index and its "shapes are current" mark right. Each edit puts a new list or map in
   * place (copy on write), so caches keyed by the old one (the ops' parsed attributes) see it.
   */
  constructor(
    public opType: string,
    public name: string,
    readonly inputs: readonly string[],
    readonly outputs: readonly string[],
    readonly attrs: ReadonlyMap<string, Attribute> = new Map(),
    public domain = '',
  ) {}

  /** A copy with its own lists (attributes are shared: edits replace the map). */
  copy(): Node {
    const n = new Node(this.opType, this.name, this.inputs.slice(), this.outputs.slice(), this.attrs, this.domain);
    n.docString = this.docString;
    n.extra = this.extra;
    n.outerReads = this.outerReads;
    return n;
  }

  /** `Conv 'conv_3'` — how messages name a node. */
  get label(): string {
    return `${this.opType} '${this.name}'`;
  }
}

/** The writable view of a node's lists, for the Graph's editing methods only (not exported from ir/index.ts). */
export interface NodeLists {
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: ReadonlyMap<string, Attribute>;
}

export const lists = (node: Node): NodeLists => node as unknown as NodeLists;
