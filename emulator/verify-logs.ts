import { verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DIGEST_HASH_ALGORITHM,
  DIGEST_SIGNATURE_ALGORITHM,
  DigestFile,
  DigestPublicKey,
  digestSigningString,
  parseDigestKey,
  sha256Hex,
} from './edge/digest';

/*
 * Log file integrity validation, as `aws cloudtrail validate-logs` does it and
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html
 * describes: walk each trail/region's digests from newest to oldest along
 * their previousDigest* links, check each digest's signature and that its
 * predecessor is the one it recorded, then each log file it lists (SHA-256
 * of the uncompressed file). On top of what aws does, list the log files no
 * digest covers.
 */

/** Sidecar a folder source keeps a digest's S3 metadata in (local files have none): `<digest>.metadata.json`. */
export const METADATA_SUFFIX = '.metadata.json';

/** Where the files are: an S3 bucket, or a folder with the delivered layout. */
export interface LogSource {
  /** For messages: `s3://bucket/prefix` or the folder. */
  readonly name: string;
  /** The bucket, when the source is one (digests name theirs). */
  readonly bucket?: string;
  /** Every key under `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** The object's bytes and user metadata, or undefined when it does not exist. */
  get(key: string, bucket?: string): Promise<{ body: Buffer; metadata: Record<string, string> } | undefined>;
  /** How to show a key: `s3://bucket/key` or a path. */
  location(key: string, bucket?: string): string;
}

export function s3Source(s3: S3Client, bucket: string): LogSource {
  return {
    name: `s3://${bucket}`,
    bucket,
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key ?? '').filter(Boolean));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    },
    async get(key, from = bucket) {
      try {
        const response = await s3.send(new GetObjectCommand({ Bucket: from, Key: key }));
        const body = await response.Body?.transformToByteArray();
        return { body: Buffer.from(body ?? new Uint8Array()), metadata: response.Metadata ?? {} };
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
        throw new Error(`could not read s3://${from}/${key}: ${(error as Error).message}`);
      }
    },
    location: (key, from = bucket) => `s3://${from}/${key}`,
  };
}

/** A folder of pulled files (`cloudtrail-lab logs pull --with-digests`): keys are paths relative to it. */
export function folderSource(dir: string): LogSource {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`--logs ${dir} is not a folder; give the folder \`cloudtrail-lab logs pull --with-digests\` wrote (it holds AWSLogs/...)`);
  }
  const root = path.resolve(dir);
  const file = (key: string) => path.join(root, ...key.split('/'));
  return {
    name: root,
    async list(prefix) {
      const keys: string[] = [];
      const walk = (folder: string, rel: string) => {
        if (!fs.existsSync(folder)) return;
        for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
          const key = rel ? `${rel}/${entry.name}` : entry.name;
          if (entry.isDirectory()) walk(path.join(folder, entry.name), key);
          else if (entry.isFile() && key.startsWith(prefix)) keys.push(key);
        }
      };
      // Start at the deepest folder the prefix names, so a big folder is not walked in full.
      const folderPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      walk(file(folderPart), folderPart);
      return keys.sort();
    },
    async get(key) {
      const target = file(key);
      if (!target.startsWith(root + path.sep) || !fs.existsSync(target)) return undefined;
      const sidecar = `${target}${METADATA_SUFFIX}`;
      let metadata: Record<string, string> = {};
      if (fs.existsSync(sidecar)) {
        try {
          metadata = JSON.parse(fs.readFileSync(sidecar, 'utf8')) as Record<string, string>;
        } catch {
          metadata = {};
        }
      }
      return { body: fs.readFileSync(target), metadata };
    },
    location: (key) => file(key),
  };
}

export type LogFileStatus = 'valid' | 'modified' | 'deleted' | 'extra' | 'unverified';
export type DigestStatus = 'valid' | 'invalid' | 'missing';

export interface LogFileResult {
  readonly key: string;
  readonly location: string;
  readonly status: LogFileStatus;
  /** Why it is not valid. */
  readonly detail?: string;
  /** The digest that lists it. */
  readonly digest?: string;
}

export interface DigestResult {
  readonly key: string;
  readonly location: string;
  readonly status: DigestStatus;
  readonly detail?: string;
  readonly trail?: string;
  readonly region?: string;
  readonly logFiles: number;
}

export interface VerifyReport {
  readonly source: string;
  readonly from?: string;
  readonly to?: string;
  readonly digests: DigestResult[];
  readonly logFiles: LogFileResult[];
  /** Things worth knowing that are not failures (gaps between chains, links to other buckets). */
  readonly notes: string[];
  readonly counts: {
    readonly digests: Record<DigestStatus, number>;
    readonly logFiles: Record<LogFileStatus, number>;
  };
  /** True when every digest and every log file is valid. */
  readonly ok: boolean;
}

export interface VerifyOptions {
  readonly source: LogSource;
  /** The trail's S3 key prefix, if it has one. */
  readonly prefix?: string;
  /** The keys digests may be signed with; matched by fingerprint. */
  readonly publicKeys: readonly DigestPublicKey[];
  /** First day (YYYY-MM-DD, UTC) whose log files to check. @default every day */
  readonly from?: string;
  /** Last day (YYYY-MM-DD, UTC). @default every day */
  readonly to?: string;
}

const LOG_FILE_IN = /\/CloudTrail\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\//;
const DAY_MS = 24 * 3600 * 1000;

/** A calendar day as YYYY-MM-DD. */
export function isCalendarDay(value: string): boolean {
  const at = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === value;
}

/** YYYYMMDDTHHmmssZ of a time. */
function stampOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function parseDigest(body: Buffer): { digest: DigestFile; json: Buffer } | undefined {
  try {
    const json = gunzipSync(body);
    const digest = JSON.parse(json.toString('utf8')) as DigestFile;
    return digest && typeof digest === 'object' ? { digest, json } : undefined;
  } catch {
    return undefined;
  }
}

const REQUIRED: (keyof DigestFile)[] = ['digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint', 'previousDigestSignature', 'logFiles'];

/**
 * Verifies a trail bucket's (or a pulled folder's) log files against their
 * digests. Never throws for what it finds: each problem is a result. Throws
 * only for bad options or a source it cannot read.
 */
export async function verifyLogs(options: VerifyOptions): Promise<VerifyReport> {
  const { source } = options;
  for (const [name, value] of [['--from', options.from], ['--to', options.to]] as const) {
    if (value !== undefined && !isCalendarDay(value)) throw new Error(`${name} must be a calendar day as YYYY-MM-DD (UTC), got "${value}"`);
  }
  if (options.from && options.to && options.from > options.to) throw new Error(`--from ${options.from} is after --to ${options.to}`);
  if (options.publicKeys.length === 0) throw new Error('no public key given: digests cannot be checked without the key they were signed with');
  const keys = new Map(options.publicKeys.map((k) => [k.fingerprint, k]));

  // Digests of the last day's files are written up to an hour into the next day.
  const fromMs = options.from ? Date.parse(`${options.from}T00:00:00Z`) : -Infinity;
  const toMs = options.to ? Date.parse(`${options.to}T00:00:00Z`) + DAY_MS : Infinity;
  const stampFrom = Number.isFinite(fromMs) ? stampOf(fromMs) : '';
  const stampTo = Number.isFinite(toMs) ? stampOf(toMs + 3600 * 1000) : '~';
  const dayInRange = (key: string) => {
    const m = LOG_FILE_IN.exec(key);
    if (!m) return true;
    const day = `${m[1]}-${m[2]}-${m[3]}`;
    return (!options.from || day >= options.from) && (!options.to || day <= options.to);
  };

  const root = `${options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : ''}AWSLogs/`;
  const all = await source.list(root);
  const digestKeys = all.filter((k) => parseDigestKey(k));
  const logKeys = all.filter((k) => /\/CloudTrail\//.test(k) && !k.endsWith(METADATA_SUFFIX) && dayInRange(k));

  const digests: DigestResult[] = [];
  const logFiles = new Map<string, LogFileResult>();
  const notes: string[] = [];
  const loaded = new Map<string, { body: Buffer; metadata: Record<string, string> } | undefined>();
  const load = async (key: string, bucket?: string) => {
    const id = `${bucket ?? ''}|${key}`;
    if (!loaded.has(id)) loaded.set(id, await source.get(key, bucket));
    return loaded.get(id);
  };

  /** Checks one digest on its own: format, location, key, signature. */
  const checkDigest = async (key: string): Promise<{ ok: true; digest: DigestFile; json: Buffer; signature: string } | { ok: false; status: DigestStatus; detail: string }> => {
    const object = await load(key);
    if (!object) return { ok: false, status: 'missing', detail: 'not found' };
    const parsed = parseDigest(object.body);
    if (!parsed) return { ok: false, status: 'invalid', detail: 'invalid format: not gzipped JSON' };
    const { digest, json } = parsed;
    const absent = REQUIRED.filter((f) => !(f in digest));
    if (absent.length) return { ok: false, status: 'invalid', detail: `invalid format: no ${absent.join(', ')}` };
    if (!Array.isArray(digest.logFiles)) return { ok: false, status: 'invalid', detail: 'invalid format: logFiles is not a list' };
    if (digest.digestS3Object !== key || (source.bucket && digest.digestS3Bucket !== source.bucket)) {
      return { ok: false, status: 'invalid', detail: `has been moved from its original location s3://${digest.digestS3Bucket}/${digest.digestS3Object}` };
    }
    const signature = object.metadata.signature;
    const algorithm = object.metadata['signature-algorithm'];
    if (!signature || !algorithm) return { ok: false, status: 'invalid', detail: 'no signature in its metadata (signature, signature-algorithm)' };
    if (algorithm !== DIGEST_SIGNATURE_ALGORITHM || digest.digestSignatureAlgorithm !== DIGEST_SIGNATURE_ALGORITHM) {
      return { ok: false, status: 'invalid', detail: `signature algorithm ${algorithm} is not ${DIGEST_SIGNATURE_ALGORITHM}` };
    }
    const publicKey = keys.get(digest.digestPublicKeyFingerprint);
    if (!publicKey) return { ok: false, status: 'invalid', detail: `signed with a key not given (fingerprint ${digest.digestPublicKeyFingerprint}; given: ${[...keys.keys()].join(', ')})` };
    let good = false;
    try {
      good = /^[0-9a-f]+$/i.test(signature) && verify('sha256', Buffer.from(digestSigningString(digest, json)), publicKey.publicKey, Buffer.from(signature, 'hex'));
    } catch {
      good = false;
    }
    if (!good) return { ok: false, status: 'invalid', detail: 'signature verification failed' };
    return { ok: true, digest, json, signature };
  };

  const checkLogFile = async (entry: DigestFile['logFiles'][number], digestKey: string) => {
    const bucket = source.bucket && entry.s3Bucket !== source.bucket ? entry.s3Bucket : undefined;
    const id = bucket ? `s3://${bucket}/${entry.s3Object}` : entry.s3Object;
    if (logFiles.has(id) && logFiles.get(id)!.status !== 'unverified') return;
    const location = source.location(entry.s3Object, bucket);
    const object = await load(entry.s3Object, bucket);
    let result: LogFileResult;
    if (!object) {
      result = { key: entry.s3Object, location, status: 'deleted', detail: 'listed in a digest but not found', digest: digestKey };
    } else if (entry.hashAlgorithm !== DIGEST_HASH_ALGORITHM) {
      result = { key: entry.s3Object, location, status: 'unverified', detail: `hash algorithm ${entry.hashAlgorithm} is not ${DIGEST_HASH_ALGORITHM}`, digest: digestKey };
    } else {
      let hash: string | undefined;
      try {
        hash = sha256Hex(gunzipSync(object.body));
      } catch {
        hash = undefined;
      }
      result =
        hash === undefined
          ? { key: entry.s3Object, location, status: 'modified', detail: 'no longer a gzip file', digest: digestKey }
          : hash !== entry.hashValue
            ? { key: entry.s3Object, location, status: 'modified', detail: "hash value doesn't match the digest", digest: digestKey }
            : { key: entry.s3Object, location, status: 'valid', digest: digestKey };
    }
    logFiles.set(id, result);
  };

  /** Files an untrustworthy digest lists: not extra, but not verified either. */
  const markUnverified = (object: { body: Buffer } | undefined, digestKey: string) => {
    const parsed = object ? parseDigest(object.body) : undefined;
    for (const entry of Array.isArray(parsed?.digest.logFiles) ? parsed!.digest.logFiles : []) {
      if (typeof entry?.s3Object !== 'string' || logFiles.has(entry.s3Object) || !dayInRange(entry.s3Object)) continue;
      logFiles.set(entry.s3Object, { key: entry.s3Object, location: source.location(entry.s3Object), status: 'unverified', detail: 'listed only in a digest that is not valid', digest: digestKey });
    }
  };

  const chains = new Map<string, string[]>();
  for (const key of digestKeys) {
    const parts = parseDigestKey(key)!;
    if (parts.stamp < stampFrom || parts.stamp > stampTo) continue;
    chains.set(parts.chain, [...(chains.get(parts.chain) ?? []), key]);
  }
  for (const keysOfChain of chains.values()) {
    const byStamp = keysOfChain.sort((a, b) => parseDigestKey(a)!.stamp.localeCompare(parseDigestKey(b)!.stamp));
    const parts = parseDigestKey(byStamp[0])!;
    const visited = new Set<string>();
    const record = (key: string, status: DigestStatus, detail: string | undefined, logCount = 0) =>
      digests.push({ key, location: source.location(key), status, detail, trail: parts.trailName, region: parts.region, logFiles: logCount });
    let reachedStart: string | undefined;
    for (let newest = byStamp.length - 1; newest >= 0; newest--) {
      let current: string | undefined = byStamp[newest];
      if (visited.has(current)) continue;
      if (reachedStart) {
        notes.push(`${parts.trailName} (${parts.region}): ${source.location(reachedStart)} starts a new digest chain after ${source.location(current)} (the emulator restarted, or validation or logging was off in between)`);
        reachedStart = undefined;
      }
      while (current) {
        visited.add(current);
        const checked = await checkDigest(current);
        if (!checked.ok) {
          record(current, checked.status, checked.detail);
          markUnverified(await load(current), current);
          break;
        }
        const { digest } = checked;
        record(current, 'valid', undefined, digest.logFiles.length);
        // Files of days outside the range (a digest just after midnight lists both days') are left to that day's check.
        for (const entry of digest.logFiles) if (dayInRange(entry.s3Object)) await checkLogFile(entry, current);
        const previous: string | null = digest.previousDigestS3Object;
        if (!previous) {
          reachedStart = current;
          break;
        }
        if (digest.previousDigestS3Bucket && source.bucket && digest.previousDigestS3Bucket !== source.bucket) {
          notes.push(`${source.location(current)} follows a digest in another bucket (s3://${digest.previousDigestS3Bucket}/${previous}); not checked`);
          break;
        }
        const previousParts = parseDigestKey(previous);
        if (!previousParts || previousParts.stamp < stampFrom || visited.has(previous)) break;
        const before = await load(previous);
        const linked = before && parseDigest(before.body);
        if (before && linked && (sha256Hex(linked.json) !== digest.previousDigestHashValue || before.metadata.signature !== digest.previousDigestSignature)) {
          visited.add(previous);
          record(previous, 'invalid', `does not match the hash and signature ${source.location(current)} recorded for it`);
          markUnverified(before, previous);
          break;
        }
        current = previous;
      }
    }
  }

  for (const key of logKeys) {
    if (!logFiles.has(key)) logFiles.set(key, { key, location: source.location(key), status: 'extra', detail: 'no digest lists it' });
  }

  const results = [...logFiles.values()].sort((a, b) => a.key.localeCompare(b.key));
  const digestCounts: Record<DigestStatus, number> = { valid: 0, invalid: 0, missing: 0 };
  for (const d of digests) digestCounts[d.status]++;
  const logCounts: Record<LogFileStatus, number> = { valid: 0, modified: 0, deleted: 0, extra: 0, unverified: 0 };
  for (const f of results) logCounts[f.status]++;
  return {
    source: `${source.name}${options.prefix ? `/${options.prefix.replace(/\/+$/, '')}` : ''}`,
    from: options.from,
    to: options.to,
    digests: digests.sort((a, b) => a.key.localeCompare(b.key)),
    logFiles: results,
    notes,
    counts: { digests: digestCounts, logFiles: logCounts },
    ok: digests.length > 0 && digestCounts.valid === digests.length && logCounts.valid === results.length,
  };
}

/** One line per problem, as `aws cloudtrail validate-logs` prints them. */
export function problemLines(report: VerifyReport): string[] {
  return [
    ...report.digests.filter((d) => d.status !== 'valid').map((d) => `Digest file\t${d.location}\t${d.status.toUpperCase()}: ${d.detail}`),
    ...report.logFiles.filter((f) => f.status !== 'valid').map((f) => `Log file\t${f.location}\t${f.status.toUpperCase()}: ${f.detail}`),
  ];
}

/** The summary: `Results requested for ...: N/N digest files valid, M/M log files valid, 1 modified, 1 deleted, 1 extra`. */
export function summarize(report: VerifyReport): string {
  const range = report.from || report.to ? `${report.from ?? 'the first day'} to ${report.to ?? 'the last day'}` : 'all days';
  const d = report.counts.digests;
  const l = report.counts.logFiles;
  const totalDigests = report.digests.length;
  const totalLogs = report.logFiles.length;
  if (totalDigests === 0) {
    return `Results requested for ${range} in ${report.source}: no digest files found, ${totalLogs} log file(s) unverified (is log file validation on for the trail, and the digest key given?)`;
  }
  const parts = [`${d.valid}/${totalDigests} digest files valid`];
  if (d.invalid) parts.push(`${d.invalid} invalid`);
  if (d.missing) parts.push(`${d.missing} missing`);
  parts.push(`${l.valid}/${totalLogs} log files valid`);
  for (const status of ['modified', 'deleted', 'extra', 'unverified'] as const) if (l[status]) parts.push(`${l[status]} ${status}`);
  return `Results requested for ${range} in ${report.source}: ${parts.join(', ')}`;
}
