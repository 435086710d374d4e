/**
 * The `--json` documents of the measuring commands: bench, compare, verify (seeded inputs or
 * --data) and profile. Their schemas are `schemas/{bench,compare,verify,profile}.schema.json`;
 * fields are only added, never renamed, within one `schema` version.
 */
import type { BenchResult, CompareResult, ProfileResult, VerifyResult } from '../engine/index.js';
import type { DataVerifyResult } from '../measure/index.js';
import { agreementJson } from './eval-json.js';

export const BENCH_SCHEMA = 'leannet.bench/1';
export const COMPARE_SCHEMA = 'leannet.compare/1';
export const VERIFY_SCHEMA = 'leannet.verify/1';
export const PROFILE_SCHEMA = 'leannet.profile/1';

/** Every model's distribution, each with its timed runs in order (`times`, ms) last. */
export function benchJson(results: readonly BenchResult[]) {
  return { schema: BENCH_SCHEMA, results: results.map(({ times, ...r }) => ({ ...r, times })) };
}

export function compareJson(r: CompareResult) {
  return { schema: COMPARE_SCHEMA, ...r };
}

/** Seeded inputs, or with --data every sample with agreement figures (JSON-safe numbers). */
export function verifyJson(r: VerifyResult | DataVerifyResult) {
  return 'agreement' in r ? { schema: VERIFY_SCHEMA, ...r, agreement: agreementJson(r.agreement) } : { schema: VERIFY_SCHEMA, ...r };
}

export function profileJson(r: ProfileResult) {
  return { schema: PROFILE_SCHEMA, ...r };
}
