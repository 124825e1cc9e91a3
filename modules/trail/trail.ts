import { Construct } from 'constructs';
import { Cloudtrail, CloudtrailAdvancedEventSelector } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Grantable } from '../iam/grantable';
import { PolicyDocument } from '../iam/policy-document';
import { PolicyCondition } from '../iam/policy-statement';
import { Role } from '../iam/role';
import { statementId } from '../iam/statement-id';
import { KmsKey } from '../kms-key/kms-key';
import { LabStack } from '../lab-stack/lab-stack';
import { validateLogRetention } from '../logs/retention';
import { acknowledgeFinding } from '../policy-checks/acknowledgements';
import { SecureBucket } from '../secure-bucket/secure-bucket';
import { managementEventSelector, dataEventSelectors, ReadWrite, DataEventFunction, S3DataEvents } from './event-selectors';

export { ReadWrite, DataEventFunction, S3DataEvents } from './event-selectors';

export interface TrailProps {
  /** @default - "<prefix>-<scenario>-trail" */
  readonly trailName?: string;
  /**
   * Bucket the log files are delivered to.
   * @default - a new SecureBucket "trail-logs" with server access logging to a new "trail-access-logs" bucket
   */
  readonly bucket?: SecureBucket;
  /**
   * Key prefix of the log files in the bucket.
   * @default - none: files go under `AWSLogs/<account>/CloudTrail/`
   */
  readonly s3KeyPrefix?: string;
  /**
   * Encrypt log files with this key (SSE-KMS).
   * @default - a new KmsKey "trail" with rotation
   */
  readonly encryptionKey?: KmsKey;
  /**
   * Deliver log files with SSE-S3 only. Anyone who can read the bucket can then
   * read the logs (CIS 3.5): say why that is acceptable here.
   * @default - logs are KMS-encrypted
   */
  readonly unencryptedLogsReason?: string;
  /**
   * Record every region (CIS 3.1). A single-region trail needs `singleRegionReason`.
   * @default true
   */
  readonly multiRegion?: boolean;
  /** Why a single-region trail is acceptable. @default - none (required when multiRegion is false) */
  readonly singleRegionReason?: string;
  /** Record global services (IAM, STS, CloudFront) events. @default true */
  readonly includeGlobalServiceEvents?: boolean;
  /** Digest files that prove the logs were not changed (CIS 3.2). @default true */
  readonly logFileValidation?: boolean;
  /** Which management events to record. @default 'All' (read and write) */
  readonly managementEvents?: ReadWrite | 'None';
  /**
   * Event sources left out of management events, e.g. `kms.amazonaws.com`.
   * @default - none: KMS and RDS Data API events are recorded too
   */
  readonly excludeManagementEventSources?: string[];
  /** S3 object-level events for these buckets. @default - none */
  readonly s3DataEvents?: S3DataEvents[];
  /** Lambda `Invoke` events for these functions. @default - none */
  readonly lambdaDataEvents?: DataEventFunction[];
  /**
   * Also deliver events to a CloudWatch Logs group, kept this many days.
   * @default - no CloudWatch Logs delivery
   */
  readonly cloudWatchLogsRetentionDays?: number;
  /**
   * Publish a notification to a new SNS topic after each log file delivery.
   * @default false
   */
  readonly snsNotifications?: boolean;
  /**
   * Let `terraform destroy` delete the buckets this construct creates, logs included.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

/**
 * A CloudTrail trail with secure defaults: every region, global service
 * events, log file validation, read and write management events, KMS-encrypted
 * log files, and a bucket whose policy lets only this trail write (the AWS
 * documented policy with `aws:SourceArn`).
 *
 * @example
 * const trail = new Trail(this, 'trail', { forceDestroy: true });
 * trail.grantRead(auditors);
 */
export class Trail extends Construct {
  public readonly trail: Cloudtrail;
  public readonly trailName: string;
  /** Built from the name, so policies can name the trail before it exists. */
  public readonly trailArn: string;
  public readonly bucket: SecureBucket;
  public readonly encryptionKey?: KmsKey;
  public readonly logGroup?: CloudwatchLogGroup;
  public readonly topic?: SnsTopic;
  public readonly s3KeyPrefix?: string;
  public readonly multiRegion: boolean;

  constructor(scope: Construct, id: string, props: TrailProps = {}) {
    super(scope, id);
    const stack = LabStack.of(this);
    validateProps(props);
    this.trailName = props.trailName ?? stack.naming.name('trail');
    this.trailArn = `arn:${stack.partition}:cloudtrail:${stack.region}:${stack.accountId}:trail/${this.trailName}`;
    this.s3KeyPrefix = props.s3KeyPrefix;
    this.multiRegion = props.multiRegion ?? true;
    const forceDestroy = props.forceDestroy ?? false;
    const sourceArn: PolicyCondition = { test: 'StringEquals', variable: 'aws:SourceArn', values: [this.trailArn] };

    this.bucket = props.bucket ?? this.defaultBucket(forceDestroy);
    if (props.s3DataEvents?.some((d) => d.bucket === this.bucket)) {
      throw new Error(`Trail: s3DataEvents names the trail's own bucket ${this.bucket.node.path}: every log delivery would be an event to log, without end`);
    }
    const logsPrefix = props.s3KeyPrefix ? `${props.s3KeyPrefix}/` : '';
    this.bucket.addToResourcePolicy({
      sid: statementId('CloudTrailAclCheck', id),
      principals: [{ type: 'Service', identifiers: [CLOUDTRAIL] }],
      actions: ['s3:GetBucketAcl'],
      resources: [this.bucket.bucketArn],
      conditions: [sourceArn],
    });
    this.bucket.addToResourcePolicy({
      sid: statementId('CloudTrailWrite', id),
      principals: [{ type: 'Service', identifiers: [CLOUDTRAIL] }],
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects(`${logsPrefix}AWSLogs/${stack.accountId}/*`)],
      conditions: [{ test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] }, sourceArn],
    });

    if (props.unencryptedLogsReason === undefined) {
      this.encryptionKey = props.encryptionKey ?? new KmsKey(this, 'key', { alias: 'trail' });
      this.encryptionKey.addToResourcePolicy({
        sid: statementId('CloudTrailEncryptLogs', id),
        principals: [{ type: 'Service', identifiers: [CLOUDTRAIL] }],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: [
          sourceArn,
          {
            test: 'StringLike',
            variable: 'kms:EncryptionContext:aws:cloudtrail:arn',
            values: [`arn:${stack.partition}:cloudtrail:*:${stack.accountId}:trail/*`],
          },
        ],
      });
      this.encryptionKey.addToResourcePolicy({
        sid: statementId('CloudTrailDescribeKey', id),
        principals: [{ type: 'Service', identifiers: [CLOUDTRAIL] }],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: [sourceArn],
      });
    }

    let cloudWatchRole: Role | undefined;
    if (props.cloudWatchLogsRetentionDays !== undefined) {
      this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
        name: `/aws/cloudtrail/${this.trailName}`,
        retentionInDays: props.cloudWatchLogsRetentionDays,
      });
      cloudWatchRole = new Role(this, 'cloudwatch-role', {
        name: `${id}-to-cloudwatch`,
        assumedBy: CLOUDTRAIL,
        assumeConditions: [sourceArn],
      });
      cloudWatchRole.addToPrincipalPolicy({
        sid: 'DeliverToLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.arn}:log-stream:*`],
      });
    }

    if (props.snsNotifications) {
      this.topic = new SnsTopic(this, 'topic', {
        name: stack.naming.name(`${id}-deliveries`),
        kmsMasterKeyId: this.encryptionKey?.keyArn,
      });
      const topicPolicy = new PolicyDocument(this, 'topic-policy', {
        statements: [
          {
            sid: 'CloudTrailPublish',
            principals: [{ type: 'Service', identifiers: [CLOUDTRAIL] }],
            actions: ['SNS:Publish'],
            resources: [this.topic.arn],
            conditions: [sourceArn],
          },
        ],
      });
      new SnsTopicPolicy(this, 'topic-policy-attachment', { arn: this.topic.arn, policy: topicPolicy.json });
      this.encryptionKey?.addToResourcePolicy({
        sid: statementId('CloudTrailPublishEncrypted', id),
        principals: [{ type: 'Service', identifiers: [CLOUDTRAIL] }],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: [sourceArn],
      });
    }

    this.trail = new Cloudtrail(this, 'trail', {
      name: this.trailName,
      s3BucketName: this.bucket.bucketName,
      s3KeyPrefix: props.s3KeyPrefix,
      kmsKeyId: this.encryptionKey?.keyArn,
      isMultiRegionTrail: this.multiRegion,
      includeGlobalServiceEvents: props.includeGlobalServiceEvents ?? true,
      enableLogFileValidation: props.logFileValidation ?? true,
      enableLogging: true,
      cloudWatchLogsGroupArn: this.logGroup ? `${this.logGroup.arn}:*` : undefined,
      cloudWatchLogsRoleArn: cloudWatchRole?.roleArn,
      snsTopicName: this.topic?.name,
      advancedEventSelector: this.eventSelectors(props),
      // CloudTrail checks the bucket policy when the trail is created.
      dependsOn: [this.bucket.bucketPolicy],
    });

    if (props.unencryptedLogsReason !== undefined) acknowledgeFinding(this, 'CIS.3.5', props.unencryptedLogsReason);
    if (!this.multiRegion && props.singleRegionReason !== undefined) acknowledgeFinding(this, 'CIS.3.1', props.singleRegionReason);
  }

  /**
   * What reading this trail's log files takes: list the bucket, get the log
   * objects, and decrypt with the trail key, only in the CloudTrail encryption context.
   */
  public grantRead(grantee: Grantable): void {
    const stack = LabStack.of(this);
    const prefix = this.s3KeyPrefix ? `${this.s3KeyPrefix}/` : '';
    grantee.addToPrincipalPolicy({ sid: statementId('ListTrailBucket', this.node.id), actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] });
    grantee.addToPrincipalPolicy({
      sid: statementId('ReadTrailLogs', this.node.id),
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects(`${prefix}AWSLogs/*`)],
    });
    this.encryptionKey?.grantDecrypt(grantee, [
      {
        test: 'StringLike',
        variable: 'kms:EncryptionContext:aws:cloudtrail:arn',
        values: [`arn:${stack.partition}:cloudtrail:*:${stack.accountId}:trail/*`],
      },
    ]);
  }

  private defaultBucket(forceDestroy: boolean): SecureBucket {
    const accessLogs = new SecureBucket(this, 'access-logs', { purpose: 'trail-access-logs', forceDestroy });
    return new SecureBucket(this, 'bucket', {
      purpose: 'trail-logs',
      forceDestroy,
      accessLogs: { destination: accessLogs, prefix: 'trail-logs/' },
    });
  }

  private eventSelectors(props: TrailProps): CloudtrailAdvancedEventSelector[] {
    const management = managementEventSelector(props.managementEvents ?? 'All', props.excludeManagementEventSources ?? []);
    return [...(management ? [management] : []), ...dataEventSelectors(props.s3DataEvents ?? [], props.lambdaDataEvents ?? [])];
  }
}

function validateProps(props: TrailProps): void {
  if (props.encryptionKey && props.unencryptedLogsReason !== undefined) {
    throw new Error('Trail: give either encryptionKey or unencryptedLogsReason, not both');
  }
  if (props.unencryptedLogsReason !== undefined && props.unencryptedLogsReason.trim().length < 10) {
    throw new Error('Trail: unencryptedLogsReason must say, in at least 10 characters, why unencrypted logs are acceptable here');
  }
  if (props.singleRegionReason !== undefined && props.multiRegion !== false) {
    throw new Error('Trail: singleRegionReason is only for a trail with multiRegion: false');
  }
  if (props.multiRegion === false && !props.singleRegionReason) {
    throw new Error('Trail: a single-region trail misses activity in other regions (CIS 3.1); set singleRegionReason to say why that is acceptable');
  }
  if (props.trailName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(props.trailName)) {
    throw new Error(`Trail: trailName "${props.trailName}" must be 3 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  if (props.s3KeyPrefix !== undefined && (/^\/|\/$/.test(props.s3KeyPrefix) || props.s3KeyPrefix.length > 200)) {
    throw new Error(`Trail: s3KeyPrefix "${props.s3KeyPrefix}" must not start or end with "/" and must be at most 200 characters`);
  }
  if (props.cloudWatchLogsRetentionDays !== undefined) validateLogRetention('Trail: cloudWatchLogsRetentionDays', props.cloudWatchLogsRetentionDays);
  if (props.managementEvents === 'None' && !props.s3DataEvents?.length && !props.lambdaDataEvents?.length) {
    throw new Error('Trail: managementEvents is None and no data events are selected: the trail would record nothing');
  }
}
