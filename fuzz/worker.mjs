/**
 * The fuzzer's in-process worker (a forked child): runs leannet's real CLI entry (`main` from
 * dist/cli/main.js, what bin/leannet.js calls) on one mutant file per message, capturing stdout,
 * stderr and the exit code main returns. Much faster than a process per command; the parent
 * confirms anything suspicious (a crash, a slow run, a high peak RSS, this worker dying) in a
 * fresh `node bin/leannet.js` process, which is the honest check.
 */
import { main } from '../dist/cli/main.js';

const out = process.stdout;
const err = process.stderr;
const realOut = out.write;
const realErr = err.write;

async function runOne(argv) {
  let stdout = '';
  let stderr = '';
  out.write = (chunk, enc, cb) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  err.write = (chunk, enc, cb) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  const outListeners = out.listeners('error');
  const errListeners = err.listeners('error');
  process.exitCode = undefined;
  const t0 = performance.now();
  let code;
  try {
    code = await main(['node', 'leannet', ...argv]);
  } catch (e) {
    // main never throws; if it does, that is a crash, reported as a process would show it.
    stderr += `${e?.stack ?? e}\n`;
    code = 1000;
  } finally {
    out.write = realOut;
    err.write = realErr;
    // main adds an 'error' listener per call; drop them so they do not pile up.
    for (const l of out.listeners('error')) if (!outListeners.includes(l)) out.off('error', l);
    for (const l of err.listeners('error')) if (!errListeners.includes(l)) err.off('error', l);
    process.exitCode = undefined;
  }
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

process.on('message', async (msg) => {
  const results = [];
  for (const argv of msg.commands) results.push(await runOne(argv));
  process.send({ id: msg.id, results, maxRSS: process.resourceUsage().maxRSS * 1024 });
});
process.send({ ready: true, maxRSS: process.resourceUsage().maxRSS * 1024 });
