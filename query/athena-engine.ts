import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { sleep } from '../simulator/retry';
import { QueryResult } from './result';

/** Athena's price: $5 per TB scanned, at least 10 MB per query (https://aws.amazon.com/athena/pricing/). */
export const DOLLARS_PER_TB = 5;
const MIN_BILLED_BYTES = 10 * 1000 * 1000;

export interface AthenaQueryOptions {
  readonly workgroup: string;
  readonly database: string;
  /** Stop the query in Athena after this long. */
  readonly timeoutMs: number;
  /** Aborting (Ctrl-C) stops the query in Athena. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (state: string, elapsedMs: number) => void;
  /** First poll delay; it doubles up to 2 s. @default 250 */
  readonly pollMs?: number;
}

export function costOf(bytes: number): number {
  return (Math.max(bytes, MIN_BILLED_BYTES) / 1e12) * DOLLARS_PER_TB;
}

const NUMERIC = new Set(['tinyint', 'smallint', 'integer', 'bigint', 'double', 'float', 'real', 'decimal']);

/**
 * Runs one query in an Athena workgroup: starts it, polls with backoff, pages
 * through the results, and reports the data scanned and its cost. A timeout
 * or an abort stops the query in Athena; a failed or cancelled query throws
 * with Athena's reason.
 */
export async function runAthenaQuery(client: AthenaClient, sql: string, options: AthenaQueryOptions): Promise<QueryResult> {
  const started = Date.now();
  const { QueryExecutionId: id } = await client.send(
    new StartQueryExecutionCommand({ QueryString: sql, WorkGroup: options.workgroup, QueryExecutionContext: { Database: options.database } }),
  );
  if (!id) throw new Error('Athena did not return a query execution id');
  const stop = async (why: string) => {
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
    return new Error(`${why}; stopped query ${id} in Athena`);
  };

  let execution: QueryExecution | undefined;
  for (let delay = options.pollMs ?? 250; ; delay = Math.min(delay * 2, 2000)) {
    if (options.signal?.aborted) throw await stop('interrupted');
    if (Date.now() - started > options.timeoutMs) throw await stop(`the query did not finish within ${options.timeoutMs / 1000} s`);
    execution = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
    const state = execution?.Status?.State ?? 'UNKNOWN';
    options.onProgress?.(state, Date.now() - started);
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason = execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason ?? 'no reason given';
      throw new Error(`Athena query ${id} ${state.toLowerCase()}: ${reason}`);
    }
    await sleep(delay, options.signal);
  }

  const columns: string[] = [];
  const types: string[] = [];
  const rows: Record<string, unknown>[] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token }));
    if (first) {
      for (const info of page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []) {
        columns.push(info.Name ?? '');
        types.push((info.Type ?? 'varchar').toLowerCase());
      }
    }
    const data = page.ResultSet?.Rows ?? [];
    // The first row of the first page repeats the column names.
    for (const row of first && data.length && data[0].Data?.every((d, i) => d.VarCharValue === columns[i]) ? data.slice(1) : data) {
      const values = row.Data ?? [];
      rows.push(Object.fromEntries(columns.map((c, i) => {
        const raw = values[i]?.VarCharValue;
        return [c, raw === undefined ? null : NUMERIC.has(types[i]) ? Number(raw) : raw];
      })));
    }
    first = false;
    token = page.NextToken;
  } while (token);

  const scanned = execution?.Statistics?.DataScannedInBytes ?? 0;
  const note = `Athena query ${id}: ${(scanned / 1024 / 1024).toFixed(2)} MiB scanned, about $${costOf(scanned).toFixed(6)}`;
  return { columns, rows, notes: [note], elapsedMs: Date.now() - started };
}
