import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { METADATA_SUFFIX } from '../emulator/verify-logs';
import { LocalEngine, defaultCacheFile } from '../query/local-engine';
import { validateParam } from '../query/params';
import type { Io } from './main';
import { endpointUrl } from './options';
import { readStackOutput } from './stack-outputs';

const MAX_DAYS = 366;

/** Every day from `from` to `to` inclusive, as YYYY/MM/DD. */
export function daysBetween(from: string, to: string): string[] {
  validateParam('--from', 'date', from);
  validateParam('--to', 'date', to);
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 24 * 3600 * 1000) {
    days.push(new Date(t).toISOString().slice(0, 10).replace(/-/g, '/'));
    if (days.length > MAX_DAYS) throw new Error(`--from ${from} to --to ${to} spans more than ${MAX_DAYS} days; pull a shorter range`);
  }
  if (days.length === 0) throw new Error(`--from ${from} is after --to ${to}`);
  return days;
}

async function listPrefixes(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    found.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter(Boolean));
    token = page.NextContinuationToken;
  } while (token);
  return found;
}

export interface PullOptions {
  readonly bucket: string;
  readonly prefix?: string;
  readonly from: string;
  readonly to: string;
  readonly out: string;
  /**
   * Also download the digest files (`CloudTrail-Digest/`, up to the day after
   * `to`, where the last files' digests land), each with its S3 metadata in a
   * `<digest>.metadata.json` beside it, for `verify-logs --logs`.
   * @default false
   */
  readonly withDigests?: boolean;
  readonly onProgress?: (line: string) => void;
}

/** The day after a YYYY/MM/DD day. */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day.replace(/\//g, '-')}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10).replace(/-/g, '/');
}

/**
 * Downloads a trail's log files for a date range, keeping the delivered layout
 * under `out` (so the local engine reads them as Athena would). SSE-KMS files
 * are decrypted by S3 for a caller allowed to use the key. Files already there
 * with the same size are not downloaded again.
 */
export async function pullLogs(s3: S3Client, options: PullOptions): Promise<{ downloaded: number; skipped: number; bytes: number }> {
  const days = daysBetween(options.from, options.to);
  const root = `${options.prefix ? `${options.prefix.replace(/\/$/, '')}/` : ''}AWSLogs/`;
  const accounts = await listPrefixes(s3, options.bucket, root);
  if (accounts.length === 0) throw new Error(`s3://${options.bucket}/${root} holds no CloudTrail logs; check --bucket and --prefix (the trail's S3 key prefix)`);
  let downloaded = 0;
  let skipped = 0;
  let bytes = 0;
  for (const account of accounts) {
    const folders = [
      ...(await listPrefixes(s3, options.bucket, `${account}CloudTrail/`)).map((region) => ({ region, days, digests: false })),
      ...(options.withDigests ? await listPrefixes(s3, options.bucket, `${account}CloudTrail-Digest/`) : []).map((region) => ({ region, days: [...days, nextDay(days[days.length - 1])], digests: true })),
    ];
    for (const { region, days: regionDays, digests } of folders) {
      for (const day of regionDays) {
        let token: string | undefined;
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: `${region}${day}/`, ContinuationToken: token }));
          for (const object of page.Contents ?? []) {
            const key = object.Key as string;
            const target = path.resolve(options.out, ...key.split('/'));
            if (!target.startsWith(path.resolve(options.out) + path.sep)) {
              throw new Error(`object key "${key}" would be written outside --out ${options.out}; refusing it`);
            }
            const sidecar = `${target}${METADATA_SUFFIX}`;
            if (fs.existsSync(target) && fs.statSync(target).size === object.Size && (!digests || fs.existsSync(sidecar))) {
              skipped++;
              continue;
            }
            const body = await s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
            const data = await body.Body?.transformToByteArray();
            if (!data) throw new Error(`s3://${options.bucket}/${key} came back without a body`);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            const partial = `${target}.part`;
            fs.writeFileSync(partial, data ?? new Uint8Array());
            fs.renameSync(partial, target);
            if (digests) {
              // Local files have no S3 metadata: keep the digest's signature beside it.
              fs.writeFileSync(`${sidecar}.part`, JSON.stringify(body.Metadata ?? {}));
              fs.renameSync(`${sidecar}.part`, sidecar);
            }
            downloaded++;
            bytes += data?.length ?? 0;
            options.onProgress?.(`${downloaded} downloaded (${(bytes / 1024 / 1024).toFixed(1)} MiB): ${key}`);
          }
          token = page.NextContinuationToken;
        } while (token);
      }
    }
  }
  return { downloaded, skipped, bytes };
}

export function logsCommand(io: Io): Command {
  const logs = new Command('logs').description("a trail's log files: download them, or ingest them for fast local queries");
  logs
    .command('pull')
    .description("download a trail's log files for a date range, keeping the delivered layout")
    .argument('<scenario>', 'scenario whose trail bucket to read (or give --bucket)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .requiredOption('--out <dir>', 'folder to write AWSLogs/... into')
    .option('--bucket <name>', "trail bucket (default: the stack's trail_bucket output)")
    .option('--prefix <prefix>', "the trail's S3 key prefix, if it has one")
    .option('--endpoint <url>', 'send requests to this endpoint (a local emulator)', endpointUrl)
    .option('--with-digests', 'also download the digest files (CloudTrail-Digest/), for `cloudtrail-lab verify-logs --logs`')
    .action(async (scenario: string, options: { from: string; to: string; out: string; bucket?: string; prefix?: string; endpoint?: string; withDigests?: boolean }) => {
      daysBetween(options.from, options.to);
      const bucket = options.bucket ?? (await readStackOutput(scenario, 'trail_bucket', io.env, '--bucket'));
      const s3 = new S3Client(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {});
      const result = await pullLogs(s3, { ...options, bucket, onProgress: (line) => io.err(line) });
      io.out(`${result.downloaded} file(s) downloaded (${(result.bytes / 1024 / 1024).toFixed(1)} MiB), ${result.skipped} already present, into ${options.out}`);
    });
  logs
    .command('ingest')
    .description('copy a folder of logs into the local cache, so later queries answer in milliseconds')
    .requiredOption('--logs <dir>', 'folder of CloudTrail logs')
    .option('--strict', 'fail on a corrupt log file instead of skipping it')
    .action(async (options: { logs: string; strict?: boolean }) => {
      const cacheFile = defaultCacheFile(options.logs, io.env);
      const engine = await LocalEngine.open({ logs: options.logs, cacheFile, strict: options.strict, onNote: (n) => io.err(n) });
      try {
        const { rows } = await engine.query('SELECT count(*) AS records FROM cloudtrail_logs');
        io.out(`${rows[0].records} records from ${engine.logFiles.length} file(s) in ${cacheFile}`);
      } finally {
        engine.close();
      }
    });
  return logs;
}
