/** The Graph IR's own guarantees: lazy tensor views, topological order, and what the validator catches. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Graph, Node, Tensor, findProblems, inferShapes, readOnnx, topoOrder, validate } from '../src/index.js';
import { sharedModel } from './helpers/models.js';

function relu2(): Graph {
  const g = new Graph();
  g.opsets.set('', 13);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 4] };
  g.addNode(new Node('Relu', 'a', ['x'], ['y']));
  g.addNode(new Node('Relu', 'b', ['y'], ['z']));
  g.addGraphOutput('z');
  return g;
}

describe('tensors stay views on the file', () => {
  it('initializer bytes share the buffer of the bytes read from disk', () => {
    const file = fs.readFileSync(sharedModel('version-RFB-320.onnx'));
    const g = readOnnx(file);
    const t = [...g.initializers.values()].find((x) => x.numel > 1000)!;
    expect(t.source.kind).toBe('raw');
    expect(t.bytes().buffer).toBe(file.buffer);
    // Float values come out as a copy: changing them never changes the file.
    const before = Buffer.from(file);
    t.toFloat32()[0] = 42;
    expect(file.equals(before)).toBe(true);
  });
});

describe('small constants read as numbers', () => {
  // Read in place at any byte offset (raw_data inside a protobuf buffer is rarely aligned);
  // the reference is DataView, which reads each element independently of alignment.
  const unaligned = (data: ArrayBufferView) => {
    const padded = new Uint8Array(data.byteLength + 3);
    padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 3);
    return padded.subarray(3);
  };
  it('int64 edge values convert as Number(BigInt) does', () => {
    const vals = [0n, 1n, -1n, 2n ** 53n - 1n, -(2n ** 53n), 2n ** 32n, -(2n ** 32n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 123456789012n];
    const bytes = unaligned(BigInt64Array.from(vals));
    const t = new Tensor('int64', [vals.length], { kind: 'raw', bytes });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(t.toNumbers()).toEqual(vals.map((_, i) => Number(view.getBigInt64(i * 8, true))));
    expect(t.toNumbers().slice(0, 7)).toEqual([0, 1, -1, 2 ** 53 - 1, -(2 ** 53), 2 ** 32, -(2 ** 32) - 1]);
  });
  it('int32 and float32 at an odd offset', () => {
    const ints = unaligned(new Int32Array([0, -1, 2147483647, -2147483648, 12345]));
    const floats = unaligned(new Float32Array([1.5, -2.25, 3.4028234663852886e38, 1e-45, -0, 0.1]));
    const iv = new DataView(ints.buffer, ints.byteOffset);
    const fv = new DataView(floats.buffer, floats.byteOffset);
    expect(new Tensor('int32', [5], { kind: 'raw', bytes: ints }).toNumbers()).toEqual([0, 1, 2, 3, 4].map((i) => iv.getInt32(i * 4, true)));
    expect(new Tensor('float32', [6], { kind: 'raw', bytes: floats }).toNumbers()).toEqual([0, 1, 2, 3, 4, 5].map((i) => fv.getFloat32(i * 4, true)));
  });
});

describe('topological order', () => {
  it('keeps a sorted file as it is and sorts an unsorted one', () => {
    const g = relu2();
    expect(topoOrder(g).map((n) => n.name)).toEqual(['a', 'b']);
    g.nodes = [...g.nodes].reverse();
    expect(topoOrder(g).map((n) => n.name)).toEqual(['a', 'b']);
  });
});

describe('editing the node list', () => {
  it('removed nodes leave the list, the index and the consumers; re-adding and inserting keep positions', () => {
    const g = new Graph();
    g.addGraphInput('x');
    const a = g.addNode(new Node('Relu', 'a', ['x'], ['va']));
    const b = g.addNode(new Node('Relu', 'b', ['va'], ['vb']));
    const c = g.addNode(new Node('Relu', 'c', ['va'], ['vc']));
    const d = g.addNode(new Node('Relu', 'd', ['vc'], ['vd']));
    const list = g.nodes;
    expect(g.consumers('va')).toEqual([b, c]);
    g.removeNode(b);
    g.removeNode(new Node('Relu', 'elsewhere', ['x'], ['y']));
    g.removeNode(b);
    // An array read before the removal is left as it was; the graph's list is new.
    expect(list.map((n) => n.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(g.nodes.map((n) => n.name)).toEqual(['a', 'c', 'd']);
    expect(g.consumers('va')).toEqual([c]);
    expect(g.producer('vb')).toBeUndefined();
    expect(c.position).toBe(1);
    g.removeNode(c);
    g.addNode(c, 1);
    expect(g.nodes.map((n) => n.name)).toEqual(['a', 'c', 'd']);
    g.removeNode(d);
    const e = g.addNode(new Node('Relu', 'e', ['vc'], ['ve']));
    expect(g.nodes).toEqual([a, c, e]);
  });

  it('replaced nodes give their place, that of the first in node order, to the new ones', () => {
    const g = new Graph();
    g.addGraphInput('x');
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const [a, b, c, d, e, f] = names.map((n, i) => g.addNode(new Node('Relu', n, [i ? names[i - 1]! : 'x'], [n])));
    const p = new Node('Relu', 'p', ['x'], ['p']);
    const q = new Node('Relu', 'q', ['p'], ['q']);
    // given out of order: p and q go where b stands
    g.replaceNodes([d, b], [p, q]);
    const r = new Node('Relu', 'r', ['q'], ['r']);
    g.replaceNodes([f], [r]);
    // a node added by a replacement not yet applied can itself be replaced
    const s = new Node('Relu', 's', ['p'], ['s']);
    g.replaceNodes([q], [s]);
    expect(g.values.has('s') && g.values.has('r')).toBe(true);
    expect(g.nodes.map((n) => n.name)).toEqual(['a', 'p', 's', 'c', 'e', 'r']);
    expect(g.nodes).toEqual([a, p, s, c, e, r]);
    expect(g.consumers('p')).toEqual([s]);
    expect(g.producer('d')).toBeUndefined();
    // names: those in use and those added since the first ask are taken, whatever the list holds
    expect(g.uniqueNodeName('c')).toBe('c_1');
    expect(g.uniqueNodeName('t')).toBe('t');
    g.replaceNodes([c], [new Node('Relu', 't', ['p'], ['t'])]);
    expect(g.uniqueNodeName('t')).toBe('t_1');
    g.addNode(new Node('Relu', 't_1', ['t'], ['t_1']));
    expect(g.uniqueNodeName('t')).toBe('t_2');
    expect(() => g.replaceNodes([], [b!, d!, f!])).toThrow(/no node to replace/);
    g.replaceNodes([e!], [new Node('Relu', 'u', ['c'], ['u'])]);
    expect(() => g.replaceNodes([e!], [new Node('Relu', 'w', ['c'], ['w'])])).toThrow("replaceNodes: Relu 'e' was already removed");
  });
});

describe('the validator names what is wrong', () => {
  it('a value defined twice', () => {
    const g = relu2();
    g.addNode(new Node('Sigmoid', 'c', ['x'], ['y']));
    expect(() => validate(g)).toThrow("value 'y' is defined twice: by Relu 'a' and by Sigmoid 'c'");
  });

  it('two nodes with one name', () => {
    const g = relu2();
    g.nodes[1]!.name = 'a';
    expect(findProblems(g)).toContain("two nodes are named 'a' (Relu and Relu)");
  });

  it('a declared type that the producer contradicts', () => {
    const g = relu2();
    g.value('y').declared = { dtype: 'float16', shape: [1, 4] };
    inferShapes(g);
    expect(() => validate(g, 'after pass X')).toThrow("after pass X: value 'y' is declared float16 but Relu 'a' produces float32");
  });

  it('inputs of different types to one element-wise op', () => {
    const g = relu2();
    g.setInitializer('k', Tensor.fromArray('int64', [1], new BigInt64Array([2n])));
    g.addNode(new Node('Add', 'add', ['z', 'k'], ['w']));
    g.setGraphOutputs(['w']);
    expect(() => inferShapes(g)).toThrow("Error in Add 'add': input types differ (float32 vs int64)");
  });

  it('a cycle, with the loop spelled out', () => {
    const g = relu2();
    g.setInput(g.nodes[0]!, 0, 'z');
    expect(() => validate(g)).toThrow(/graph has a cycle: (Relu 'a' → Relu 'b' → Relu 'a'|Relu 'b' → Relu 'a' → Relu 'b')$/);
  });
});
