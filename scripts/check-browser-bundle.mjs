// The core bundles for the browser: esbuild bundles an entry with platform 'browser' and every
// import of a Node built-in (fs, node:path, …) or a native package (onnxruntime-node, sharp) is
// recorded with the chain of files that reached it. `node scripts/check-browser-bundle.mjs [entry]`
// exits 1 and names each one; `npm test` runs it on src/core.ts (test/core-bundle.test.ts).
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Packages that load a native addon or exist only for Node. */
export const NATIVE = ['onnxruntime-node', 'sharp'];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function forbidden(spec) {
  if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0])) return 'Node built-in';
  const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  if (NATIVE.includes(pkg)) return 'native package';
  return undefined;
}

/**
 * Bundle `entry` for the browser (nothing written). Returns the offending imports, each
 * `{ spec, kind, importer, chain }` (chain: the files from the entry to the importer), the
 * bundle's size in bytes and its code (ESM); an empty `offenders` list means the entry runs in a browser.
 */
export async function checkBrowserBundle(entry = path.join(root, 'src/core.ts')) {
  const offenders = [];
  const plugin = {
    name: 'no-node',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'no-node') return undefined;
        const kind = forbidden(args.path);
        if (!kind) return undefined;
        if (kind === 'Node built-in') {
          // A package may map the built-in away for browsers ("browser": {"fs": false}, as protobufjs does): allowed.
          const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'no-node' });
          if (r.errors.length === 0 && !r.external) return undefined;
        }
        offenders.push({ spec: args.path, kind, importer: path.relative(root, args.importer) });
        return { path: args.path, external: true };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true,
    logLevel: 'silent', plugins: [plugin], outfile: 'core.js', absWorkingDir: root,
  });
  // Who imports whom, to name the path from the entry to each offender.
  const parents = new Map();
  for (const [file, info] of Object.entries(result.metafile.inputs)) {
    for (const imp of info.imports) if (!imp.external && !parents.has(imp.path)) parents.set(imp.path, file);
  }
  for (const o of offenders) {
    const chain = [o.importer];
    for (let f = parents.get(o.importer); f && !chain.includes(f); f = parents.get(f)) chain.unshift(f);
    o.chain = chain;
  }
  const bytes = result.outputFiles.reduce((s, f) => s + f.contents.length, 0);
  return { offenders, bytes, code: result.outputFiles[0].text };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = path.resolve(process.argv[2] ?? path.join(root, 'src/core.ts'));
  try {
    const { offenders, bytes } = await checkBrowserBundle(entry);
    if (offenders.length) {
      process.stderr.write(`${path.relative(root, entry)} does not bundle for the browser: ${offenders.length} Node-only import(s)\n`);
      for (const o of offenders) process.stderr.write(`  ${o.spec} (${o.kind}) in ${o.chain.join(' → ')}\n`);
      process.exit(1);
    }
    process.stdout.write(`${path.relative(root, entry)} bundles for the browser (${(bytes / 1024).toFixed(0)} KiB, no Node built-ins or native packages)\n`);
  } catch (e) {
    process.stderr.write(`${path.relative(root, entry)}: ${e.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
