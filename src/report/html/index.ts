/** HTML pages: the report (graph with per-node overlays, table, charts) and the diff of two models. Pure string and JSON building. */
export { layoutGraph, segments, type LayoutBox, type LayoutInput, type LayoutOptions } from './layout.js';
export { reportData, nodeExtras, graphView, dynamicNodes, type ReportData, type ReportDataOptions, type GraphView, type NodeExtra, type Layer } from './data.js';
export { pageHtml, reportDoc, reportHtml, scriptJson, type PageDoc } from './page.js';
export { diffDoc, diffHtml } from './diff-page.js';
