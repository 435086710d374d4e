/**
 * Files on disk: read a model (and its external data, resolved inside the model's folder only),
 * write a model atomically (temporary files renamed into place; the input is never touched).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError, UsageError } from '../../errors.js';
import { host } from '../../host.js';
import type { Graph } from '../../ir/index.js';
import { writeFilesAtomic, type OutputFile } from './files.js';
import { readOnnx, writeOnnx, type ExternalResolver, type WriteOptions } from '../onnx/index.js';

/** Read an ONNX file. External data is checked now (path, existence, size) and read when used. */
export function loadOnnx(file: string): Graph {
  let bytes: Uint8Array;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new UsageError(`${file}: not a file`);
    bytes = host.readFile(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? (e as Error).message})`);
  }
  return readOnnx(bytes, { source: file, external: externalResolver(path.dirname(path.resolve(file)), file) });
}

/**
 * Refuse external locations that are absolute or climb out of the model's folder, before any
 * file is opened. Returns the location's path segments.
 */
export function checkExternalLocation(location: string, what: string): string[] {
  if (location.includes('\0')) throw new ModelFormatError(`${what}: external data location contains a NUL byte`);
  if (path.isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location) || location.startsWith('\\')) {
    throw new ModelFormatError(`${what}: external data location '${location}' is an absolute path; only paths inside the model's folder are allowed`);
  }
  const segments = location.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  let depth = 0;
  for (const s of segments) {
    depth += s === '..' ? -1 : 1;
    if (depth < 0) {
      throw new ModelFormatError(`${what}: external data location '${location}' leaves the model's folder`);
    }
  }
  return segments;
}

function externalResolver(dir: string, source: string): ExternalResolver {
  const realDir = fs.realpathSync(dir);
  const sizes = new Map<string, number>();
  return ({ location, offset, length, tensor }) => {
    const what = `${source}: ${tensor}`;
    const file = path.join(dir, ...checkExternalLocation(location, what));
    let size = sizes.get(file);
    if (size === undefined) {
      let real: string;
      try {
        real = fs.realpathSync(file);
        size = fs.statSync(real).size;
      } catch {
        throw new ModelFormatError(`${what}: external data file '${location}' not found next to the model`);
      }
      if (real !== realDir && !real.startsWith(realDir + path.sep)) {
        throw new ModelFormatError(`${what}: external data file '${location}' links outside the model's folder`);
      }
      sizes.set(file, size);
    }
    if (offset + length > size) {
      throw new ModelFormatError(`${what}: external data needs bytes ${offset}..${offset + length} but '${location}' has ${size}`);
    }
    // Read lazily: counting and shape inference never need the weights themselves.
    return () => {
      const buf = Buffer.allocUnsafe(length);
      const fd = fs.openSync(file, 'r');
      try {
        let at = 0;
        while (at < length) {
          const n = fs.readSync(fd, buf, at, length - at, offset + at);
          if (n === 0) throw new ModelFormatError(`${what}: external data file '${location}' ended early`);
          at += n;
        }
      } finally {
        fs.closeSync(fd);
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, length);
    };
  };
}

export interface SaveOptions {
  /** Write tensors to `<file>.data` (or the given name) next to the model. */
  external?: boolean | { location?: string; threshold?: number };
}

/** Write a model to `file` atomically: temporary files in the same folder, then renamed. */
export function saveOnnx(graph: Graph, file: string, options: SaveOptions = {}): void {
  const ext = options.external;
  const writeOpts: WriteOptions = {};
  if (ext) {
    const location = (typeof ext === 'object' && ext.location) || `${path.basename(file)}.data`;
    checkExternalLocation(location, file);
    writeOpts.external = { location, ...(typeof ext === 'object' && ext.threshold !== undefined ? { threshold: ext.threshold } : {}) };
  }
  const result = writeOnnx(graph, writeOpts);
  const files: OutputFile[] = [];
  if (result.external) files.push({ file: path.join(path.dirname(path.resolve(file)), result.external.location), data: result.external.parts });
  files.push({ file, data: result.model });
  writeFilesAtomic(files);
}
