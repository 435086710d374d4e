/**
 * Graph -> ONNX bytes. What the reader kept opaque (subgraphs, functions, annotations) is
 * written back unchanged; tensors are inlined or, on request, appended to an external blob.
 */
import { ModelFormatError } from '../../errors.js';
import { topoOrder, type Graph, type Tensor } from '../../ir/index.js';
import { encodeAttribute } from './attributes.js';
import { encodeModel } from './proto.js';
import { encodeTensor, int64Out, type TensorSink } from './tensor-proto.js';
import { encodeValueInfo } from './types.js';

export interface WriteOptions {
  /** Put tensors of at least `threshold` bytes (default 1024) in an external file named `location`. */
  external?: { location: string; threshold?: number };
}

export interface WriteResult {
  model: Uint8Array;
  /** The external data file, in chunks, when `external` was asked for. */
  external?: { location: string; parts: Uint8Array[]; size: number };
}

/** protobuf cannot encode a message over 2 GiB. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

export function writeOnnx(graph: Graph, options: WriteOptions = {}): WriteResult {
  const blob = options.external ? new ExternalBlob(options.external.location, options.external.threshold ?? 1024) : undefined;
  const inlineBytes = [...graph.initializers.values()].reduce((s, t) => s + t.byteLength, 0);
  if (!blob && inlineBytes > PROTOBUF_LIMIT) {
    throw new ModelFormatError(`the model's ${inlineBytes} bytes of weights exceed protobuf's 2 GiB limit; write it with external data`);
  }
  const modelMsg = {
    ir_version: graph.meta.irVersion,
    opset_import: [...graph.opsets].map(([domain, version]) => ({ domain, version })),
    ...(graph.meta.producerName ? { producer_name: graph.meta.producerName } : {}),
    ...(graph.meta.producerVersion ? { producer_version: graph.meta.producerVersion } : {}),
    ...(graph.meta.domain ? { domain: graph.meta.domain } : {}),
    ...(graph.meta.modelVersion ? { model_version: int64Out(graph.meta.modelVersion) } : {}),
    ...(graph.meta.docString ? { doc_string: graph.meta.docString } : {}),
    ...(graph.meta.metadata.length ? { metadata_props: graph.meta.metadata } : {}),
    ...graph.meta.extra,
    graph: encodeGraph(graph, blob),
  };
  const model = encodeModel(modelMsg);
  return blob ? { model, external: blob.finish() } : { model };
}

function encodeGraph(graph: Graph, sink: TensorSink | undefined): Record<string, unknown> {
  const nodes = topoOrder(graph).map((n) => {
    const msg: Record<string, unknown> = {
      input: n.inputs,
      output: n.outputs,
      name: n.name,
      op_type: n.opType,
      attribute: [...n.attrs].map(([name, a]) => encodeAttribute(name, a, sink)),
      ...n.extra,
    };
    if (n.domain) msg['domain'] = n.domain;
    if (n.docString) msg['doc_string'] = n.docString;
    return msg;
  });
  const declaredOrInferred = (name: string) => {
    const v = graph.values.get(name);
    return v?.declared ?? (v ? { dtype: v.dtype, shape: v.shape } : undefined);
  };
  const inputs = graph.inputs.map((name) => encodeValueInfo(name, declaredOrInferred(name)));
  if (graph.meta.initializersAsInputs || graph.meta.irVersion < 4) {
    for (const [name, t] of graph.initializers) {
      inputs.push(encodeValueInfo(name, graph.values.get(name)?.declared ?? { dtype: t.dtype, shape: t.dims }));
    }
  }
  const special = new Set([...graph.inputs, ...graph.outputs, ...graph.initializers.keys()]);
  const valueInfo: Record<string, unknown>[] = [];
  for (const v of graph.values.values()) {
    if (v.declared && !special.has(v.name) && graph.producer(v.name)) valueInfo.push(encodeValueInfo(v.name, v.declared));
  }
  return {
    node: nodes,
    name: graph.name,
    initializer: [...graph.initializers].map(([name, t]) => encodeTensor(t, name, sink)),
    ...(graph.docString ? { doc_string: graph.docString } : {}),
    input: inputs,
    output: graph.outputs.map((name) => encodeValueInfo(name, declaredOrInferred(name))),
    ...(valueInfo.length ? { value_info: valueInfo } : {}),
    ...graph.meta.graphExtra,
  };
}

/** Appends tensor bytes into one buffer list; large tensors start on a page boundary so runtimes can map them. */
class ExternalBlob implements TensorSink {
  private parts: Uint8Array[] = [];
  private size = 0;

  constructor(
    private readonly location: string,
    private readonly threshold: number,
  ) {}

  place(tensor: Tensor): { location: string; offset: number; length: number } | undefined {
    if (tensor.dtype === 'string' || tensor.byteLength < this.threshold) return undefined;
    const align = tensor.byteLength >= 65536 ? 4096 : 16;
    const pad = (align - (this.size % align)) % align;
    if (pad) this.push(new Uint8Array(pad));
    const offset = this.size;
    this.push(tensor.bytes());
    return { location: this.location, offset, length: tensor.byteLength };
  }

  finish(): { location: string; parts: Uint8Array[]; size: number } {
    return { location: this.location, parts: this.parts, size: this.size };
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }
}
