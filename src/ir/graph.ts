/**
 * The Graph every stage reads: nodes in topological order, values with dtype and shape,
 * constant tensors. Nodes refer to values by name; the graph keeps a producer/consumer index
 * that mutators refresh, so passes can edit freely and then call `validate`.
 */
import { GraphError } from '../errors.js';
import type { Tensor } from './tensor.js';
import { NO_OUTER, Value, type Node } from './node.js';

/** Model-level fields, carried from reader to writer. */
export interface ModelMeta {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  metadata: { key: string; value: string }[];
  /** Fields leannet does not interpret (functions, training_info, …), written back unchanged. */
  extra: Record<string, unknown>;
  /** GraphProto fields leannet does not interpret (sparse_initializer, quantization_annotation, …). */
  graphExtra: Record<string, unknown>;
  /** Whether the file listed initializers among graph inputs (IR < 4 style); the writer repeats it. */
  initializersAsInputs: boolean;
}

export function defaultMeta(): ModelMeta {
  return {
    irVersion: 8,
    producerName: 'leannet',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadata: [],
    extra: {},
    graphExtra: {},
    initializersAsInputs: false,
  };
}

interface PendingEdits {
  removed: Set<Node>;
  /** For each replaced node, the nodes that take the place of the first of its group. */
  groups: Map<Node, { added: readonly Node[]; placed: boolean }>;
}

const newPendingEdits = (): PendingEdits => ({ removed: new Set(), groups: new Map() });

export class Graph {
  name = 'graph';
  docString = '';
  /** Nodes in order (kept topological by the reader and by passes). Removals and replacements are applied on the next read. */
  get nodes(): Node[] {
    if (this.pending !== undefined) this.applyPending();
    return this.nodeList;
  }

  set nodes(list: Node[]) {
    this.nodeList = list;
    this.pending = undefined;
    this.nodeNames = undefined;
  }

  private nodeList: Node[] = [];
  /** What `removeNode` and `replaceNodes` were given since `nodes` was last read. */
  private pending: PendingEdits | undefined;
  /** Every node name in use (and those of nodes removed since), for `uniqueNodeName`; made on its first call. */
  private nodeNames: Set<string> | undefined;
  /** Real inputs (initializers excluded), in file order. */
  inputs: string[] = [];
  outputs: string[] = [];
  /** Initializer tensors by value name, in file order. */
  initializers = new Map<string, Tensor>();
  /** Every value the graph names. */
  values = new Map<string, Value>();
  /** Opset version by domain ('' is ai.onnx), in file order. */
  opsets = new Map<string, number>();
  meta: ModelMeta = defaultMeta();
  /** Things the reader fixed or noticed (renamed nodes, …), shown by analyze. */
  notes: string[] = [];

  /** Bumped by `touch`: index and order are rebuilt when they were made at an older epoch. */
  private epoch = 1;
  private indexedAt = 0;
  private usersAt = 0;
  private namesUniqueAt = 0;
  private indexInfo: GraphIndex = { sorted: true, definedTwice: [] };
  /** A topological order computed since the last `touch`, for `topoOrder`. */
  orderCache: Node[] | undefined;

  /** The value named `name`, created empty if the graph has not seen it. */
  value(name: string): Value {
    let v = this.values.get(name);
    if (!v) {
      v = new Value(name);
      this.values.set(name, v);
    }
    return v;
  }

  /** The opset version of a domain ('' and 'ai.onnx' are the same domain). */
  opset(domain: string): number | undefined {
    return this.opsets.get(domain === 'ai.onnx' ? '' : domain);
  }

  producer(name: string): Node | undefined {
    this.index();
    return this.values.get(name)?.producedBy;
  }

  consumers(name: string): readonly Node[] {
    this.index();
    if (this.usersAt !== this.epoch) this.linkUsers();
    return this.values.get(name)?.users ?? NONE;
  }

  /** The only node reading `name`, when exactly one does and it is not a graph output (what fusions need). */
  soleConsumer(name: string): Node | undefined {
    if (this.outputs.includes(name)) return undefined;
    const users = this.consumers(name);
    return users.length === 1 ? users[0] : undefined;
  }

  /** Record that every node has a name and no two share one (true until the next `touch`). */
  markNamesUnique(): void {
    this.namesUniqueAt = this.epoch;
  }

  /** True when node names were checked unique since the last `touch` (the validator then skips them). */
  get namesKnownUnique(): boolean {
    return this.namesUniqueAt === this.epoch;
  }

  /** Call after editing `nodes`, their names, or their inputs/outputs directly. */
  touch(): void {
    this.epoch++;
    this.orderCache = undefined;
  }

  addNode(node: Node, index = this.nodes.length): Node {
    this.nodes.splice(index, 0, node);
    this.added(node);
    this.touch();
    return node;
  }

  /**
   * Remove a node. The node list is rebuilt once, when it is next read: a pass that removes a
   * node per match then costs one sweep, not one per match (an indexOf and splice each made
   * folding the BNs of a 16,000-node chain grow with the square of its size).
   */
  removeNode(node: Node): void {
    (this.pending ??= newPendingEdits()).removed.add(node);
    this.touch();
  }

  /**
   * Remove `removed` and put `added`, in order, where the first of `removed` stands in the node
   * list. Like `removeNode`, the list is rebuilt on its next read, so a pass replacing nodes
   * at every match stays linear (finding the place with indexOf and splicing there was not).
   */
  replaceNodes(removed: readonly Node[], added: readonly Node[]): void {
    if (removed.length === 0) throw new Error('replaceNodes: no node to replace');
    const pending = (this.pending ??= newPendingEdits());
    const group = { added, placed: false };
    for (const n of removed) {
      // Its place would go to two groups, and one group's nodes would be lost.
      if (pending.removed.has(n)) throw new Error(`replaceNodes: ${n.label} was already removed`);
      pending.removed.add(n);
      pending.groups.set(n, group);
    }
    for (const n of added) this.added(n);
    this.touch();
  }

  private added(node: Node): void {
    for (const o of node.outputs) if (o) this.value(o);
    this.nodeNames?.add(node.name);
  }

  /** One sweep: each replacement goes in before the first of its nodes met, removed nodes go. */
  private applyPending(): void {
    const { removed, groups } = this.pending!;
    this.pending = undefined;
    const out: Node[] = [];
    const emit = (n: Node): void => {
      const group = groups.get(n);
      if (group && !group.placed) {
        group.placed = true;
        group.added.forEach(emit);
      }
      if (!removed.has(n)) out.push(n);
    };
    this.nodeList.forEach(emit);
    this.nodeList = out;
  }

  /** Point every consumer (and graph output) of `from` at `to`. */
  replaceUses(from: string, to: string): void {
    const reader = this.nodes.find((n) => n.outerReads.includes(from));
    if (reader) throw new GraphError(`cannot rename '${from}': a subgraph of ${reader.label} reads it, and subgraphs are not rewritten`);
    for (const n of this.nodes) {
      for (let i = 0; i < n.inputs.length; i++) if (n.inputs[i] === from) n.inputs[i] = to;
    }
    this.outputs = this.outputs.map((o) => (o === from ? to : o));
    this.touch();
  }

  /** Add or replace an initializer (a constant tensor). */
  setInitializer(name: string, tensor: Tensor): Value {
    this.initializers.set(name, tensor);
    const v = this.value(name);
    v.tensor = tensor;
    v.dtype = tensor.dtype;
    v.shape = tensor.dims;
    return v;
  }

  /** Drop initializers and values nothing refers to any more. */
  prune(): void {
    const used = new Set<string>([...this.inputs, ...this.outputs]);
    for (const n of this.nodes) {
      for (const i of n.inputs) used.add(i);
      for (const i of n.outerReads) used.add(i);
      for (const o of n.outputs) used.add(o);
    }
    for (const name of [...this.initializers.keys()]) if (!used.has(name)) this.initializers.delete(name);
    for (const name of [...this.values.keys()]) if (!used.has(name)) this.values.delete(name);
    this.touch();
  }

  /**
   * A node name not used in this graph, starting from `base`. The names are collected on the
   * first call and kept up to date by `addNode` and `replaceNodes` (a Set made per call cost a
   * sweep of the graph per rewritten node); a name changed in place afterwards is not seen,
   * so rename before asking, or set `nodes` again.
   */
  uniqueNodeName(base: string): string {
    const taken = (this.nodeNames ??= new Set(this.nodes.map((n) => n.name)));
    if (!taken.has(base)) return base;
    for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  /** A value name not yet used in this graph, starting from `base`. */
  uniqueValueName(base: string): string {
    if (!this.values.has(base)) return base;
    for (let i = 1; ; i++) if (!this.values.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  /**
   * Link names to values: every node's `inValues`/`outValues` and `position`, every value's
   * `producedBy` and `useCount`, each name looked up once. Rebuilt only after `touch`; reading
   * stages (inference, validation, cost) then follow references instead of looking names up.
   */
  index(): GraphIndex {
    if (this.indexedAt === this.epoch) return this.indexInfo;
    this.values.forEach(clearIndex);
    const nodes = this.nodes;
    const definedTwice: { value: Value; first: Node; second: Node }[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      n.position = i;
      const names = n.outputs;
      const outs: (Value | undefined)[] = (n.outValues = new Array(names.length));
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        if (!name) {
          outs[k] = undefined;
          continue;
        }
        const v = this.value(name);
        outs[k] = v;
        if (v.producedBy) definedTwice.push({ value: v, first: v.producedBy, second: n });
        else v.producedBy = n;
      }
    }
    let sorted = true;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      const names = n.inputs;
      const ins: (Value | undefined)[] = (n.inValues = new Array(names.length));
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        if (!name) {
          ins[k] = undefined;
          continue;
        }
        const v = this.value(name);
        ins[k] = v;
        const p = v.producedBy;
        if (p !== undefined && p.position >= i) sorted = false;
        v.useCount++;
      }
      if (n.outerReads.length !== 0) {
        n.outerValues = n.outerReads.map((name) => {
          const v = this.value(name);
          const p = v.producedBy;
          if (p !== undefined && p.position >= i) sorted = false;
          return v;
        });
      } else if (n.outerValues.length !== 0) n.outerValues = NO_OUTER;
    }
    this.indexInfo = { sorted, definedTwice };
    this.indexedAt = this.epoch;
    return this.indexInfo;
  }

  /** Fill every value's `users` from the index (only passes and lint ask for consumers). */
  private linkUsers(): void {
    const link = (v: Value | undefined, n: Node) => {
      if (!v) return;
      const users = v.users;
      if (users === undefined) v.users = [n];
      // A node's links are made one after another: a repeat is always the last one.
      else if (users[users.length - 1] !== n) users.push(n);
    };
    for (const n of this.nodes) {
      for (const v of n.inValues) link(v, n);
      for (const v of n.outerValues) link(v, n);
    }
    this.usersAt = this.epoch;
  }
}

/** What one pass over the graph's names found (see `Graph.index`). */
export interface GraphIndex {
  /** True when every node's inputs are produced by earlier nodes (or by no node). */
  readonly sorted: boolean;
  /** Outputs that more than one node produces (the first producer is the one indexed). */
  readonly definedTwice: readonly { value: Value; first: Node; second: Node }[];
}

const NONE: readonly Node[] = Object.freeze([]);

function clearIndex(v: Value): void {
  v.producedBy = undefined;
  v.useCount = 0;
  v.users = undefined;
}
