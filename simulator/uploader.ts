import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_RETRY, RetryOptions, sleep, withRetries } from './retry';
import { Progress } from './progress';

/** The seed's cadence: a dummy file every 10 s for 5 minutes. */
export const SEED_INTERVAL_SECONDS = 10;
export const SEED_DURATION_SECONDS = 300;
export const DEFAULT_SIZE_BYTES = 16 * 1024;
export const MAX_SIZE_BYTES = 100 * 1024 * 1024;

export interface UploadPlan {
  readonly bucket: string;
  readonly count: number;
  readonly intervalMs: number;
  readonly sizeBytes: number;
  readonly concurrency: number;
  readonly runId: string;
}

export interface UploadSummary {
  readonly runId: string;
  readonly planned: number;
  readonly sent: number;
  readonly failed: number;
  readonly retries: number;
  readonly elapsedMs: number;
  readonly interrupted: boolean;
  readonly keys: string[];
  readonly errors: string[];
}

/** A short id for one run; it goes into every request's user agent and every key. */
export function newRunId(): string {
  return `run-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** `cloudtrail-labs/<runId>`: lets a query select one run's requests from the trail. */
export function userAgentFor(runId: string): string {
  return `cloudtrail-labs/${runId}`;
}

export function objectKey(runId: string, index: number): string {
  return `uploads/${runId}/dummy-${String(index + 1).padStart(6, '0')}.txt`;
}

/** dummy.txt-style content: a header naming the run and object, then filler to the size. */
export function objectBody(runId: string, index: number, sizeBytes: number): Buffer {
  const header = Buffer.from(`cloudtrail-labs ${runId} object ${index + 1}\n`);
  const body = Buffer.alloc(sizeBytes, 'lorem ipsum dolor sit amet ');
  header.copy(body, 0, 0, Math.min(header.length, sizeBytes));
  return body;
}

/** An S3 client whose requests carry the run id, and which leaves retries to `withRetries`. */
export function uploaderClient(runId: string, endpoint?: string, credentials?: { accessKeyId: string; secretAccessKey: string }, region?: string): S3Client {
  return new S3Client({
    customUserAgent: userAgentFor(runId),
    maxAttempts: 1,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
    ...(region ? { region } : {}),
  });
}

/**
 * Uploads `count` objects, one every `intervalMs`, at most `concurrency` at a
 * time, retrying throttling and network errors. Stops scheduling when
 * `signal` aborts and waits for uploads in flight. Each object is counted once:
 * sent, or failed after its last attempt.
 */
export async function runUploads(
  plan: UploadPlan,
  s3: S3Client,
  options: { signal?: AbortSignal; progress?: Progress; retry?: Partial<RetryOptions> } = {},
): Promise<UploadSummary> {
  const started = Date.now();
  const keys: string[] = [];
  const errors: string[] = [];
  let sent = 0;
  let failed = 0;
  let retries = 0;
  const inFlight = new Set<Promise<void>>();
  // Ctrl-C stops scheduling new uploads; those in flight keep their retries and finish.
  const retry = { ...DEFAULT_RETRY, ...options.retry };

  const upload = async (index: number) => {
    const key = objectKey(plan.runId, index);
    try {
      await withRetries(
        () => s3.send(new PutObjectCommand({ Bucket: plan.bucket, Key: key, Body: objectBody(plan.runId, index, plan.sizeBytes), ContentType: 'text/plain' })),
        { ...retry, onRetry: () => void retries++ },
      );
      sent++;
      keys.push(key);
      options.progress?.update(sent, failed, plan.count, `uploaded s3://${plan.bucket}/${key}`);
    } catch (error) {
      failed++;
      const message = `${key}: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`;
      errors.push(message);
      options.progress?.update(sent, failed, plan.count, `failed ${message}`);
    }
  };

  let scheduled = 0;
  for (; scheduled < plan.count && !options.signal?.aborted; scheduled++) {
    const due = started + scheduled * plan.intervalMs;
    await sleep(due - Date.now(), options.signal);
    if (options.signal?.aborted) break;
    while (inFlight.size >= plan.concurrency) await Promise.race(inFlight);
    const task = upload(scheduled).finally(() => inFlight.delete(task));
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  options.progress?.finish();
  return {
    runId: plan.runId,
    planned: plan.count,
    sent,
    failed,
    retries,
    elapsedMs: Date.now() - started,
    interrupted: scheduled < plan.count,
    keys,
    errors,
  };
}
