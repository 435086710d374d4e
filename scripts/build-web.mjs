// `npm run web:build`: the browser app (web/) bundled by esbuild into web/dist/ — the page script,
// its worker (the core: src/core.ts), index.html, Chart.js for the report pages and
// onnxruntime-web's wasm files, all served from that folder (nothing is fetched from elsewhere).
// The core is checked first: it must bundle for the browser with no Node built-in (check-browser-bundle.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { checkBrowserBundle } from './check-browser-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Build web/ into `out` (default web/dist); returns the files written with their sizes. */
export async function buildWeb(out = path.join(root, 'web', 'dist')) {
  const { offenders } = await checkBrowserBundle();
  if (offenders.length) throw new Error(`src/core.ts reaches Node-only imports: ${offenders.map((o) => `${o.spec} in ${o.importer}`).join(', ')} (node scripts/check-browser-bundle.mjs)`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'ort'), { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'web/src/main.ts', worker: 'web/src/worker.ts' },
    outdir: out,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(root, 'web', 'index.html'), path.join(out, 'index.html'));
  fs.copyFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), path.join(out, 'chart.umd.min.js'));
  // The default onnxruntime-web build (wasm + WebGPU) loads its JSEP wasm from ort.env.wasm.wasmPaths (ort/).
  const ortDist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
  for (const f of ['ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.jsep.mjs']) fs.copyFileSync(path.join(ortDist, f), path.join(out, 'ort', f));
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push({ file: path.relative(out, p), bytes: fs.statSync(p).size });
    }
  };
  walk(out);
  return { out, files };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { out, files } = await buildWeb();
    const mb = (b) => (b / 1e6).toFixed(2);
    for (const f of files.filter((f) => !f.file.endsWith('.map'))) process.stdout.write(`  ${f.file.padEnd(40)} ${mb(f.bytes).padStart(7)} MB\n`);
    process.stdout.write(`built ${path.relative(root, out)}/\n`);
  } catch (e) {
    process.stderr.write(`web:build: ${e.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
