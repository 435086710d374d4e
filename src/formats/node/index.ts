/** Node's file adapters for the formats (node:fs): output files checked and written atomically, ONNX files with external data, TF.js model folders. */
export { checkOutputFile, checkOutputFolder, makeFolder, writeFilesAtomic, type OutputFile } from './files.js';
export { loadOnnx, saveOnnx, checkExternalLocation, type SaveOptions } from './onnx-file.js';
export { loadTfjs, readTfjsJson, isTfjsPath, type TfjsReadOptions } from './tfjs-file.js';
