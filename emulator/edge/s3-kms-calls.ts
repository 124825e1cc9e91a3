import { randomUUID } from 'node:crypto';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IdentityRegistry, userIdentityOf } from './identities';
import { Operation } from './operation';
import { directMotoConfig } from '../moto-server';

/** S3 operations that make S3 call KMS for an SSE-KMS object: a new data key to write, a Decrypt to read. */
const KMS_CALL_FOR: Record<string, 'GenerateDataKey' | 'Decrypt'> = {
  PutObject: 'GenerateDataKey',
  CopyObject: 'GenerateDataKey',
  CompleteMultipartUpload: 'GenerateDataKey',
  GetObject: 'Decrypt',
};

export interface S3KmsCallsOptions {
  /** moto, asked directly (nothing recorded) how an object is encrypted. */
  readonly motoEndpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly identities: IdentityRegistry;
  /** The trail whose log file this is, for CloudTrail's own encryption context. @default - none */
  readonly trailArnForObject?: (bucket: string, key: string) => string | undefined;
}

/**
 * The KMS calls S3 makes on a caller's behalf for SSE-KMS objects, as
 * CloudTrail records them: `GenerateDataKey` when an object is written and
 * `Decrypt` when it is read, with the caller's identity, `invokedBy` and
 * `sourceIPAddress` `s3.amazonaws.com`, and the object's ARN as encryption
 * context. With an S3 Bucket Key, S3 calls KMS once per bucket key instead
 * (context: the bucket's ARN); here, once per bucket and operation for the
 * session. Moto encrypts nothing, so the edge writes these records itself,
 * reading the object's encryption from moto.
 */
export class S3KmsCalls {
  private readonly s3: S3Client;
  private readonly kms: KMSClient;
  private readonly keyArns = new Map<string, string>();
  private readonly bucketKeysUsed = new Set<string>();

  constructor(private readonly options: S3KmsCallsOptions) {
    const config = directMotoConfig(options.motoEndpoint, options.region, 'AKIALOCALS3KMSCALLS1');
    this.s3 = new S3Client({ ...config, forcePathStyle: true });
    this.kms = new KMSClient(config);
  }

  private async keyArn(keyId: string): Promise<string> {
    if (keyId.startsWith('arn:aws:kms:') && keyId.includes(':key/')) return keyId;
    let arn = this.keyArns.get(keyId);
    if (!arn) {
      arn = (await this.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Arn ?? keyId;
      this.keyArns.set(keyId, arn);
    }
    return arn;
  }

  /** The KMS records for a successful S3 call, or none when it involves no SSE-KMS object. */
  async recordsFor(op: Operation): Promise<Record<string, unknown>[]> {
    const eventName = op.service === 's3' ? KMS_CALL_FOR[op.name] : undefined;
    const bucket = op.params.bucketName;
    const key = op.params.key;
    if (!eventName || typeof bucket !== 'string' || typeof key !== 'string') return [];
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
    if (!head || head.ServerSideEncryption !== 'aws:kms' || !head.SSEKMSKeyId) return [];
    const keyArn = await this.keyArn(head.SSEKMSKeyId);
    const bucketKey = head.BucketKeyEnabled === true;
    if (bucketKey) {
      const used = `${bucket}|${eventName}`;
      if (this.bucketKeysUsed.has(used)) return [];
      this.bucketKeysUsed.add(used);
    }
    const trailArn = this.options.trailArnForObject?.(bucket, key);
    const encryptionContext: Record<string, string> = {
      ...(trailArn ? { 'aws:cloudtrail:arn': trailArn } : {}),
      'aws:s3:arn': bucketKey ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`,
    };
    const identity = this.options.identities.resolve(op.accessKeyId);
    const requestParameters =
      eventName === 'GenerateDataKey' ? { keyId: keyArn, encryptionContext, keySpec: 'AES_256' } : { encryptionContext, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    return [
      {
        eventVersion: '1.11',
        userIdentity: identity && op.accessKeyId ? { ...userIdentityOf(identity, op.accessKeyId), invokedBy: 's3.amazonaws.com' } : { type: 'Unknown', invokedBy: 's3.amazonaws.com' },
        eventTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        eventSource: 'kms.amazonaws.com',
        eventName,
        awsRegion: op.region,
        sourceIPAddress: 's3.amazonaws.com',
        userAgent: 's3.amazonaws.com',
        requestParameters,
        responseElements: null,
        requestID: randomUUID(),
        eventID: randomUUID(),
        readOnly: true,
        resources: [{ accountId: this.options.accountId, type: 'AWS::KMS::Key', ARN: keyArn }],
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: this.options.accountId,
        eventCategory: 'Management',
      },
    ];
  }
}
