/**
 * The lab's child process: onnxruntime-web fixes its thread count per process, so src/lab/run.ts
 * runs each further ort-wasm thread count here (`node dist/lab-child.js '<job as JSON>'`). The job
 * is `{ ids, setting, quick?, budgetMs? }`; the setting's result goes to stdout as JSON, a failure
 * to stderr in one line with exit status 1. Its own entry, so the library does not depend on the
 * CLI's flags.
 */
import './host-node.js';
import { findExperiments, runSetting, type LabSetting } from './lab/index.js';

interface Job {
  ids: string[];
  setting: LabSetting;
  quick?: boolean;
  budgetMs?: number;
}

try {
  const job = JSON.parse(process.argv[2] ?? '') as Job;
  const result = await runSetting(findExperiments(job.ids), job.setting, { ...(job.quick ? { quick: true } : {}), ...(job.budgetMs ? { budgetMs: job.budgetMs } : {}) });
  process.stdout.write(JSON.stringify(result));
} catch (e) {
  process.stderr.write(`leannet lab (child): ${(e as Error).message}\n`);
  process.exitCode = 1;
}
