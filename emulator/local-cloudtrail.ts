import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import { DeliveredFile, Delivery } from './edge/delivery';
import { Operation } from './edge/operation';
import { TrailConfig, readTrails, trailsRecording } from './edge/trails';

/** CloudTrail calls after which the trails are read again. */
const CHANGES_TRAILS = new Set(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors']);

export interface LocalCloudTrailOptions {
  /** moto's endpoint: configuration is read and logs delivered directly there, so none of it is recorded. */
  readonly motoEndpoint: string;
  readonly accountId: string;
  readonly region: string;
  /** Extra work after each file is delivered (digests). */
  readonly onDelivered?: (file: DeliveredFile, trail: TrailConfig) => Promise<void>;
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
  private timer?: NodeJS.Timeout;

  constructor(options: LocalCloudTrailOptions) {
    const config = { endpoint: options.motoEndpoint, region: options.region, credentials: { accessKeyId: 'AKIALOCALCLOUDTRAIL1', secretAccessKey: 'local' } };
    this.client = new CloudTrailClient(config);
    this.delivery = new Delivery(new S3Client({ ...config, forcePathStyle: true }), options.accountId, options.onDelivered);
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

  /** Stops the timer and delivers what is left, the last second's calls included. */
  async stop(): Promise<DeliveredFile[]> {
    if (this.timer) clearInterval(this.timer);
    return this.delivery.flush();
  }
}
