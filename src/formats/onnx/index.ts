/** ONNX: read a file or bytes into a Graph, write a Graph back. Protobuf stays inside this folder. */
export { readOnnx, decodeModelBytes, graphFromModel, type ReadOptions } from './read.js';
export { writeOnnx, type WriteOptions, type WriteResult } from './write.js';
export { loadOnnx, saveOnnx, checkExternalLocation, type SaveOptions } from './file.js';
export { decodeModel, encodeModel } from './proto.js';
