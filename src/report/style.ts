/** Colours (picocolors' codes, on only for a terminal) and the table style every report uses. */
import pc from 'picocolors';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import textTable from 'text-table';

/**
 * Whether output written to `stream` should carry colour codes: never with NO_COLOR set and not
 * empty (no-color.org), always with FORCE_COLOR set to anything but '0' or 'false', else only when
 * the stream is a terminal other than TERM=dumb. picocolors' own test also turns colour on whenever
 * `CI` is set, which wrote escape codes into files and pipes on CI machines; leannet asks the stream.
 */
export function colorWanted(env: Record<string, string | undefined>, stream: { isTTY?: boolean } | undefined): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream?.isTTY === true && env['TERM'] !== 'dumb';
}

let enabled = colorWanted(process.env, process.stdout);

export function setColor(on: boolean): void {
  enabled = on;
}

/** The codes themselves, whatever picocolors guessed about this process. */
const codes = pc.createColors(true);
const wrap = (f: (s: string) => string) => (s: string) => (enabled ? f(s) : s);

export const c = {
  bold: wrap(codes.bold),
  dim: wrap(codes.dim),
  red: wrap(codes.red),
  green: wrap(codes.green),
  yellow: wrap(codes.yellow),
  cyan: wrap(codes.cyan),
};

/**
 * Display width of a cell: colour codes take no columns, East Asian wide characters two.
 * A per-layer table of a large model has tens of thousands of cells and string-width costs ~2 µs
 * a call, so strings of the characters every report uses (printable ASCII, Latin, IPA, dashes
 * and quotes, arrows), all one column wide, are counted directly.
 */
export function displayWidth(text: string): number {
  const plain = text.includes('\x1b') ? stripVTControlCharacters(text) : text;
  return NARROW.test(plain) ? plain.length : stringWidth(plain);
}

/** Strings of characters one column wide each (soft hyphen and combining marks excluded). */
const NARROW = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2190-\u21ff]*$/;

/**
 * A borderless table with left- or right-aligned columns, two spaces apart, built row by row.
 * Rendering is linear in the rows (cli-table3, used before, laid out every cell against all rows
 * above it: a 4,000-node model's layer table took 7 s).
 */
export class TextTable {
  private readonly rows: string[][];

  constructor(
    head: readonly string[],
    private readonly align: readonly ('left' | 'right')[],
  ) {
    this.rows = [head.map((h) => c.bold(h))];
  }

  /** Add a row; a cell with line breaks is shown on one line. */
  push(row: readonly (string | number)[]): void {
    this.rows.push(row.map((cell) => String(cell).replace(/\r?\n/g, ' ')));
  }

  toString(): string {
    return textTable(this.rows, { align: this.align.map((a) => (a === 'right' ? 'r' : 'l')), hsep: '  ', stringLength: displayWidth });
  }
}

/** A table with the given header and column alignments. */
export function table(head: readonly string[], align: readonly ('left' | 'right')[]): TextTable {
  return new TextTable(head, align);
}
