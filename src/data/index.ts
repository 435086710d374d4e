/**
 * Real data for models: IDX (MNIST style), .npy / .npz, image files and ImageFolder-style
 * folders, turned into model-ready batches by a preprocessing rule, lazily, batch by batch.
 */
export type { DataTensor, Batch, BatchOptions, Dataset, DataOptions } from './types.js';
export {
  parsePreprocess,
  preprocessFromMetadata,
  labelsFromMetadata,
  resolvePreprocess,
  completePreprocess,
  describePreprocess,
  type Preprocess,
  type FullPreprocess,
} from './preprocess.js';
export { openDataset, readLabels } from './open.js';
export { parseIdx } from './idx.js';
export { parseNpy, parseNpz } from './npy.js';
export type { NdArray, ArrayDType } from './arrays.js';
export { writeSample, resizeBilinear, type RawImage } from './transform.js';
export { sliceDataset } from './slice.js';
