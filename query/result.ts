/** What any engine returns: columns in order, rows as objects of JSON-safe values. */
export interface QueryResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
  /** Things the user should know: skipped files, an empty folder, data scanned. */
  readonly notes: string[];
  readonly elapsedMs: number;
}
