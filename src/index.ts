/**
 * leannet's public face. The CLI, bench/, fuzz/, scripts/ and the tests import only from here
 * (the browser viewer from ./core.ts). An explicit list, never `export *`: what those use, the
 * extension points (registerOp, registerModelSource, registerEngine), the matchers and typed
 * pass references of src/patterns, the JSON documents' builders and schema ids, and the types
 * of everything they take and return. Adding a name here is a decision; see the README's
 * "Library" section. test/public-api.test.ts checks that every name the scripts use is here.
 */

// Node's host for the core (files, machine description): src/host.ts's defaults are a browser's.
import './host-node.js';
export { host, setHost, type Host, type Machine } from './host.js';

// Errors: one class per kind of failure.
export {
  DataError, EngineError, OutputError, ShapeInferenceError, UnsupportedOpError, UsageError, GraphError, LeannetError, ModelFormatError
} from './errors.js';

// The Graph IR.
export {
  Graph, Node, Tensor, float, int, ints, findProblems, float32ToFloat16, floatToHalf, parseShapeText, topoOrder, validate, Value, type DType, type Dim, type Shape,
  type TensorSource, type ValueField, type Attribute, type TypeInfo, type ModelMeta
} from './ir/index.js';

// Op definitions, registry and shape inference.
export {
  bindInputs, convGeometry, inferShapes, inferenceCount, opOf, parseConv, knownOps, registerOp, resolveOp, type InferReport, type BindOptions, type ConvAttrs,
  type ConvGeometry, type Window, type WindowAttrs, type AutoPad, type OpDef, type OpCategory, type OutputInfo, type InferContext, type WorkContext,
  type Work, type ConvKind
} from './ops/index.js';

// ONNX reading and writing.
export {
  checkOutputFile, checkOutputFolder, writeFilesAtomic, type OutputFile
} from './formats/node/index.js';
export {
  decodeModel, decodeModelBytes, encodeModel, graphFromModel, readOnnx, writeOnnx, type ReadOptions, type WriteOptions, type WriteResult
} from './formats/onnx/index.js';
export { loadOnnx, saveOnnx, checkExternalLocation, type SaveOptions } from './formats/node/index.js';
export {
  type GraphModelJson, type TfjsWeightGroup, type TfjsWeightSpec
} from './formats/tfjs/index.js';
export { loadTfjs, readTfjsJson, isTfjsPath, type TfjsReadOptions } from './formats/node/index.js';

// Real data: IDX, npy/npz, image folders; preprocessing; batches streamed.
export {
  labelsFromMetadata, openDataset, parsePreprocess, preprocessFromMetadata, resolvePreprocess, sliceDataset, type DataTensor, type Batch,
  type Dataset, type BatchOptions, type DataOptions, type Preprocess, type FullPreprocess, type NdArray, type ArrayDType, type RawImage
} from './data/index.js';

// The cost model.
export {
  activationMemory, costModel, nodeCost, type ModelCost, type CostTotals, type KindBreakdown, type NodeCost, type WeightRole, type ActivationMemory
} from './cost/index.js';

// Opening models by name, and analysis (shapes + costs) in one call.
export {
  analyzeGraph, openModel, registerModelSource, type Analysis, type ModelSource
} from './analysis/index.js';

// Reports: terminal tables and JSON documents.
export {
  analyzeJson, analyzeTable, benchJson, benchReport, bytes, c, chartLibrary, compareJson, compareReport, compressHtml, compressReport, frontChartSpec, predictJson, predictReport, type PredictResult, diffHtml, diffJson, diffModels, diffReport,
  dynamicNodes, evalJson, evalReport, labHtml, labJson, labReport, layoutGraph, lintJson, lintReport, pct, profileJson, profileReport, reportData,
  reportHtml, rewriteJson, rewriteReport, scriptJson, segments, setupLine, si, table, verifyJson, verifyReport, ANALYZE_SCHEMA, BENCH_SCHEMA,
  COMPARE_SCHEMA, CONVENTIONS, DIFF_SCHEMA, EVAL_SCHEMA, LAB_SCHEMA, LINT_SCHEMA, PROFILE_SCHEMA, REWRITE_SCHEMA, VERIFY_SCHEMA, agreementJson, byOp,
  grouped, jsonNumber, matchNodes, ms, setColor, shapeText, type AnalyzeTableOptions, type AnalyzeJsonOptions, type DiffResult, type DiffNode,
  type DiffStatus, type DiffTotals, type LayoutBox, type LayoutInput, type LayoutOptions, type ReportData, type ReportDataOptions, type GraphView,
  type NodeExtra, type Layer, type PageDoc, zooListJson, zooListReport, ZOO_LIST_SCHEMA, type ZooListRow
} from './report/index.js';

// The network builder and the reference networks.
export {
  Builder, NETWORKS, buildFromSpec, buildNetwork, findNetwork, layers, parseOptions, type T, type BuilderOptions, type Init,
  type NetworkDef, type NetOptions, type OptionSpec
} from './zoo/index.js';

// Engines and measurement: bench, compare, verify, profile.
export {
  OPT_LEVELS, bench, compare, compareOutcome, compareTensors, createEngine, engineNames, enginesFor, environment, loadTfjsReference, medianInterval,
  prepareGraph, prepareModel, profile, registerEngine, summarize, timeRuns, verdictLine, verifyModels, DEFAULT_TOLERANCE, describeEngines, quantile,
  seededInputs, seededTensor, type Engine, type EngineFactory, type EngineInfo, type EngineInput, type EngineOptions, type Feeds, type HostTensor,
  type LoadOptions, type ModelBytes, type OptLevel, type Session, type PreparedModel, type BenchOptions, type BenchResult, type CompareOptions,
  type CompareResult, type Outcome, type Tolerance, type OutputComparison, type VerifyResult, type ProfileResult, type ProfileRow,
  type ProfileOptions, type NodeStatus, type Accounting, type Stats, type Environment, type TfjsBackend, type TfjsModel
} from './engine/index.js';

// Measurements on real data: accuracy, agreement, eval.
export {
  AccuracyAccumulator, AgreementAccumulator, IoUAccumulator, SignalAccumulator, checkBatchFits, evaluate, ReferenceRuns, firstBatchFeeds, klDivergence, planBatches,
  verifyOnData, wilson, type Proportion, type ClassRow, type AccuracyResult, type ClassAgreement, type SignalResult, type IoUResult,
  type NumericArray, type BatchPlan, type BatchLike, type DatasetLike, type DataTensorLike, type OutputAgreement, type EvalOptions, type EvalResult,
  type EvalTiming, type DataVerifyResult
} from './measure/index.js';
// Calibration: activations, least squares, conv fits to real data.
export {
  Calibration, NormalEquations, calibrationBatches, captureValues, fitConv, type Activation, type CaptureRequest, type ConvFit, type FitConvOptions,
  type CalibrationOptions, type LayerFit, type SplitActivation, type CalibrationBatches
} from './calibrate/index.js';

// The one matcher behind a lint finding and the pass that fixes it.
export {
  PASS_REFS, PASS_REF_IDS, matchDwsep, matchFoldBn, matchGroup, matchMergeParallel, matchReparam, type PassRef, type FoldBnMatch, type ReparamMatch,
  type ReparamBranch, type MergeParallelMatch, type ConvMatch, type GroupMatch
} from './patterns/index.js';

// Structural rewrite passes.
export {
  PASSES, findDependencies, findPass, keptWidth, nameFilter, parsePassSpecs, runPasses, topChannels, foldBn, energyScores, convEnergies, type PassSpec, type PassReport,
  type RewriteOptions, type Pass, type PassContext, type PassParams, type Change, type RefitTarget, type ChannelGroup, type Dependencies,
  type Criterion
} from './rewrite/index.js';
export { rewriteModel, checkOutputPath, writeRewritten, EXACT_TOLERANCE, type RewriteResult, type RewriteRunOptions } from './rewrite-run/index.js';
export { candidatesOf, chooseChanges, type Candidate, type KeepOptions, type KeepResult, type Score, type BuildWith } from './rewrite-run/index.js';

// Lint rules and SARIF.
export {
  RULES, SEVERITIES, applyFlags, defaultConfig, forkJoinBlocks, lint, measuredFromProfile, meetsSeverity, toSarif, severityOf, type LintOptions,
  type LintResult, type LintConfig, type RuleConfig, type RuleFlags, type Block, type Finding, type Rule, type Severity, type Saving,
  type LintContext
} from './lint/index.js';
export { applyConfigFile } from './lint/config-file.js';
export { machineRidge, measureRidge, type Ridge } from './engine/index.js';

// The guideline lab.
export {
  EXPERIMENTS, TABLE1_G1, atLeast, compared, exportConfigs, g1Widths, g2Widths, runLab, runSetting, TABLE2_G2, TABLE3_G3, TABLE4_G4, findExperiments,
  majority, measureColumn, type LabResult, type LabSetting, type SettingResult, type ExperimentResult, type ColumnResult, type LabOptions,
  type Experiment, type LabConfig, type RowResult, type Claim
} from './lab/index.js';

// compress: NetAdapt-style search to a latency / madds / params budget.
export {
  compress, describeTarget, explainChange, goalOf, maddsLatency, measuredLatency, paretoFront, parseTarget, predictedLatency, SCHEDULE_DEFAULTS, stepTarget,
  type CompressLog, type CompressOptions, type CompressProgress, type CompressResult, type Explanation, type FrontPoint,
  type LatencyEstimator, type LayerChange, type MeasuredLatencyOptions, type Proposal, type ScheduleOptions, type StepLog,
  type Target, type TargetMetric,
} from './compress/index.js';

// The latency model (predicted time per run on this machine and engine).
export {
  createLatencyModel, lastLevelCache, cacheSize, LatencyModel, latencyCacheKey, latencyCacheDir, LATENCY_MODEL_VERSION, extractKernels, signature, sampleKernels,
  measureOverhead, measureResidency, type LatencyModelOptions, type LatencyPrediction, type PredictedKernel, type LatencySettings, type Kernel, type KernelInput,
  type KernelList, type KernelTime, type Overhead, type SampleOptions,
  atSpeed, SpeedProbe, SpeedProbes, probeModel, medianReading, checkPrediction, measureProbed, relativeRuns, type ProbedRuns, type SpeedCorrected, type ProbeKind, type ProbeTime, type ProbeReading, type ProbeClass, type PredictionCheck,
} from './predict/index.js';
