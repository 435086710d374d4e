/** The Graph IR's own guarantees: lazy tensor views, topological order, and what the validator catches. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Graph, Node, Tensor, findProblems, inferShapes, readOnnx, topoOrder, validate } from '../src/index.js';
import { sharedModel } from './helpers/models.js';

function relu2(): Graph {
  const g = new Graph();
  g.opsets.set('', 13);
  g.inputs.push('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 4] };
  g.addNode(new Node('Relu', 'a', ['x'], ['y']));
  g.addNode(new Node('Relu', 'b', ['y'], ['z']));
  g.outputs.push('z');
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

describe('topological order', () => {
  it('keeps a sorted file as it is and sorts an unsorted one', () => {
    const g = relu2();
    expect(topoOrder(g).map((n) => n.name)).toEqual(['a', 'b']);
    g.nodes.reverse();
    expect(topoOrder(g).map((n) => n.name)).toEqual(['a', 'b']);
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
    g.outputs = ['w'];
    expect(() => inferShapes(g)).toThrow("Error in Add 'add': input types differ (float32 vs int64)");
  });

  it('a cycle, with the loop spelled out', () => {
    const g = relu2();
    g.nodes[0]!.inputs = ['z'];
    expect(() => validate(g)).toThrow(/graph has a cycle: (Relu 'a' → Relu 'b' → Relu 'a'|Relu 'b' → Relu 'a' → Relu 'b')$/);
  });
});
