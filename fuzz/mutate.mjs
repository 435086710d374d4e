/**
 * The fuzzer's mutator: one mutant = one seed + one index, fully determined by them (the corpus
 * file it starts from, the mutations, their parameters), so a saved mutant can be rebuilt.
 * Two levels: structure (decode with leannet's own protobuf schema, edit the messages, encode
 * again) and bytes (bit flips, truncation, random runs, inserts, deletes on the encoded file).
 */
import { decodeModelBytes, encodeModel } from '../dist/index.js';
import { TensorProtoType } from '../dist/formats/onnx/proto.js';

/** Decode a TensorProto file (the ONNX suite's test_data_set_N/input_K.pb). */
export function decodeTensorFile(bytes) {
  return TensorProtoType.decode(bytes);
}

/** splitmix32-style PRNG: returns a function giving uniform floats in [0, 1). */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** The seed of mutant `index` in run `seed`. */
export function mutantSeed(seed, index) {
  let h = (Math.imul(seed >>> 0, 0x27d4eb2d) ^ Math.imul(index + 1, 0x165667b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 12)) >>> 0;
}

const int = (r, n) => Math.floor(r() * n);
const pick = (r, xs) => xs[int(r, xs.length)];

/** Dim values that break assumptions: zero, negative, huge, past 2^31 and 2^53. */
const NASTY_DIMS = [0, -1, -7, 1, 2, 3, 1024, 65535, 2 ** 31, 2 ** 32 + 1, 1e12, 2 ** 53, Number.MAX_SAFE_INTEGER];
const NASTY_INTS = [0, -1, -2, -100, 1, 2, 3, 7, 100, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
const NASTY_FLOATS = [0, -1, 1e-30, 1e30, NaN, Infinity, -Infinity, 0.5, 1.5, -0.5];
const OPS = [
  'Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Add', 'Mul', 'Relu', 'BatchNormalization', 'MaxPool', 'AveragePool',
  'GlobalAveragePool', 'Concat', 'Reshape', 'Flatten', 'Transpose', 'Slice', 'Gather', 'Split', 'Squeeze', 'Unsqueeze',
  'Pad', 'Resize', 'Softmax', 'Shape', 'ConstantOfShape', 'Expand', 'Tile', 'Where', 'Cast', 'Constant', 'Identity',
  'LRN', 'Dropout', 'Sum', 'ReduceMean', 'Range', 'If', 'Loop', 'Einsum', 'NoSuchOp', '',
];
/** Ops whose output has their first input's shape: safe to chain. */
const UNARY = new Set(['Relu', 'Sigmoid', 'Tanh', 'Identity', 'Abs', 'Neg', 'Exp', 'LeakyRelu', 'Clip', 'BatchNormalization', 'Softmax', 'Dropout', 'HardSigmoid', 'Elu', 'Selu', 'PRelu', 'Sqrt', 'Floor', 'Ceil', 'Round', 'Erf', 'Not', 'Sign', 'LRN', 'InstanceNormalization']);
const OPSETS = [0, -1, 1, 5, 6, 7, 9, 10, 11, 12, 13, 17, 18, 21, 23, 99, 2 ** 31];
/** AttributeProto.type values: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8, and an invalid one. */
const ATTR_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 99];
const DTYPES = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 16, 17, 99];

function allValueInfos(g) {
  return [...g.input, ...g.output, ...g.value_info];
}
function allNames(g) {
  const names = new Set();
  for (const v of g.input) names.add(v.name);
  for (const t of g.initializer) names.add(t.name);
  for (const n of g.node) for (const o of n.output) names.add(o);
  return [...names];
}
/** A name defined in the graph, or 'ghost' when there is none. */
function someName(r, g) {
  const names = allNames(g);
  return names.length ? pick(r, names) : 'ghost';
}
function dimsOf(v) {
  return v.type?.tensor_type?.shape?.dim;
}

/** Structure mutations: each edits the decoded model `m` in place and returns a description, or null when it does not apply. */
const STRUCTURE = {
  dim(r, m) {
    const g = m.graph;
    const withDims = allValueInfos(g).filter((v) => dimsOf(v)?.length);
    const inits = g.initializer.filter((t) => t.dims.length);
    if (withDims.length && (r() < 0.7 || !inits.length)) {
      const v = pick(r, withDims);
      const dims = dimsOf(v);
      const k = int(r, dims.length);
      const what = r();
      if (what < 0.15) {
        dims[k] = { dim_param: pick(r, ['N', 'batch', '', 'x y']) };
        return `dim ${v.name}[${k}] = '${dims[k].dim_param}'`;
      }
      if (what < 0.25) {
        dims.splice(k, 1);
        return `dim ${v.name}[${k}] removed`;
      }
      if (what < 0.35) {
        dims.push({ dim_value: pick(r, NASTY_DIMS) });
        return `dim ${v.name} +[${dims.at(-1).dim_value}]`;
      }
      dims[k] = { dim_value: r() < 0.5 ? pick(r, NASTY_DIMS) : int(r, 300) };
      return `dim ${v.name}[${k}] = ${dims[k].dim_value}`;
    }
    if (!inits.length) return null;
    const t = pick(r, inits);
    const k = int(r, t.dims.length);
    t.dims[k] = r() < 0.5 ? pick(r, NASTY_DIMS) : int(r, 300);
    return `initializer ${t.name}.dims[${k}] = ${t.dims[k]}`;
  },
  attrDrop(r, m) {
    const nodes = m.graph.node.filter((n) => n.attribute.length);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const k = int(r, n.attribute.length);
    const [a] = n.attribute.splice(k, 1);
    return `${n.op_type} '${n.name}' attribute ${a.name} dropped`;
  },
  attrRange(r, m) {
    const nodes = m.graph.node.filter((n) => n.attribute.length);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const a = pick(r, n.attribute);
    if (a.ints?.length || a.type === 7) {
      const what = r();
      if (what < 0.3 && a.ints.length) a.ints[int(r, a.ints.length)] = pick(r, NASTY_INTS);
      else if (what < 0.5) a.ints = a.ints.slice(0, int(r, a.ints.length + 1));
      else if (what < 0.7) a.ints = [...a.ints, ...Array.from({ length: 1 + int(r, 4) }, () => pick(r, NASTY_INTS))];
      else a.ints = a.ints.map(() => pick(r, NASTY_INTS));
      return `${n.op_type} '${n.name}' ${a.name} = [${a.ints.join(',')}]`;
    }
    if (a.floats?.length || a.type === 6) {
      a.floats = r() < 0.5 ? a.floats.map(() => pick(r, NASTY_FLOATS)) : a.floats.slice(0, int(r, a.floats.length + 1));
      return `${n.op_type} '${n.name}' ${a.name} = [${a.floats.join(',')}]`;
    }
    if (a.type === 1) {
      a.f = pick(r, NASTY_FLOATS);
      return `${n.op_type} '${n.name}' ${a.name} = ${a.f}`;
    }
    if (a.type === 3) {
      a.s = new TextEncoder().encode(pick(r, ['', 'SAME_UPPER', 'VALID', 'NOTSET', 'bogus', 'linear', 'cubic', '\u0000']));
      return `${n.op_type} '${n.name}' ${a.name} = '${new TextDecoder().decode(a.s)}'`;
    }
    if (a.type === 4 && a.t) {
      a.t.dims = a.t.dims.length ? a.t.dims.map(() => pick(r, NASTY_DIMS)) : [pick(r, NASTY_DIMS)];
      return `${n.op_type} '${n.name}' ${a.name} tensor dims = [${a.t.dims.join(',')}]`;
    }
    a.i = pick(r, NASTY_INTS);
    return `${n.op_type} '${n.name}' ${a.name} = ${a.i}`;
  },
  attrType(r, m) {
    const nodes = m.graph.node.filter((n) => n.attribute.length);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const a = pick(r, n.attribute);
    const from = a.type;
    a.type = pick(r, ATTR_TYPES);
    if (r() < 0.5) {
      // Move the value to the field the new type names (or leave it where it was, which is wrong too).
      if (a.type === 2) a.i = a.ints?.[0] ?? Math.round(a.f ?? 3);
      if (a.type === 1) a.f = a.i ?? 1.5;
      if (a.type === 7) a.ints = a.floats?.length ? a.floats.map(Math.round) : [a.i ?? 1];
      if (a.type === 6) a.floats = a.ints?.length ? [...a.ints] : [a.f ?? 1];
      if (a.type === 3) a.s = new TextEncoder().encode(String(a.i ?? 'x'));
    }
    return `${n.op_type} '${n.name}' ${a.name} type ${from} -> ${a.type}`;
  },
  initResize(r, m) {
    const inits = m.graph.initializer;
    if (!inits.length) return null;
    const t = pick(r, inits);
    const what = r();
    if (what < 0.3) t.dims = [...t.dims, 1 + int(r, 4)];
    else if (what < 0.5) t.dims = t.dims.slice(0, Math.max(0, t.dims.length - 1));
    else if (what < 0.8) t.dims = t.dims.map((d) => (r() < 0.5 ? d * (1 + int(r, 3)) : Math.max(0, Math.floor(d / 2))));
    else t.data_type = pick(r, DTYPES);
    return `initializer ${t.name} dims [${t.dims.join(',')}] dtype ${t.data_type}`;
  },
  initTruncate(r, m) {
    const inits = m.graph.initializer;
    if (!inits.length) return null;
    const t = pick(r, inits);
    for (const f of ['raw_data', 'float_data', 'int64_data', 'int32_data', 'double_data']) {
      const d = t[f];
      if (d && d.length) {
        const keep = r() < 0.3 ? 0 : int(r, d.length);
        t[f] = d.slice(0, keep);
        return `initializer ${t.name}.${f} truncated ${d.length} -> ${keep}`;
      }
    }
    return null;
  },
  intValues(r, m) {
    // Small integer tensors decide shapes (Reshape, Slice, Pad, Expand, Tile, ConstantOfShape, Range …).
    const ints = m.graph.initializer.filter((t) => (t.data_type === 7 || t.data_type === 6) && ((t.int64_data?.length ?? 0) || (t.int32_data?.length ?? 0) || (t.raw_data?.length ?? 0)) && ((t.int64_data?.length ?? 0) || (t.int32_data?.length ?? 0) || (t.raw_data?.length ?? 0) / (t.data_type === 7 ? 8 : 4)) <= 64);
    if (!ints.length) return null;
    const t = pick(r, ints);
    const size = t.data_type === 7 ? 8 : 4;
    let values = (t.int64_data?.length ?? 0) ? [...t.int64_data] : (t.int32_data?.length ?? 0) ? [...t.int32_data] : [];
    if (!values.length && (t.raw_data?.length ?? 0)) {
      const dv = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
      for (let i = 0; i + size <= (t.raw_data?.length ?? 0); i += size) values.push(size === 8 ? Number(dv.getBigInt64(i, true)) : dv.getInt32(i, true));
    }
    if (!values.length) return null;
    const k = int(r, values.length);
    values[k] = r() < 0.6 ? pick(r, NASTY_INTS) : values[k] + pick(r, [-2, -1, 1, 2, 100]);
    if (size === 4) values = values.map((v) => v | 0);
    delete t.raw_data; // an empty raw_data field present in the file would count as the data
    t.int64_data = size === 8 ? values : [];
    t.int32_data = size === 4 ? values : [];
    return `initializer ${t.name} values [${values.join(',')}]`;
  },
  floatValues(r, m) {
    // Small float tensors fold into shapes too (Resize scales, Range, ConstantOfShape values).
    const fl = m.graph.initializer.filter((t) => t.data_type === 1 && ((t.float_data?.length ?? 0) || (t.raw_data?.length ?? 0)) && ((t.float_data?.length ?? 0) || (t.raw_data?.length ?? 0) / 4) <= 64);
    if (!fl.length) return null;
    const t = pick(r, fl);
    let values = [...(t.float_data ?? [])];
    if (!values.length) {
      const dv = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
      for (let i = 0; i + 4 <= (t.raw_data?.length ?? 0); i += 4) values.push(dv.getFloat32(i, true));
    }
    if (!values.length) return null;
    const k = int(r, values.length);
    values[k] = r() < 0.7 ? pick(r, NASTY_FLOATS) : values[k] * pick(r, [0.7, 1.3, 2.6, 1000, -1]);
    delete t.raw_data;
    t.float_data = values;
    return `initializer ${t.name} values [${values.join(',')}]`;
  },
  subgraph(r, m) {
    // Edit a branch or loop body: the same structure mutations, one level down.
    const holders = m.graph.node.flatMap((n) => n.attribute.filter((a) => a.g || a.graphs?.length).map((a) => [n, a]));
    if (!holders.length) return null;
    const [n, a] = pick(r, holders);
    const g = a.g ?? pick(r, a.graphs);
    const name = pick(r, ['dim', 'attrDrop', 'attrRange', 'rewire', 'nodeRemove', 'nodeDup', 'opSwap', 'outputEdit', 'inputRemove', 'intValues', 'dtype']);
    const d = STRUCTURE[name](r, { graph: g, opset_import: [] });
    return d ? `${n.op_type} '${n.name}' ${a.name}: ${name}: ${d}` : null;
  },
  external(r, m) {
    // Move an initializer's data "outside": missing files, names that are folders or climb out, odd offsets and lengths.
    const inits = m.graph.initializer;
    if (!inits.length) return null;
    const t = pick(r, inits);
    const location = pick(r, ['weights.bin', '', '.', '..', 'a/../b', '\u0000x', 'x'.repeat(300)]);
    const entries = [{ key: 'location', value: location }];
    if (r() < 0.7) entries.push({ key: 'offset', value: String(pick(r, [0, -1, 7, 4096, 2 ** 40, 'abc', '1e3', ''])) });
    if (r() < 0.7) entries.push({ key: 'length', value: String(pick(r, [0, -4, 4, 64, 2 ** 33, 'x', '12.5'])) });
    if (r() < 0.2) entries.push({ key: pick(r, ['checksum', 'bogus', 'location']), value: 'y' });
    t.data_location = r() < 0.9 ? 1 : pick(r, [0, 2, 99]);
    t.external_data = entries;
    delete t.raw_data;
    t.float_data = [];
    t.int64_data = [];
    t.int32_data = [];
    return `initializer ${t.name} external ${JSON.stringify(entries.map((e) => `${e.key}=${e.value}`))}`;
  },
  nameClash(r, m) {
    // A node output renamed to a name that already exists (an input, an initializer, another output), or to ''.
    const g = m.graph;
    const nodes = g.node.filter((n) => n.output.length);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const k = int(r, n.output.length);
    const from = n.output[k];
    n.output[k] = r() < 0.2 ? '' : someName(r, g);
    return `${n.op_type} '${n.name}' output '${from}' -> '${n.output[k]}'`;
  },
  outputsDrop(r, m) {
    const nodes = m.graph.node.filter((n) => n.output.length);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    n.output = r() < 0.5 ? [] : n.output.slice(0, n.output.length - 1);
    return `${n.op_type} '${n.name}' outputs -> [${n.output.join(',')}]`;
  },
  attrDup(r, m) {
    const nodes = m.graph.node.filter((n) => n.attribute.length);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const a = pick(r, n.attribute);
    n.attribute.push({ ...a, i: pick(r, NASTY_INTS) });
    return `${n.op_type} '${n.name}' attribute ${a.name} twice`;
  },
  stringTensor(r, m) {
    // An initializer turned into a string (or bfloat16/float16/complex) tensor.
    const inits = m.graph.initializer;
    if (!inits.length) return null;
    const t = pick(r, inits);
    t.data_type = pick(r, [8, 10, 16, 14, 15, 12, 13]);
    if (t.data_type === 8) {
      delete t.raw_data;
      t.string_data = Array.from({ length: int(r, 4) }, () => new TextEncoder().encode('s'));
    }
    return `initializer ${t.name} data_type ${t.data_type}`;
  },
  rewire(r, m) {
    const g = m.graph;
    const nodes = g.node.filter((n) => n.input.length);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const k = int(r, n.input.length);
    const what = r();
    const to = what < 0.15 ? '' : what < 0.3 ? `ghost_${int(r, 100)}` : what < 0.45 ? n.output[0] ?? 'x' : someName(r, g);
    const from = n.input[k];
    n.input[k] = to;
    return `${n.op_type} '${n.name}' input ${k} '${from}' -> '${to}'`;
  },
  addInput(r, m) {
    const g = m.graph;
    const nodes = g.node;
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const extra = 1 + int(r, 3);
    for (let i = 0; i < extra; i++) n.input.push(r() < 0.2 ? '' : someName(r, g));
    return `${n.op_type} '${n.name}' +${extra} inputs`;
  },
  nodeDup(r, m) {
    const g = m.graph;
    if (!g.node.length) return null;
    const k = int(r, g.node.length);
    const n = g.node[k];
    const copy = { ...n, input: [...n.input], output: [...n.output], attribute: [...n.attribute] };
    const rename = r() < 0.5;
    if (rename) copy.output = copy.output.map((o) => `${o}_dup`);
    g.node.splice(r() < 0.5 ? k + 1 : int(r, g.node.length + 1), 0, copy);
    return `${n.op_type} '${n.name}' duplicated${rename ? ' (outputs renamed)' : ''}`;
  },
  nodeRepeat(r, m) {
    // A shape-keeping node repeated k times in a chain: graphs of up to ~20,000 nodes, where
    // anything quadratic in the node or finding count shows as a HANG.
    const g = m.graph;
    const nodes = g.node.filter((n) => UNARY.has(n.op_type) && n.output.length === 1 && n.input.length >= 1);
    if (!nodes.length) return null;
    const n = pick(r, nodes);
    const k = pick(r, [2, 10, 100, 1000, 1000, 5000, 20000]);
    const o = n.output[0];
    n.output = [`${o}__r0`];
    const copies = [];
    for (let i = 1; i <= k; i++) {
      copies.push({ ...n, name: `${n.name}__r${i}`, input: [`${o}__r${i - 1}`, ...n.input.slice(1)], output: [i === k ? o : `${o}__r${i}`] });
    }
    g.node.splice(g.node.indexOf(n) + 1, 0, ...copies);
    return `${n.op_type} '${n.name}' repeated ${k} times`;
  },
  nodeRemove(r, m) {
    const g = m.graph;
    if (!g.node.length) return null;
    const [n] = g.node.splice(int(r, g.node.length), 1);
    return `${n.op_type} '${n.name}' removed`;
  },
  nodeSwap(r, m) {
    const g = m.graph;
    if (g.node.length < 2) return null;
    const i = int(r, g.node.length);
    const j = int(r, g.node.length);
    [g.node[i], g.node[j]] = [g.node[j], g.node[i]];
    return `nodes ${i} and ${j} swapped`;
  },
  opset(r, m) {
    const v = pick(r, OPSETS);
    const o = m.opset_import.find((x) => x.domain === '' || x.domain === 'ai.onnx');
    if (o && r() < 0.85) o.version = v;
    else if (o && r() < 0.5) m.opset_import.splice(m.opset_import.indexOf(o), 1);
    else m.opset_import.push({ domain: pick(r, ['', 'com.microsoft', 'ai.onnx.ml']), version: v });
    return `opset -> ${v}`;
  },
  opSwap(r, m) {
    const g = m.graph;
    if (!g.node.length) return null;
    const n = pick(r, g.node);
    const from = n.op_type;
    n.op_type = r() < 0.5 ? pick(r, g.node).op_type : pick(r, OPS);
    if (r() < 0.1) n.domain = pick(r, ['com.microsoft', 'ai.onnx.ml', 'custom']);
    return `'${n.name}' ${from} -> ${n.op_type}`;
  },
  inputRemove(r, m) {
    const g = m.graph;
    if (!g.input.length) return null;
    const [v] = g.input.splice(int(r, g.input.length), 1);
    return `graph input '${v.name}' removed`;
  },
  outputEdit(r, m) {
    const g = m.graph;
    if (!g.output.length) return null;
    const v = pick(r, g.output);
    const what = r();
    if (what < 0.3) {
      g.output.splice(g.output.indexOf(v), 1);
      return `graph output '${v.name}' removed`;
    }
    const from = v.name;
    v.name = what < 0.6 ? `ghost_${int(r, 10)}` : someName(r, g);
    return `graph output '${from}' -> '${v.name}'`;
  },
  dtype(r, m) {
    const g = m.graph;
    const vs = allValueInfos(g).filter((v) => v.type?.tensor_type);
    if (!vs.length) return null;
    const v = pick(r, vs);
    if (r() < 0.15) {
      v.type = r() < 0.5 ? {} : { sequence_type: { elem_type: { tensor_type: { elem_type: 1 } } } };
      return `value '${v.name}' type replaced`;
    }
    v.type.tensor_type.elem_type = pick(r, DTYPES);
    return `value '${v.name}' elem_type ${v.type.tensor_type.elem_type}`;
  },
  irVersion(r, m) {
    m.ir_version = pick(r, [1, 2, 3, 4, 7, 8, 10, 11, 99, 2 ** 40]);
    return `ir_version -> ${m.ir_version}`;
  },
};

/** Byte mutations: each returns new bytes and a description. */
const BYTES = {
  bitFlip(r, b) {
    const out = Uint8Array.from(b);
    const n = 1 + int(r, 8);
    for (let i = 0; i < n; i++) out[int(r, out.length)] ^= 1 << int(r, 8);
    return [out, `${n} bit flips`];
  },
  truncate(r, b) {
    const at = int(r, b.length);
    return [b.slice(0, at), `truncated at ${at} of ${b.length}`];
  },
  randomRun(r, b) {
    const out = Uint8Array.from(b);
    const at = int(r, out.length);
    const len = 1 + int(r, 32);
    for (let i = at; i < Math.min(out.length, at + len); i++) out[i] = int(r, 256);
    return [out, `${len} random bytes at ${at}`];
  },
  varint(r, b) {
    // A long or maximal varint in place of a byte: lengths and dims that claim far more than the file holds.
    const at = int(r, b.length);
    const run = pick(r, [[0xff, 0xff, 0xff, 0xff, 0x0f], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x80, 0x80, 0x80, 0x80, 0x08]]);
    const out = new Uint8Array(b.length + run.length - 1);
    out.set(b.subarray(0, at));
    out.set(run, at);
    out.set(b.subarray(at + 1), at + run.length);
    return [out, `varint run at ${at}`];
  },
  insertDelete(r, b) {
    const at = int(r, b.length);
    const len = 1 + int(r, 16);
    if (r() < 0.5) {
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, at));
      for (let i = 0; i < len; i++) out[at + i] = int(r, 256);
      out.set(b.subarray(at), at + len);
      return [out, `${len} bytes inserted at ${at}`];
    }
    const cut = Math.min(len, b.length - at);
    const out = new Uint8Array(b.length - cut);
    out.set(b.subarray(0, at));
    out.set(b.subarray(at + cut), at);
    return [out, `${cut} bytes deleted at ${at}`];
  },
};

/** Mutations that mostly stop at validation are drawn less often than those that reach inference and cost. */
const STRUCTURE_WEIGHTS = { inputRemove: 0.5, outputEdit: 0.5, irVersion: 0.5, nodeSwap: 0.5, intValues: 3, floatValues: 1.5, external: 1, nameClash: 1, outputsDrop: 0.5, attrDup: 0.5, stringTensor: 0.5, nodeRepeat: 0.5, subgraph: 1, dim: 2, attrRange: 2, attrDrop: 1.5, attrType: 1.5, initResize: 1.5 };
const STRUCTURE_NAMES = Object.keys(STRUCTURE).flatMap((k) => Array(Math.round((STRUCTURE_WEIGHTS[k] ?? 1) * 2)).fill(k));
const BYTE_NAMES = Object.keys(BYTES);

/**
 * Mutant `index` of run `seed` over `corpus` ([{path, bytes}] with `weight`): its bytes, the
 * source it started from and the list of mutations applied.
 */
export function makeMutant(corpus, seed, index) {
  const r = rng(mutantSeed(seed, index));
  const total = corpus.reduce((s, c) => s + c.weight, 0);
  let x = r() * total;
  let src = corpus[corpus.length - 1];
  for (const c of corpus) {
    x -= c.weight;
    if (x < 0) {
      src = c;
      break;
    }
  }
  const mutations = [];
  let bytes = src.bytes;
  const structural = r() < 0.75;
  const freeze = src.inputs?.length && r() < 0.6;
  if (structural || freeze) {
    let m;
    try {
      m = decodeModelBytes(src.bytes, src.path);
    } catch {
      m = null;
    }
    if (m && freeze) {
      // As the conformance run does: the suite's small inputs (shapes, axes, sizes, scales) become initializers.
      for (const { name, tensor } of src.inputs) {
        const at = m.graph.input.findIndex((v) => v.name === name);
        if (at < 0) continue;
        m.graph.input.splice(at, 1);
        m.graph.initializer.push({ ...tensor, name });
      }
      mutations.push(`freeze: ${src.inputs.map((i) => i.name).join(', ')}`);
    }
    if (m && structural) {
      const n = r() < 0.6 ? 1 : 2 + int(r, 2);
      for (let i = 0; i < n * 4 && mutations.length < n; i++) {
        const name = pick(r, STRUCTURE_NAMES);
        const d = STRUCTURE[name](r, m);
        if (d) mutations.push(`${name}: ${d}`);
      }
    }
    if (m) {
      try {
        bytes = encodeModel(m);
      } catch (e) {
        throw new Error(`cannot encode the mutant (${mutations.join("; ")}): ${e.message}`);
      }
    }
  }
  if (!structural || r() < 0.15) {
    const n = 1 + int(r, 2);
    for (let i = 0; i < n && bytes.length > 0; i++) {
      const name = pick(r, BYTE_NAMES);
      const [out, d] = BYTES[name](r, bytes);
      bytes = out;
      mutations.push(`${name}: ${d}`);
    }
  }
  return { bytes, source: src.path, mutations };
}
