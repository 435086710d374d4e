/**
 * The `leannet eval --json` document. Its schema is `schemas/eval.schema.json`; fields are only
 * added, never renamed, within one `schema` version. JSON has no Infinity or NaN: an SNR of
 * identical outputs is the string "Infinity", a share with nothing to divide (a class with no
 * samples) is null.
 */
import type { EvalResult, OutputAgreement } from '../measure/index.js';

export const EVAL_SCHEMA = 'leannet.eval/1';

/** +Infinity → "Infinity", NaN → null, anything else as it is. */
export function jsonNumber(x: number): number | string | null {
  return x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : Number.isNaN(x) ? null : x;
}

export function evalJson(r: EvalResult) {
  return {
    schema: EVAL_SCHEMA,
    ...r,
    ...(r.accuracy
      ? { accuracy: { ...r.accuracy, perClass: r.accuracy.perClass.map((c) => ({ ...c, recall: jsonNumber(c.recall), precision: jsonNumber(c.precision) })) } }
      : {}),
    ...(r.agreement ? { agreement: agreementJson(r.agreement) } : {}),
  };
}

/** Agreement figures (eval with a reference, verify --data) with JSON-safe numbers. */
export function agreementJson(list: readonly OutputAgreement[]) {
  return list.map((a) => ({
    ...a,
    cosine: jsonNumber(a.cosine),
    snrDb: jsonNumber(a.snrDb),
    maxAbs: jsonNumber(a.maxAbs),
    ...(a.classes ? { classes: { ...a.classes, meanKL: jsonNumber(a.classes.meanKL), maxKL: jsonNumber(a.classes.maxKL) } } : {}),
  }));
}
