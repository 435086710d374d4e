/** Real data into rewrites: capture activations, least squares, fit conv weights to the original network. */
export { captureValues, captureModel, samplePositions, subsample, type Activation, type CaptureRequest } from './capture.js';
export { NormalEquations, cholesky } from './lstsq.js';
export { fitConv, type ConvFit, type FitConvOptions } from './fit-conv.js';
export { Calibration, type CalibrationOptions, type LayerFit, type SplitActivation } from './calibration.js';
export { calibrationBatches, type CalibrationBatches } from './batches.js';
