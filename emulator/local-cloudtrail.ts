import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import { DeliveredFile, Delivery } from './edge/delivery';
import { DigestKeyPair, DigestWriter } from './edge/digest';
import { Operation } from './edge/operation';
import { TrailConfig, readTrails, trailsRecording } from './edge/trails';
import { directMotoConfig } from './moto-server';

/** CloudTrail calls after which the trails are read again. */
const CHANGES_TRAILS = new Set(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors']);

export interface LocalCloudTrailOptions {
  /** moto's endpoint: configuration is read and logs delivered directly there, so none of it is recorded. */
  readonly motoEndpoint: string;
  readonly accountId: string;
  readonly region: string;
  /** Extra work after each file is delivered. */
  readonly onDelivered?: (file: DeliveredFile, trail: TrailConfig) => Promise<void>;
  /**
   * Signs digest files for trails with log file validation (see
   * `loadOrCreateDigestKeyPair`). @default - no digest files are written
   */
  readonly digestKey?: DigestKeyPair;
}

/**
 * Delivery that writes the digests of each round right after its log files,
 * so whoever flushes (the timer, `stop`, a caller of `delivery.flush()`) gets
 * both, and a digest never lists a file that is not in its bucket yet.
 */
class DigestingDelivery extends Delivery {
  constructor(s3: S3Client, accountId: string, onDelivered: (file: DeliveredFile, trail: TrailConfig) => Promise<void>, private readonly digests: DigestWriter) {
    super(s3, accountId, onDelivered);
  }

  override async flush(now = new Date()): Promise<DeliveredFile[]> {
    let files: DeliveredFile[] = [];
    const failures: Error[] = [];
    try {
      files = await super.flush(now);
    } catch (error) {
      failures.push(error as Error);
    }
    // Digest what did arrive even when part of the round failed.
    await this.digests.flush().catch((error: Error) => failures.push(error));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new Error(failures.map((f) => f.message).join('; '));
    return files;
  }
}

/**
 * CloudTrail, locally: each record the edge makes goes to the trails that
 * would record it, as the emulator's CloudTrail API configures them, and is
 * delivered to their buckets on `flush` (every few seconds while running, and
 * on shutdown).
 */
export class LocalCloudTrail {
  private trails: TrailConfig[] = [];
  private readonly client: CloudTrailClient;
  public readonly delivery: Delivery;
  /** The digest writer, when `digestKey` was given. */
  public readonly digests?: DigestWriter;
  private timer?: NodeJS.Timeout;

  constructor(options: LocalCloudTrailOptions) {
    const config = directMotoConfig(options.motoEndpoint, options.region, 'AKIALOCALCLOUDTRAIL1');
    this.client = new CloudTrailClient(config);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    if (options.digestKey) {
      const digests = new DigestWriter(s3, options.accountId, options.digestKey);
      this.digests = digests;
      this.delivery = new DigestingDelivery(
        s3,
        options.accountId,
        async (file, trail) => {
          digests.collect(file, trail);
          await options.onDelivered?.(file, trail);
        },
        digests,
      );
    } else {
      this.delivery = new Delivery(s3, options.accountId, options.onDelivered);
    }
  }

  get configuredTrails(): readonly TrailConfig[] {
    return this.trails;
  }

  async refresh(): Promise<void> {
    this.trails = await readTrails(this.client);
  }

  /** Takes one record: hands it to the trails recording it, then re-reads the trails if the call changed them. */
  async record(record: Record<string, unknown>, op: Operation): Promise<void> {
    for (const trail of trailsRecording(record, this.trails)) this.delivery.add(trail, record);
    if (op.service === 'cloudtrail' && CHANGES_TRAILS.has(op.name) && !record.errorCode) await this.refresh();
  }

  /** Delivers every few seconds until `stop`. */
  start(intervalMs = 5000): void {
    this.timer = setInterval(() => void this.delivery.flush().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  /** Delivers what was recorded so far (and, with `digestKey`, the digests of it). */
  flush(): Promise<DeliveredFile[]> {
    return this.delivery.flush();
  }

  /** Stops the timer and delivers what is left, the last second's calls included, then the last digests. */
  async stop(): Promise<DeliveredFile[]> {
    if (this.timer) clearInterval(this.timer);
    return this.delivery.flush();
  }
}
