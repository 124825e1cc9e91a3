import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TrailConfig } from './trails';

/** Where CloudTrail puts a log file: `[prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`. */
export function logFileKey(trail: Pick<TrailConfig, 'prefix'>, accountId: string, region: string, at: Date, unique = randomBytes(12).toString('base64url').slice(0, 16)): string {
  const iso = at.toISOString();
  const day = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return `${trail.prefix ? `${trail.prefix}/` : ''}AWSLogs/${accountId}/CloudTrail/${region}/${day}/${accountId}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}

export interface DeliveredFile {
  readonly trail: string;
  readonly bucket: string;
  readonly key: string;
  readonly records: number;
  /** The uncompressed JSON, for digests. */
  readonly json: Buffer;
  readonly oldestEventTime: string;
  readonly newestEventTime: string;
}

/**
 * Collects each trail's records per region and writes them as gzipped
 * `{"Records":[...]}` files into the trail's bucket, encrypted with the trail's
 * key when it has one. `flush` delivers everything collected so far; nothing
 * collected is dropped (a failed write keeps its records for the next flush).
 */
export class Delivery {
  private readonly pending = new Map<string, { trail: TrailConfig; region: string; records: Record<string, unknown>[] }>();
  private flushing: Promise<DeliveredFile[]> = Promise.resolve([]);
  public readonly delivered: DeliveredFile[] = [];

  constructor(
    private readonly s3: S3Client,
    private readonly accountId: string,
    private readonly onDelivered: (file: DeliveredFile, trail: TrailConfig) => Promise<void> = async () => undefined,
  ) {}

  add(trail: TrailConfig, record: Record<string, unknown>): void {
    const region = String(record.awsRegion);
    const id = `${trail.arn}|${region}`;
    const entry = this.pending.get(id) ?? { trail, region, records: [] };
    entry.records.push(record);
    this.pending.set(id, entry);
  }

  /** How many records wait for delivery. */
  get waiting(): number {
    return [...this.pending.values()].reduce((n, e) => n + e.records.length, 0);
  }

  /** Delivers everything collected; concurrent calls run one after the other. */
  flush(now = new Date()): Promise<DeliveredFile[]> {
    this.flushing = this.flushing.catch(() => []).then(() => this.deliver(now));
    return this.flushing;
  }

  private async deliver(now: Date): Promise<DeliveredFile[]> {
    const batches = [...this.pending.entries()];
    this.pending.clear();
    const files: DeliveredFile[] = [];
    const failures: string[] = [];
    for (const [id, batch] of batches) {
      if (batch.records.length === 0) continue;
      const json = Buffer.from(JSON.stringify({ Records: batch.records }));
      const key = logFileKey(batch.trail, this.accountId, batch.region, now);
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: batch.trail.bucket,
            Key: key,
            Body: gzipSync(json),
            ContentType: 'application/json',
            ContentEncoding: 'gzip',
            ...(batch.trail.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: batch.trail.kmsKeyId } : {}),
          }),
        );
      } catch (error) {
        // Keep the records for the next flush instead of losing them, and go on with the other trails.
        const back = this.pending.get(id) ?? { ...batch, records: [] };
        back.records.unshift(...batch.records);
        this.pending.set(id, back);
        failures.push(`could not deliver ${batch.records.length} record(s) of trail ${batch.trail.name} to s3://${batch.trail.bucket}: ${(error as Error).message}`);
        continue;
      }
      const times = batch.records.map((r) => String(r.eventTime)).sort();
      const file: DeliveredFile = { trail: batch.trail.arn, bucket: batch.trail.bucket, key, records: batch.records.length, json, oldestEventTime: times[0], newestEventTime: times[times.length - 1] };
      files.push(file);
      this.delivered.push(file);
      await this.onDelivered(file, batch.trail);
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
    return files;
  }
}
