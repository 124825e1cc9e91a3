import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { MotoServer, motoAvailable, startMoto } from '../moto-server';
import { Edge, startEdge } from './edge-server';
import { IdentityRegistry } from './identities';

// The recorder against a table of operations, through the edge to moto with real SDK calls.
const OPERATOR = { accessKeyId: 'AKIAOPERATOREXAMPLE1', secretAccessKey: 'operator-secret' };
const APP = { accessKeyId: 'ASIAAPPROLEEXAMPLE01', secretAccessKey: 'app-secret' };

describe('local AWS edge: the CloudTrail recorder', () => {
  let moto: MotoServer | undefined;
  let edge: Edge;
  const records: Record<string, unknown>[] = [];

  beforeAll(async () => {
    if (!(await motoAvailable())) return;
    moto = await startMoto();
    const identities = new IdentityRegistry();
    identities.register(OPERATOR.accessKeyId, { type: 'IAMUser', userName: 'lab-operator', accountId: '123456789012', principalId: 'AIDAOPERATOR' });
    identities.register(APP.accessKeyId, { type: 'AssumedRole', roleName: 'ctlab-kms-mystery-lambda-app-2', sessionName: 'ctlab-kms-mystery-lambda-app-2', accountId: '123456789012', roleId: 'AROAAPP2' });
    edge = await startEdge({ target: moto.endpoint, accountId: '123456789012', identities, onRecord: (r) => void records.push(r) });
  }, 60_000);
  afterAll(async () => {
    await edge?.stop();
    await moto?.stop();
  });

  const client = <T>(Type: new (config: object) => T, credentials = OPERATOR, extra: object = {}) =>
    new Type({ endpoint: edge.endpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });

  it('records each operation with its source, name, readOnly, category and identity', async () => {
    if (!moto) return;
    records.length = 0;
    const s3 = client(S3Client, OPERATOR, { forcePathStyle: true });
    const kms = client(KMSClient);
    const appKms = client(KMSClient, APP);
    await s3.send(new CreateBucketCommand({ Bucket: 'edge-test' }));
    await s3.send(new PutObjectCommand({ Bucket: 'edge-test', Key: 'a b/é.txt', Body: 'secret body' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'edge-test', Key: 'a b/é.txt' }));
    expect(head.ContentLength).toBe(11);
    await (await s3.send(new GetObjectCommand({ Bucket: 'edge-test', Key: 'a b/é.txt' }))).Body?.transformToString();
    await s3.send(new ListObjectsV2Command({ Bucket: 'edge-test' }));
    const key = (await kms.send(new CreateKeyCommand({ Description: 'edge' }))).KeyMetadata!.Arn!;
    const encrypted = await appKms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('top secret'), EncryptionContext: { 'cloudtrail-labs:object': 's3://b/k' } }));
    await appKms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { 'cloudtrail-labs:object': 's3://b/k' } }));
    await client(STSClient).send(new GetCallerIdentityCommand({}));
    await client(IAMClient).send(new ListUsersCommand({}));

    const table = records.map((r) => [r.eventSource, r.eventName, r.readOnly, r.eventCategory, (r.userIdentity as { type: string }).type]);
    expect(table).toEqual([
      ['s3.amazonaws.com', 'CreateBucket', false, 'Management', 'IAMUser'],
      ['s3.amazonaws.com', 'PutObject', false, 'Data', 'IAMUser'],
      ['s3.amazonaws.com', 'HeadObject', true, 'Data', 'IAMUser'],
      ['s3.amazonaws.com', 'GetObject', true, 'Data', 'IAMUser'],
      ['s3.amazonaws.com', 'ListObjectsV2', true, 'Management', 'IAMUser'],
      ['kms.amazonaws.com', 'CreateKey', false, 'Management', 'IAMUser'],
      ['kms.amazonaws.com', 'Encrypt', true, 'Management', 'AssumedRole'],
      ['kms.amazonaws.com', 'Decrypt', true, 'Management', 'AssumedRole'],
      ['sts.amazonaws.com', 'GetCallerIdentity', true, 'Management', 'IAMUser'],
      ['iam.amazonaws.com', 'ListUsers', true, 'Management', 'IAMUser'],
    ]);
  });

  it('writes the documented shapes, and never the plaintext', async () => {
    if (!moto) return;
    const put = records.find((r) => r.eventName === 'PutObject')!;
    expect(put).toMatchObject({
      eventVersion: '1.11',
      userIdentity: { type: 'IAMUser', userName: 'lab-operator', arn: 'arn:aws:iam::123456789012:user/lab-operator', accessKeyId: OPERATOR.accessKeyId },
      requestParameters: { bucketName: 'edge-test', key: 'a b/é.txt' },
      resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::edge-test/a b/é.txt' }, { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::edge-test' }],
      managementEvent: false,
      recipientAccountId: '123456789012',
      eventType: 'AwsApiCall',
    });
    const encrypt = records.find((r) => r.eventName === 'Encrypt')!;
    expect(encrypt.userIdentity).toMatchObject({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/ctlab-kms-mystery-lambda-app-2/ctlab-kms-mystery-lambda-app-2',
      sessionContext: { sessionIssuer: { type: 'Role', userName: 'ctlab-kms-mystery-lambda-app-2', arn: 'arn:aws:iam::123456789012:role/ctlab-kms-mystery-lambda-app-2' } },
    });
    expect(encrypt.requestParameters).toEqual({ keyId: expect.stringMatching(/^arn:aws:kms:/), encryptionContext: { 'cloudtrail-labs:object': 's3://b/k' } });
    expect(encrypt.resources).toEqual([{ accountId: '123456789012', type: 'AWS::KMS::Key', ARN: expect.stringMatching(/^arn:aws:kms:/) }]);
    const everything = JSON.stringify(records);
    expect(everything).not.toContain(Buffer.from('top secret').toString('base64'));
    expect(everything).not.toContain('secret body');
    for (const field of ['eventTime', 'awsRegion', 'sourceIPAddress', 'userAgent', 'requestID', 'eventID', 'tlsDetails']) expect(encrypt[field]).toBeDefined();
  });

  it('refuses an unknown access key with AccessDenied, and records it with the errorCode', async () => {
    if (!moto) return;
    records.length = 0;
    const stranger = client(KMSClient, { accessKeyId: 'AKIASTRANGEREXAMPLE1', secretAccessKey: 'x' });
    await expect(stranger.send(new CreateKeyCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(records).toEqual([expect.objectContaining({ eventName: 'CreateKey', errorCode: 'AccessDeniedException', userIdentity: { type: 'Unknown', accessKeyId: 'AKIASTRANGEREXAMPLE1' } })]);
    expect(String(records[0].errorMessage)).toContain('is not known to the local emulator');
  });

  it('forwards and records a request it cannot parse, instead of dropping it', async () => {
    if (!moto) return;
    records.length = 0;
    const response = await fetch(`${edge.endpoint}/moto-api/`);
    expect(response.status).toBe(200);
    expect(records).toEqual([expect.objectContaining({ eventName: 'Unknown', eventSource: 'unknown.amazonaws.com' })]);
  });

  it('passes a gzip-encoded object through byte for byte, so its checksum still matches', async () => {
    if (!moto) return;
    const s3 = client(S3Client, OPERATOR, { forcePathStyle: true });
    const gz = gzipSync(Buffer.from(JSON.stringify({ Records: [{ eventName: 'Encrypt' }] })));
    await s3.send(new PutObjectCommand({ Bucket: 'edge-test', Key: 'log.json.gz', Body: gz, ContentEncoding: 'gzip', ChecksumAlgorithm: 'CRC32' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'edge-test', Key: 'log.json.gz', ChecksumMode: 'ENABLED' }));
    expect(got.ContentEncoding).toBe('gzip');
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(gz)).toBe(true);
  });
});
