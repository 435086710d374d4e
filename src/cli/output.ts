/** Writing results: stdout for reports, stderr for progress and errors (files: formats/files.ts). */
export function printJson(doc: unknown): void {
  // Two writes: `text + '\n'` would flatten a second copy of a document that can be tens of MB.
  process.stdout.write(JSON.stringify(doc, null, 2));
  process.stdout.write('\n');
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}
