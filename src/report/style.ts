/** Colours (picocolors, off when not a TTY or NO_COLOR is set) and the table style every report uses. */
import pc from 'picocolors';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import textTable from 'text-table';

let enabled = pc.isColorSupported;

export function setColor(on: boolean): void {
  enabled = on;
}

const wrap = (f: (s: string) => string) => (s: string) => (enabled ? f(s) : s);

export const c = {
  bold: wrap(pc.bold),
  dim: wrap(pc.dim),
  red: wrap(pc.red),
  green: wrap(pc.green),
  yellow: wrap(pc.yellow),
  cyan: wrap(pc.cyan),
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
