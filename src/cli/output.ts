/** Writing results: stdout for reports, stderr for progress and errors; files atomically. */
import { writeFilesAtomic } from '../formats/files.js';

export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** Write a file through a temporary name in the same folder, then rename it into place. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  writeFilesAtomic([{ file, data }]);
}
