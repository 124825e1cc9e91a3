import type { CleanupReport } from '../modules/suspicious-api/app/app';
import { userAgentFor } from './uploader';

/** One call to the cat API and what it answered. */
export interface CatApiCall {
  readonly path: '/' | '/cat' | '/enough';
  readonly status: number;
  readonly ms: number;
  /** The answer's text (JSON for /enough), or its content type and size for a picture. */
  readonly summary: string;
  /** /enough's report: what it removed and what failed. @default - other paths */
  readonly report?: CleanupReport;
}

/** One line per resource /enough could not remove: `DeleteBucket s3://random-val-...: BucketNotEmpty: ...`. */
export function cleanupFailures(report: CleanupReport | undefined): string[] {
  return (report?.failed ?? []).map((f) => `${f.action} ${f.resource}: ${f.error}`);
}

export interface CatApiRun {
  readonly calls: CatApiCall[];
  /** Whether every call answered 2xx. */
  readonly ok: boolean;
}

export interface CatApiOptions {
  /** Also call /enough, which undoes what /cat did. @default false */
  readonly revert?: boolean;
  /** Run id for the user agent, so a query can pick this run out of the trail. */
  readonly runId: string;
  /** Per-call timeout: /enough waits for the miner's termination. @default 330000 */
  readonly timeoutMs?: number;
  readonly onCall?: (call: CatApiCall) => void;
}

function summarize(contentType: string, body: Buffer): string {
  if (/^(text|application\/json)/.test(contentType)) return body.toString('utf8').trim().slice(0, 300);
  return `${contentType || 'no content type'}, ${body.length} bytes`;
}

/**
 * The suspicious-api lab's traffic (seed 002): `/` (the greeting), `/cat` (a
 * picture; the first time, also the bucket and the miner), and with `revert`,
 * `/enough` (the cleanup, which reports what it removed and what failed).
 */
export async function runCatApi(baseUrl: string, options: CatApiOptions): Promise<CatApiRun> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`the cat API URL "${baseUrl}" is not a URL such as http://203.0.113.7/`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new Error(`the cat API URL "${baseUrl}" must start with http:// or https://`);
  const paths: CatApiCall['path'][] = options.revert ? ['/', '/cat', '/enough'] : ['/', '/cat'];
  const calls: CatApiCall[] = [];
  for (const path of paths) {
    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(new URL(path, url), { headers: { 'user-agent': userAgentFor(options.runId) }, signal: AbortSignal.timeout(options.timeoutMs ?? 330_000) });
    } catch (error) {
      throw new Error(`GET ${new URL(path, url).href} failed: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
    }
    const body = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get('content-type') ?? '';
    let report: CatApiCall['report'];
    if (path === '/enough' && contentType.includes('json')) {
      try {
        report = JSON.parse(body.toString('utf8')) as CatApiCall['report'];
      } catch {
        report = undefined;
      }
    }
    const call: CatApiCall = { path, status: response.status, ms: Date.now() - started, summary: summarize(contentType, body), report };
    calls.push(call);
    options.onCall?.(call);
  }
  return { calls, ok: calls.every((c) => c.status >= 200 && c.status < 300) };
}
