/**
 * What the data layer hands to the rest of leannet: datasets that stream model-ready batches.
 * A batch's input is already preprocessed and laid out as the model's first input expects.
 */
import type { Preprocess } from './preprocess.js';

/** A host tensor: dtype, dims and the typed array that holds it (row-major). */
export interface DataTensor {
  dtype: 'float32' | 'uint8' | 'int64' | 'int32';
  dims: number[];
  data: Float32Array | Uint8Array | BigInt64Array | Int32Array;
}

/** Consecutive samples of a dataset, ready to feed. */
export interface Batch {
  /** [n, ...model input dims]. */
  input: DataTensor;
  /** Class index per sample, when the dataset is labelled. */
  labels?: Int32Array;
  /** Per sample: the file path, or 'file#index' for a sample inside an array file. */
  ids: string[];
  /** Index of the batch's first sample in the dataset. */
  offset: number;
}

/** How `Dataset.batches` reads: from which sample, with what progress callback. */
export interface BatchOptions {
  onProgress?: (done: number, total: number) => void;
  /** The first sample (default 0). */
  from?: number;
}

/** Samples from a file or folder, decoded lazily, batch by batch. */
export interface Dataset {
  /** One line: format, file, how many samples of what, where the labels come from. */
  description: string;
  /** Samples after --limit. */
  size: number;
  labelled: boolean;
  /** Class names: image-folder sub-folder names, or the model's metadata 'labels'. */
  classes?: string[];
  /**
   * Batches in order; the last may be smaller. `onProgress(samplesDone, size)` after each.
   * `from`: start at that sample (offsets stay the dataset's own); samples before it are not read.
   */
  batches(batchSize: number, o?: BatchOptions): AsyncIterable<Batch>;
  close?(): Promise<void>;
}

/** How to open a dataset for one model input. */
export interface DataOptions {
  /** --labels: a second IDX file or a .npy of class indices. */
  labels?: string;
  /** Take only the first N samples. */
  limit?: number;
  /** How raw images become the model's input (see resolvePreprocess). */
  preprocess: Preprocess;
  /** Model input dims without the batch dim, e.g. [1, 32, 32]. */
  inputDims: number[];
  /** The model input's dtype ('float32' when not given). */
  inputDtype?: string;
  /** The model's class names (metadata 'labels'): image sub-folders named after them take their indices. */
  modelLabels?: string[];
}
