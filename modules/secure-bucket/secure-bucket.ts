import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Grantable } from '../iam/grantable';
import { PolicyDocument } from '../iam/policy-document';
import { PolicyStatement, denyInsecureTransport } from '../iam/policy-statement';
import { statementId } from '../iam/statement-id';
import { KmsKey } from '../kms-key/kms-key';
import { LabStack } from '../lab-stack/lab-stack';

export interface SecureBucketProps {
  /**
   * What the bucket holds; the name is `<prefix>-<scenario>-<purpose>-<account id>`.
   */
  readonly purpose: string;
  /**
   * Default encryption with this customer-managed key (SSE-KMS).
   * @default - SSE-S3 (AES256)
   */
  readonly encryptionKey?: KmsKey;
  /**
   * S3 Bucket Keys cut KMS calls (and cost) for SSE-KMS; turn them off to see
   * one KMS call per object in CloudTrail.
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * Server access logs of this bucket go to that bucket, under `prefix`.
   * @default - no access logging
   */
  readonly accessLogs?: { readonly destination: SecureBucket; readonly prefix?: string };
  /**
   * Days after which noncurrent object versions are deleted.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which current objects expire (for scratch data such as query results).
   * @default - objects never expire
   */
  readonly expirationDays?: number;
  /**
   * Let `terraform destroy` delete a bucket that still holds objects. Labs turn
   * this on so a lab leaves nothing behind; data in it is lost on destroy.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/**
 * An S3 bucket with the secure settings on: all four public-access blocks,
 * a TLS-only bucket policy, `BucketOwnerEnforced` ownership, versioning,
 * default encryption (SSE-KMS or SSE-S3), and noncurrent-version expiry.
 *
 * @example
 * const logs = new SecureBucket(this, 'logs', { purpose: 'logs' });
 */
export class SecureBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly encryptionKey?: KmsKey;
  /** The bucket policy, for resources that must wait for it (a trail checks it on creation). */
  public readonly bucketPolicy: S3BucketPolicy;
  /** What the bucket holds: unique per stack, as the bucket name is. */
  public readonly purpose: string;
  private readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
    validateDays('noncurrentVersionExpirationDays', noncurrentDays);
    if (props.expirationDays !== undefined) validateDays('expirationDays', props.expirationDays);
    if (props.bucketKeyEnabled !== undefined && !props.encryptionKey) {
      throw new Error('bucketKeyEnabled applies to SSE-KMS only: give an encryptionKey, or leave bucketKeyEnabled out');
    }
    if (props.accessLogs?.destination.encryptionKey) {
      throw new Error(
        `accessLogs destination ${props.accessLogs.destination.node.path} uses SSE-KMS; S3 server access logs can only be delivered to a bucket encrypted with SSE-S3`,
      );
    }

    this.encryptionKey = props.encryptionKey;
    this.purpose = props.purpose;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: stack.naming.bucketName(props.purpose, stack.accountId),
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [
        props.encryptionKey
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.encryptionKey.keyArn },
              bucketKeyEnabled: props.bucketKeyEnabled ?? true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(props.expirationDays !== undefined
          ? [{ id: 'expire-objects', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: props.expirationDays }] }]
          : []),
      ],
    });
    if (props.accessLogs) {
      const prefix = props.accessLogs.prefix ?? `${props.purpose}/`;
      props.accessLogs.destination.grantAccessLogDelivery(this, prefix);
      new S3BucketLoggingA(this, 'access-logging', {
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.destination.bucketName,
        targetPrefix: prefix,
        // S3 checks that the destination's policy lets the logging service write.
        dependsOn: [props.accessLogs.destination.bucketPolicy],
      });
    }

    this.policy = new PolicyDocument(this, 'policy', { statements: [denyInsecureTransport(this.bucketArn)] });
    this.bucketPolicy = new S3BucketPolicy(this, 'bucket-policy', {
      bucket: this.bucket.id,
      policy: this.policy.json,
      // S3 rejects a policy while the public-access block is being changed.
      dependsOn: [publicAccess],
    });
  }

  /** ARN of the objects under a key pattern: `arnForObjects('AWSLogs/*')`. */
  public arnForObjects(keyPattern: string): string {
    return `${this.bucketArn}/${keyPattern}`;
  }

  /** Adds a statement to the bucket policy. */
  public addToResourcePolicy(statement: PolicyStatement): void {
    this.policy.addStatements(statement);
  }

  /** `s3:GetObject` under `keyPattern` and `s3:ListBucket`, plus `kms:Decrypt` when the bucket uses a key. */
  public grantRead(grantee: Grantable, keyPattern = '*'): void {
    grantee.addToPrincipalPolicy({ sid: statementId('List', this.purpose), actions: ['s3:ListBucket'], resources: [this.bucketArn] });
    grantee.addToPrincipalPolicy({ sid: statementId('Read', this.purpose), actions: ['s3:GetObject'], resources: [this.arnForObjects(keyPattern)] });
    this.encryptionKey?.grantDecrypt(grantee);
  }

  /** Lets the S3 logging service write server access logs of `source` under `prefix`. */
  public grantAccessLogDelivery(source: SecureBucket, prefix: string): void {
    const stack = LabStack.of(this);
    this.addToResourcePolicy({
      sid: statementId('AccessLogsFrom', source.purpose),
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      actions: ['s3:PutObject'],
      resources: [this.arnForObjects(`${prefix}*`)],
      conditions: [
        { test: 'ArnLike', variable: 'aws:SourceArn', values: [source.bucketArn] },
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [stack.accountId] },
      ],
    });
  }
}

function validateDays(name: string, days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new Error(`${name} must be a whole number of days from 1 to 3650, got ${days}`);
  }
}
