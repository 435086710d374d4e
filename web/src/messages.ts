/** The messages between the page (main.ts) and its worker (worker.ts). Models travel as transferred ArrayBuffers, never over a network. */
import type { BenchResult, CompareResult } from '../../src/core.js';

export type Slot = 'a' | 'b';
export type Backend = 'wasm' | 'webgpu';

export type Request =
  | { type: 'open'; id: number; slot: Slot; name: string; bytes: ArrayBuffer; ridge?: number }
  | { type: 'zoo'; id: number; slot: Slot; network: string; ridge?: number }
  | { type: 'measure'; id: number; slot: Slot; backend: Backend; budgetMs: number }
  | { type: 'compare'; id: number; backend: Backend; budgetMs: number }
  | { type: 'backends'; id: number };

/** What one analysis gives the page: the totals of `leannet analyze`, the lint summary and the report page. */
export interface Analyzed {
  name: string;
  totals: { params: number; buffers: number; madds: number; flops: number; memAccess: number; nodes: number };
  lint: { findings: number; summary: string };
  html: string;
  ms: { decode: number; analyze: number; lint: number; page: number };
}

export type Reply =
  | { type: 'progress'; id: number; text: string }
  | { type: 'error'; id: number; message: string }
  | { type: 'analyzed'; id: number; slot: Slot; result: Analyzed }
  | { type: 'measured'; id: number; slot: Slot; result: BenchResult }
  | { type: 'compared'; id: number; result: CompareResult }
  | { type: 'backends'; id: number; backends: Backend[]; networks: { name: string; title: string }[] };
