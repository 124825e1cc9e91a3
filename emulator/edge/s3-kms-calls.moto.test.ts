import { CreateBucketCommand, GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { MotoServer, motoAvailable, startMoto } from '../moto-server';
import { IdentityRegistry } from './identities';
import { Operation } from './operation';
import { S3KmsCalls } from './s3-kms-calls';

// The KMS calls S3 makes for SSE-KMS objects, read from moto's view of each object.
describe('KMS calls S3 makes on a caller\'s behalf', () => {
  let moto: MotoServer | undefined;
  let calls: S3KmsCalls;
  let keyArn: string;
  const identities = new IdentityRegistry();
  identities.register('AKIAUPLOADER00000001', { type: 'IAMUser', userName: 'uploader', accountId: '123456789012', principalId: 'AIDAUPLOADER' });
  const op = (name: string, bucketName: string, key: string): Operation => ({ service: 's3', region: 'us-east-1', accessKeyId: 'AKIAUPLOADER00000001', name, params: { bucketName, key } });

  beforeAll(async () => {
    if (!(await motoAvailable())) return;
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASETUP', secretAccessKey: 'x' } };
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    keyArn = (await new KMSClient(config).send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    for (const [bucket, bucketKey] of [['sse-kms-plain', false], ['sse-kms-bucket-key', true]] as const) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: bucketKey }] } }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.png', Body: 'x' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b.png', Body: 'y' }));
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'sse-s3-only' }));
    await s3.send(new PutObjectCommand({ Bucket: 'sse-s3-only', Key: 'a.png', Body: 'x' }));
    await s3.send(new GetObjectCommand({ Bucket: 'sse-s3-only', Key: 'a.png' }));
    calls = new S3KmsCalls({ motoEndpoint: moto.endpoint, region: 'us-east-1', accountId: '123456789012', identities, trailArnForObject: (b, k) => (k.startsWith('AWSLogs/') ? `arn:aws:cloudtrail:us-east-1:123456789012:trail/${b}` : undefined) });
  }, 60_000);
  afterAll(() => moto?.stop());

  it('records GenerateDataKey for an upload and Decrypt for a download, as the caller via s3.amazonaws.com, with the object as context', async () => {
    if (!moto) return;
    const [put] = await calls.recordsFor(op('PutObject', 'sse-kms-plain', 'a.png'));
    const [get] = await calls.recordsFor(op('GetObject', 'sse-kms-plain', 'a.png'));
    expect(put).toMatchObject({
      eventSource: 'kms.amazonaws.com',
      eventName: 'GenerateDataKey',
      sourceIPAddress: 's3.amazonaws.com',
      userIdentity: { type: 'IAMUser', userName: 'uploader', invokedBy: 's3.amazonaws.com' },
      requestParameters: { keyId: keyArn, keySpec: 'AES_256', encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::sse-kms-plain/a.png' } },
      resources: [{ type: 'AWS::KMS::Key', ARN: keyArn }],
      readOnly: true,
      eventCategory: 'Management',
    });
    expect(get).toMatchObject({ eventName: 'Decrypt', requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::sse-kms-plain/a.png' } } });
  });

  it('calls KMS once per bucket key, with the bucket as context, when the bucket uses an S3 Bucket Key', async () => {
    if (!moto) return;
    const first = await calls.recordsFor(op('PutObject', 'sse-kms-bucket-key', 'a.png'));
    const second = await calls.recordsFor(op('PutObject', 'sse-kms-bucket-key', 'b.png'));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::sse-kms-bucket-key' } } });
    expect(second).toEqual([]);
  });

  it('records nothing for SSE-S3 objects, missing objects, or calls that read no object', async () => {
    if (!moto) return;
    expect(await calls.recordsFor(op('GetObject', 'sse-s3-only', 'a.png'))).toEqual([]);
    expect(await calls.recordsFor(op('GetObject', 'sse-kms-plain', 'missing.png'))).toEqual([]);
    expect(await calls.recordsFor(op('HeadObject', 'sse-kms-plain', 'a.png'))).toEqual([]);
  });
});
