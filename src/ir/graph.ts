/**
 * The Graph every stage reads: nodes in topological order, values with dtype and shape,
 * constant tensors. Nodes refer to values by name; the graph keeps a producer/consumer index.
 * Every edit goes through a Graph method (node inputs, outputs and attributes are read-only
 * elsewhere), so the index, the cached order and the "shapes are current" mark are always right.
 */
import { GraphError } from '../errors.js';
import type { Tensor } from './tensor.js';
import { defaultMeta, type ModelMeta } from './meta.js';
import { Opsets } from './opsets.js';
import { lists, NO_OUTER, Value, type Attribute, type Node } from './node.js';

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
  get nodes(): readonly Node[] {
    if (this.pending !== undefined) this.applyPending();
    return this.nodeList;
  }

  /** Replace the whole node list (readers, sorting, keeping a subset). */
  set nodes(list: readonly Node[]) {
    this.nodeList = list as Node[];
    this.pending = undefined;
    this.nodeNames = undefined;
    this.touch();
  }

  private nodeList: Node[] = [];
  /** What `removeNode` and `replaceNodes` were given since `nodes` was last read. */
  private pending: PendingEdits | undefined;
  /** Every node name in use (and those of nodes removed since), for `uniqueNodeName`; made on its first call. */
  private nodeNames: Set<string> | undefined;
  private inputList: string[] = [];
  private outputList: string[] = [];
  /** Real inputs (initializers excluded), in file order (`setGraphInputs`, `addGraphInput` change them). */
  get inputs(): readonly string[] {
    return this.inputList;
  }
  /** Outputs in file order (`setGraphOutputs`, `addGraphOutput`, `replaceUses` change them). */
  get outputs(): readonly string[] {
    return this.outputList;
  }
  /** Initializer tensors by value name, in file order. */
  initializers = new Map<string, Tensor>();
  /** Every value the graph names. */
  values = new Map<string, Value>();
  /** Opset version by domain ('' is ai.onnx), in file order. */
  readonly opsets = new Opsets();
  meta: ModelMeta = defaultMeta();
  /** Things the reader fixed or noticed (renamed nodes, …), shown by analyze. */
  notes: string[] = [];

  /** Bumped by `touch`: index and order are rebuilt when they were made at an older epoch. */
  private epoch = 1;
  /** Bumped by every edit (structure, initializers, attributes): what the shapes mark is checked against. */
  private editCount = 1;
  private shapes: ShapesMark | undefined;
  /** The edit count `shapes` was recorded at. */
  private shapesAt = 0;
  private indexedAt = 0;
  private usersAt = 0;
  private namesUniqueAt = 0;
  private indexInfo: GraphIndex = { sorted: true, definedTwice: [] };
  /** A topological order computed since the last `touch`, for `topoOrder`. */
  orderCache: Node[] | undefined;
  /** What other layers keep for this graph, by owner (see `kept`). */
  private keptBy: Map<object, unknown> | undefined;

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

  /** After any edit of nodes, their names, inputs or outputs: index, order and shapes are stale. */
  private touch(): void {
    this.epoch++;
    this.editCount++;
    this.orderCache = undefined;
  }

  /**
   * A cache another layer keeps for this graph (the ops' resolved definitions and parsed
   * attributes), made by `make` on first use and found by its `owner` (a key only that layer
   * holds); the IR never reads it, and `clone()` does not carry it. The owner checks its entries
   * against the graph (a node's attribute map, the opset), as edits do not clear it. Held here,
   * not in a WeakMap keyed by the graph: a WeakMap's value stays alive through the young
   * generation's collections while its key is young, so every short-lived graph (one per
   * analysis) and everything its cache reached was promoted to the old generation (6 full
   * collections instead of 1 over 400 analyses of ResNet-50 in a loop, 2.1–2.6× the mean CPU time).
   */
  kept<T>(owner: object, make: (graph: Graph) => T): T {
    const by = (this.keptBy ??= new Map());
    let c = by.get(owner) as T | undefined;
    if (c === undefined) by.set(owner, (c = make(this)));
    return c;
  }

  /** Counts edits: equal numbers mean nothing was changed through the Graph in between. */
  get version(): number {
    return this.editCount;
  }

  /** Record what shape inference found at this version (ops' `inferShapes` calls this). */
  markShapes(mark: ShapesMark): void {
    this.shapes = mark;
    this.shapesAt = this.editCount;
  }

  /** The mark of the last inference when no edit came after it, else undefined. */
  get shapesMark(): ShapesMark | undefined {
    return this.shapesAt === this.editCount ? this.shapes : undefined;
  }

  /** Point input `slot` of `node` at `name` ('' omits an optional input); the list grows with '' to reach the slot. */
  setInput(node: Node, slot: number, name: string): void {
    const ins = node.inputs.slice();
    while (ins.length <= slot) ins.push('');
    ins[slot] = name;
    lists(node).inputs = ins;
    this.touch();
  }

  /** Name output `slot` of `node` `name`. */
  setOutput(node: Node, slot: number, name: string): void {
    const outs = node.outputs.slice();
    while (outs.length <= slot) outs.push('');
    outs[slot] = name;
    lists(node).outputs = outs;
    if (name) this.value(name);
    this.touch();
  }

  /** Replace a node's input and/or output lists. */
  setNodeIO(node: Node, inputs: readonly string[] | undefined, outputs?: readonly string[]): void {
    if (inputs) lists(node).inputs = inputs.slice();
    if (outputs) {
      lists(node).outputs = outputs.slice();
      for (const o of outputs) if (o) this.value(o);
    }
    this.touch();
  }

  /** Set (or, with undefined, remove) an attribute of `node`; the ops' parsed record follows, as the map is new. */
  setAttr(node: Node, name: string, attr: Attribute | undefined): void {
    const attrs = new Map(node.attrs);
    if (attr) attrs.set(name, attr);
    else attrs.delete(name);
    lists(node).attrs = attrs;
    this.editCount++;
  }

  setGraphInputs(names: readonly string[]): void {
    this.inputList = names.slice();
    this.touch();
  }

  addGraphInput(name: string): void {
    this.inputList.push(name);
    this.value(name);
    this.touch();
  }

  setGraphOutputs(names: readonly string[]): void {
    this.outputList = names.slice();
    this.touch();
  }

  addGraphOutput(name: string): void {
    this.outputList.push(name);
    this.value(name);
    this.touch();
  }

  /**
   * A copy to edit without touching this graph: its own nodes, lists and values; tensors,
   * attribute maps and declared types are shared (never changed in place). The index is built
   * afresh on use; the shapes mark and the "names are unique" mark carry over when current.
   */
  clone(): Graph {
    const g = new Graph();
    g.name = this.name;
    g.docString = this.docString;
    const nodes = this.nodes;
    const copies = new Map<Node, Node>();
    const list: Node[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const c = nodes[i]!.copy();
      copies.set(nodes[i]!, c);
      list[i] = c;
    }
    g.nodeList = list;
    g.inputList = this.inputList.slice();
    g.outputList = this.outputList.slice();
    g.initializers = new Map(this.initializers);
    this.values.forEach((v, name) => g.values.set(name, v.copy()));
    g.opsets.copyFrom(this.opsets);
    g.meta = { ...this.meta, metadata: this.meta.metadata.map((m) => ({ ...m })), extra: { ...this.meta.extra }, graphExtra: { ...this.meta.graphExtra } };
    g.notes = this.notes.slice();
    if (this.namesKnownUnique) g.markNamesUnique();
    const mark = this.shapesMark;
    if (mark) {
      const map = (ns: readonly Node[]) => ns.map((n) => copies.get(n)!);
      g.markShapes({ key: mark.key, basis: mark.basis, unknownOps: map(mark.unknownOps), unresolved: map(mark.unresolved) });
    }
    return g;
  }

  addNode(node: Node, index = this.nodes.length): Node {
    if (this.pending !== undefined) this.applyPending();
    this.nodeList.splice(index, 0, node);
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
      if (n.inputs.includes(from)) lists(n).inputs = n.inputs.map((i) => (i === from ? to : i));
    }
    this.outputList = this.outputList.map((o) => (o === from ? to : o));
    this.touch();
  }

  /** Add or replace an initializer (a constant tensor). */
  setInitializer(name: string, tensor: Tensor): Value {
    this.initializers.set(name, tensor);
    const v = this.value(name);
    v.tensor = tensor;
    v.dtype = tensor.dtype;
    v.shape = tensor.dims;
    this.editCount++;
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

/**
 * What the last shape inference left unknown, with the binding it ran under (`key`): kept by the
 * graph while no edit comes after it, so stages that ask for shapes again do not re-infer.
 */
export interface ShapesMark {
  readonly key: string;
  /** What else the inference read that edits through the Graph do not count (the opsets, the inputs' declared types: plain fields), compared item by item. */
  readonly basis: readonly unknown[];
  readonly unknownOps: readonly Node[];
  readonly unresolved: readonly Node[];
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
