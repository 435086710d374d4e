/** TF.js graph and layers models (model.json + weight shards) read into a Graph. */
// Reading from disk (Node-only: loadTfjs, readTfjsJson, isTfjsPath) is in ../node/.
export { readGraphModel, type GraphModelJson } from './graph-model.js';
export { readLayersModel } from './layers-model.js';
export { readWeights, weightNumel, type TfjsWeightGroup, type TfjsWeightSpec } from './weights.js';
export { optimizeLayout } from './layout.js';
