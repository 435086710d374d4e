/**
 * ONNX bytes -> Graph. Handles what real exports contain: weights as initializers, Constant
 * or ConstantOfShape nodes; IR < 4 files that list every initializer as an input; symbolic
 * and unnamed dims; external data; several opset domains; ops nobody here knows (kept).
 */
import { ModelFormatError } from '../../errors.js';
import { Graph, Node, outerReads, type Attribute } from '../../ir/index.js';
import { decodeAttribute, nodeWhere } from './attributes.js';
import { decodeModel, has, keepList, type GraphProtoMsg, type ModelProtoMsg, type NodeProtoMsg } from './proto.js';
import { decodeTensor, type ExternalResolver } from './tensor-proto.js';
import { decodeValueInfo } from './types.js';
import { registerSubgraphReader } from '../../ops/index.js';

export interface ReadOptions {
  /** How messages name the model (a file path). */
  source?: string;
  /** Opens external data; without it, a model with external data is refused. */
  external?: ExternalResolver;
}

/** Decode bytes into a ModelProto, turning protobuf failures into one-line format errors. */
export function decodeModelBytes(bytes: Uint8Array, source = 'model'): ModelProtoMsg {
  if (bytes.length === 0) throw new ModelFormatError(`${source}: empty file, not an ONNX model`);
  let model: ModelProtoMsg;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    const why = /index out of range/.test(msg) ? 'the file is truncated or corrupt' : msg;
    throw new ModelFormatError(`${source}: not a valid ONNX model (${why})`);
  }
  if (!model.graph) throw new ModelFormatError(`${source}: not an ONNX model (no graph found)`);
  if (!has(model, 'ir_version') || model.ir_version <= 0) {
    throw new ModelFormatError(`${source}: not an ONNX model (no ir_version)`);
  }
  return model;
}

/** Read an ONNX model from its bytes. Tensor data stays a view on `bytes`. */
export function readOnnx(bytes: Uint8Array, options: ReadOptions = {}): Graph {
  const source = options.source ?? 'model';
  const model = decodeModelBytes(bytes, source);
  return graphFromModel(model, options);
}

// If branches and Scan bodies are inferred as graphs of their own (ops/subgraph.ts): decoded
// here, with the opsets of the graph around them.
registerSubgraphReader((g, opsets, name) =>
  graphFromModel(
    {
      ir_version: 8, opset_import: [...opsets].map(([domain, version]) => ({ domain, version })), producer_name: '', producer_version: '', domain: '',
      model_version: 0, doc_string: '', graph: g as GraphProtoMsg, metadata_props: [], training_info: [], functions: [], configuration: [],
    },
    { source: name },
  ),
);

export function graphFromModel(model: ModelProtoMsg, options: ReadOptions = {}): Graph {
  const source = options.source ?? 'model';
  const g = model.graph as GraphProtoMsg;
  const graph = new Graph();
  graph.name = g.name;
  graph.docString = g.doc_string;

  for (const op of model.opset_import) {
    if (!Number.isSafeInteger(op.version) || op.version < 1) {
      throw new ModelFormatError(`${source}: opset_import for domain '${op.domain}' has invalid version ${op.version}`);
    }
    graph.opsets.set(op.domain === 'ai.onnx' ? '' : op.domain, op.version);
  }
  if (!graph.opsets.has('')) {
    // IR versions 1–2 had no opset_import; the spec says they mean ai.onnx opset 1.
    graph.opsets.set('', 1);
    if (model.opset_import.length === 0) graph.notes.push('no opset_import: assuming ai.onnx opset 1');
  }

  graph.meta = {
    irVersion: model.ir_version,
    producerName: model.producer_name,
    producerVersion: model.producer_version,
    domain: model.domain,
    modelVersion: model.model_version,
    docString: model.doc_string,
    metadata: model.metadata_props.map((e) => ({ key: e.key, value: e.value })),
    extra: pick(model, ['training_info', 'functions', 'configuration']),
    graphExtra: pick(g, ['sparse_initializer', 'quantization_annotation', 'metadata_props']),
    initializersAsInputs: false,
  };

  // Indexed loops throughout: this runs once per model, mostly before V8 optimises it, and
  // for…of then allocates an iterator result per element.
  const initializers = g.initializer;
  for (let i = 0; i < initializers.length; i++) {
    const t = initializers[i]!;
    const name = t.name;
    if (!name) throw new ModelFormatError(`${source}: an initializer has no name`);
    if (graph.initializers.has(name)) throw new ModelFormatError(`${source}: initializer '${name}' appears twice`);
    graph.setInitializer(name, decodeTensor(t, undefined, options.external));
  }

  let listed = 0;
  for (let i = 0; i < g.input.length; i++) {
    const vi = g.input[i]!;
    // An initializer listed as an input: its tensor already says its type (the writer lists it again).
    if (graph.initializers.has(vi.name)) {
      listed++;
      continue;
    }
    const v = graph.value(vi.name);
    v.declared = decodeValueInfo(vi, `input '${vi.name}'`);
    if (graph.inputs.includes(vi.name)) throw new ModelFormatError(`${source}: input '${vi.name}' is listed twice`);
    if (v.declared.shape?.some((d) => d === 0)) {
      throw new ModelFormatError(`${source}: input '${vi.name}' has a zero dim in [${v.declared.shape.join(',')}]`);
    }
    graph.addGraphInput(vi.name);
  }
  // IR < 4 requires every initializer to be listed as an input; only the others are real inputs.
  graph.meta.initializersAsInputs = listed > 0;
  for (const vi of g.output) {
    graph.value(vi.name).declared = decodeValueInfo(vi, `output '${vi.name}'`);
    graph.addGraphOutput(vi.name);
  }
  for (const vi of g.value_info) graph.value(vi.name).declared ??= decodeValueInfo(vi, `value_info '${vi.name}'`);

  const nodes = g.node;
  // Unnamed nodes are named `<op>_<index>`; those names cannot collide with each other (the
  // digits after the last '_' are the index), so names go into a set only from the first node
  // that has its own name (many files name none).
  let names: Set<string> | undefined;
  let renamed = 0;
  const list: Node[] = new Array(nodes.length);
  for (let index = 0; index < nodes.length; index++) {
    const node = readNode(nodes[index]!, index, options.external);
    if (node.name && !names) names = new Set(list.slice(0, index).map((n) => n.name));
    if (!names) node.name = `${node.opType}_${index}`;
    else {
      if (!node.name || names.has(node.name)) {
        if (node.name) renamed++;
        let k = index;
        let candidate = node.name ? `${node.name}_${k}` : `${node.opType}_${k}`;
        while (names.has(candidate)) candidate = `${node.opType}_${++k}`;
        node.name = candidate;
      }
      names.add(node.name);
    }
    list[index] = node;
  }
  if (renamed) graph.notes.push(`${renamed} node(s) had duplicate names and were renamed`);
  graph.nodes = list;
  graph.markNamesUnique();
  return graph;
}

function readNode(n: NodeProtoMsg, index: number, external?: ExternalResolver): Node {
  if (!n.op_type) throw new ModelFormatError(`${nodeWhere(n, index)} has no op_type`);
  const attrs = new Map<string, Attribute>();
  const list = n.attribute;
  let subgraphs = false;
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    attrs.set(a.name, decodeAttribute(a, n, index, external));
    if (a.g || a.graphs.length) subgraphs = true;
  }
  const node = new Node(n.op_type, n.name, keepList(n.input), keepList(n.output), attrs, n.domain === 'ai.onnx' ? '' : n.domain);
  node.docString = n.doc_string;
  if (subgraphs) node.outerReads = outerReads(attrs);
  if (n.overload || n.metadata_props.length || n.device_configurations.length) {
    node.extra = pick(n, ['overload', 'metadata_props', 'device_configurations']);
  }
  return node;
}

/** The listed fields of a decoded message that are present and non-empty. */
function pick(msg: object, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = (msg as Record<string, unknown>)[f];
    if (has(msg, f) && v !== '' && !(Array.isArray(v) && v.length === 0)) out[f] = v;
  }
  return out;
}
