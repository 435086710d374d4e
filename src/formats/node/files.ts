/**
 * Output files, whatever their format: checked before the work that produces them, written
 * atomically (each to a temporary name in its own folder, then renamed into place, so a reader
 * never sees half a file and a failure leaves nothing behind), and failures said in one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OutputError, UsageError } from '../../errors.js';

/**
 * Refuse, before any work, an output that cannot be written: a folder, a device or pipe, a file
 * in a folder that does not exist or is not writable. `what` names it as the user gave it
 * (`-o out.onnx`).
 */
export function checkOutputFile(file: string, what = file): void {
  const target = path.resolve(file);
  const st = statOf(target);
  if (st?.isDirectory()) throw new UsageError(`${what}: is a folder; give the path of the file to write`);
  // Renaming over a device or a pipe would replace it with a plain file.
  if (st && !st.isFile()) throw new UsageError(`${what}: exists and is not a regular file`);
  checkFolder(path.dirname(target), what, false);
}

/** The same for an output folder, which is made (with its parents) when it does not exist. */
export function checkOutputFolder(dir: string, what = dir): void {
  const target = path.resolve(dir);
  const st = statOf(target);
  if (st && !st.isDirectory()) throw new UsageError(`${what}: is a file, not a folder`);
  // The nearest existing ancestor must be a writable folder.
  let existing = st ? target : path.dirname(target);
  while (!statOf(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  checkFolder(existing, what, true);
}

function checkFolder(dir: string, what: string, mayCreate: boolean): void {
  const st = statOf(dir);
  if (!st) throw new UsageError(`${what}: folder ${dir} does not exist`);
  if (!st.isDirectory()) throw new UsageError(`${what}: ${dir} is not a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${what}: cannot ${mayCreate ? 'create folders' : 'write files'} in ${dir} (permission denied)`);
  }
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Make a folder and its missing parents, one level at a time; a failure is one line naming it.
 * Not `mkdirSync(dir, { recursive: true })`: where a parent exists but cannot hold the child
 * (a path under /proc, a dangling symbolic link) it retries forever at full CPU.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !statOf(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statOf(d)?.isDirectory()) continue;
      throw new OutputError(`cannot create the folder ${d}: ${reason(e)}`, { cause: e });
    }
  }
}

/** One file to write: its bytes, or its parts in order (written one after another, never joined). */
export interface OutputFile {
  file: string;
  data: string | Uint8Array | readonly Uint8Array[];
}

/** Write files atomically, all or none: each through a temporary name in its folder, then renamed. */
export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const written: [string, string][] = [];
  let current = '';
  try {
    for (const { file, data } of files) {
      current = path.resolve(file);
      const tmp = path.join(path.dirname(current), `.${path.basename(current)}.${process.pid}.${Date.now()}.tmp`);
      written.push([tmp, current]);
      if (typeof data === 'string' || data instanceof Uint8Array) fs.writeFileSync(tmp, data);
      else writeParts(tmp, data);
    }
    for (const [from, to] of written) {
      current = to;
      fs.renameSync(from, to);
    }
  } catch (e) {
    for (const [from] of written) fs.rmSync(from, { force: true });
    throw new OutputError(`cannot write ${current}: ${reason(e)}`, { cause: e });
  }
}

function writeParts(file: string, parts: readonly Uint8Array[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const part of parts) fs.writeSync(fd, part);
  } finally {
    fs.closeSync(fd);
  }
}

/** `ENOSPC: no space left on device`, without the syscall and path Node appends. */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}` : String(err.message ?? e);
}
