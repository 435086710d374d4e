/** Reports: terminal tables, JSON documents. */
export { analyzeTable, totalsBlock, type AnalyzeTableOptions } from './analyze-table.js';
export { analyzeJson, byOp, ANALYZE_SCHEMA, CONVENTIONS, type AnalyzeJsonOptions } from './analyze-json.js';
export { si, grouped, pct, bytes, shapeText, ms } from './format.js';
export { c, setColor, table } from './style.js';
export { benchReport, compareReport, verifyReport, setupLine } from './measure.js';
export { profileReport } from './profile.js';
export { rewriteReport } from './rewrite.js';
export { lintReport } from './lint.js';
export { labReport, experimentTable } from './lab.js';
export { labHtml } from './lab-html.js';
export { evalReport, agreementTable, proportionText, snrText } from './eval.js';
export { evalJson, agreementJson, jsonNumber, EVAL_SCHEMA } from './eval-json.js';
export { chartLibrary } from './lab-html.js';
export * from './html/index.js';
export { diffReport } from './diff-table.js';
export { diffModels, diffJson, matchNodes, DIFF_SCHEMA, type DiffResult, type DiffNode, type DiffStatus, type DiffTotals } from './diff.js';
export { predictReport, predictJson, type PredictResult } from './predict.js';
