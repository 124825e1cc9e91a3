import { QueryResult } from './result';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Rows as a table, JSON (an array of row objects) or CSV (RFC 4180). */
export function formatResult(result: Pick<QueryResult, 'columns' | 'rows'>, format: Format, maxCellWidth = 80): string {
  if (format === 'json') return JSON.stringify(result.rows, null, 2);
  if (format === 'csv') {
    const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return [result.columns.map(quote).join(','), ...result.rows.map((row) => result.columns.map((c) => quote(text(row[c]))).join(','))].join('\n');
  }
  const cell = (v: unknown) => {
    const t = text(v).replace(/\s+/g, ' ');
    return t.length > maxCellWidth ? `${t.slice(0, maxCellWidth - 1)}…` : t;
  };
  const cells = result.rows.map((row) => result.columns.map((c) => cell(row[c])));
  const widths = result.columns.map((c, i) => cells.reduce((w, r) => Math.max(w, r[i].length), c.length));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(result.columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
