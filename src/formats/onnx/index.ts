/** ONNX: decode bytes into a Graph, encode a Graph back. Protobuf stays inside this folder. Files (Node only): ../node/. */
export { readOnnx, decodeModelBytes, graphFromModel, type ReadOptions } from './read.js';
export { writeOnnx, type WriteOptions, type WriteResult } from './write.js';
export { decodeModel, encodeModel } from './proto.js';
export type { ExternalResolver } from './tensor-proto.js';
