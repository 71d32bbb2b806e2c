import { median } from './machine';

/** One line of the table: every value measured for it, one per round. */
export interface Row {
  readonly section: string;
  readonly name: string;
  readonly unit: string;
  /** The row whose median this one is divided by in the ratio column, if any. */
  readonly reference?: Row;
  readonly results: number[];
  /** Extra facts measured with it (e.g. connections opened), printed after the ratio. */
  note?: string;
}

/** A measurement that yields one value for each of its rows per round. */
export interface Probe {
  readonly rows: readonly Row[];
  run(): Promise<readonly number[]>;
}

export function row(section: string, name: string, unit: string, reference?: Row): Row {
  return { section, name, unit, reference, results: [] };
}

/** A probe of one row. */
export function single(target: Row, measure: () => Promise<number>): Probe {
  return { rows: [target], run: async () => [await measure()] };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The table: median, lowest–highest over the rounds, unit, and the ratio to the reference row. */
export function renderTable(rows: readonly Row[]): string {
  const lines: string[][] = [['row', 'median', 'range (min–max)', 'unit', 'ratio', 'note']];
  let section = '';
  const sectionLines = new Map<number, string>();
  for (const entry of rows) {
    if (entry.results.length === 0) continue;
    if (entry.section !== section) {
      section = entry.section;
      sectionLines.set(lines.length, section);
    }
    const value = median(entry.results);
    const range = entry.results.length > 1 ? `${formatNumber(Math.min(...entry.results))}–${formatNumber(Math.max(...entry.results))}` : '';
    const reference = entry.reference && entry.reference.results.length > 0 ? median(entry.reference.results) : undefined;
    const ratio = reference ? `${(value / reference).toFixed(2)}x` : '';
    lines.push([entry.name, formatNumber(value), range, entry.unit, ratio, entry.note ?? '']);
  }
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  const align = (line: string[]): string =>
    line
      .map((cell, column) => (column === 1 || column === 2 || column === 4 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  lines.forEach((line, index) => {
    const title = sectionLines.get(index);
    if (title !== undefined) out.push(title);
    out.push(`  ${align(line)}`);
  });
  return out.join('\n');
}
