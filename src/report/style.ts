/** Colours (picocolors, off when not a TTY or NO_COLOR is set) and the table style every report uses. */
import pc from 'picocolors';
import Table from 'cli-table3';

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

/** A borderless table with right-aligned numeric columns. */
export function table(head: string[], align: ('left' | 'right')[]): Table.Table {
  return new Table({
    head: head.map((h) => c.bold(h)),
    colAligns: align,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
    },
  });
}
