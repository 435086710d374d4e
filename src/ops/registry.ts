/**
 * The op table (STYLE.md #1, #2): definitions keyed by domain + op type; a node binds to the
 * newest definition whose `since` is ≤ the model's opset for that domain.
 */
import { binaryOps } from './binary.js';
import { concatSplitOps } from './concat-split.js';
import { constantOps } from './constant.js';
import { convTranspose } from './conv-transpose.js';
import { convOps } from './conv.js';
import { gemmOps } from './gemm.js';
import { miscOps } from './misc.js';
import { normOps } from './norm.js';
import { padResizeOps } from './pad-resize.js';
import { poolOps } from './pool.js';
import { quantOps } from './quant.js';
import { reshapeOps } from './reshape.js';
import { sliceOps } from './slice.js';
import type { OpDef } from './types.js';
import { unaryOps } from './unary.js';

const table = new Map<string, OpDef<unknown>[]>();

const key = (domain: string, opType: string) => `${domain === 'ai.onnx' ? '' : domain}::${opType}`;

/** Add a definition (later registrations of the same domain, type and `since` replace earlier ones). */
export function registerOp(def: OpDef<any>): void {
  const k = key(def.domain ?? '', def.opType);
  const list = (table.get(k) ?? []).filter((d) => d.since !== def.since);
  list.push(def);
  list.sort((a, b) => a.since - b.since);
  table.set(k, list);
}

/** The definition for a node's op at the model's opset, or undefined when leannet does not know it. */
export function resolveOp(domain: string, opType: string, opset: number): OpDef<unknown> | undefined {
  const list = table.get(key(domain, opType));
  if (!list) return undefined;
  let found: OpDef<unknown> | undefined;
  for (const d of list) if (d.since <= opset) found = d;
  // A node older than every definition (opset below `since`) still binds to the oldest one.
  return found ?? list[0];
}

/** Every registered op as `domain::OpType` (domain empty for ai.onnx). */
export function knownOps(): string[] {
  return [...table.keys()].sort();
}

for (const def of [
  ...convOps, convTranspose, ...gemmOps, ...normOps, ...unaryOps, ...binaryOps, ...concatSplitOps,
  ...reshapeOps, ...sliceOps, ...padResizeOps, ...poolOps, ...constantOps, ...quantOps, ...miscOps,
]) {
  registerOp(def);
}
