import { gunzipSync } from 'node:zlib';
import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { Edge, startEdge } from './edge/edge-server';
import { IdentityRegistry } from './edge/identities';
import { LocalCloudTrail } from './local-cloudtrail';
import { MotoServer, motoAvailable, startMoto } from './moto-server';

// Trails as configured: logging on/off, regions, selectors; delivered files counted.
const OPERATOR = { accessKeyId: 'AKIAOPERATOREXAMPLE1', secretAccessKey: 'operator-secret' };

describe('local CloudTrail: trails as configured, delivered to their buckets', () => {
  let moto: MotoServer | undefined;
  let edge: Edge;
  let cloudtrail: LocalCloudTrail;
  let direct: S3Client;

  beforeAll(async () => {
    if (!(await motoAvailable())) return;
    moto = await startMoto();
    const identities = new IdentityRegistry();
    identities.register(OPERATOR.accessKeyId, { type: 'IAMUser', userName: 'lab-operator', accountId: '123456789012', principalId: 'AIDAOPERATOR' });
    cloudtrail = new LocalCloudTrail({ motoEndpoint: moto.endpoint, accountId: '123456789012', region: 'us-east-1' });
    edge = await startEdge({ target: moto.endpoint, accountId: '123456789012', identities, onRecord: (r, op) => cloudtrail.record(r, op) });
    direct = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: OPERATOR });
  }, 60_000);
  afterAll(async () => {
    await edge?.stop();
    await moto?.stop();
  });

  const client = <T>(Type: new (config: object) => T, region = 'us-east-1', extra: object = {}) =>
    new Type({ endpoint: edge.endpoint, region, credentials: OPERATOR, maxAttempts: 1, ...extra });

  /** Every record delivered to a bucket, in order of delivery. */
  async function delivered(bucket: string): Promise<Record<string, unknown>[]> {
    const listed = await direct.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'AWSLogs/' }));
    const records: Record<string, unknown>[] = [];
    for (const object of listed.Contents ?? []) {
      expect(object.Key).toMatch(/^AWSLogs\/123456789012\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/123456789012_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9_-]{16}\.json\.gz$/);
      const body = await (await direct.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }))).Body!.transformToByteArray();
      records.push(...(JSON.parse(gunzipSync(Buffer.from(body)).toString()) as { Records: Record<string, unknown>[] }).Records);
    }
    return records;
  }

  async function trail(name: string, bucket: string, options: { multiRegion?: boolean; s3DataBucket?: string } = {}) {
    const s3 = client(S3Client, 'us-east-1', { forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const ct = client(CloudTrailClient);
    await ct.send(new CreateTrailCommand({ Name: name, S3BucketName: bucket, IsMultiRegionTrail: options.multiRegion ?? false }));
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: name,
        AdvancedEventSelectors: [
          { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
          ...(options.s3DataBucket
            ? [{ Name: 'S3', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'resources.ARN', StartsWith: [`arn:aws:s3:::${options.s3DataBucket}/`] }] }]
            : []),
        ],
      }),
    );
    await ct.send(new StartLoggingCommand({ Name: name }));
  }

  it('records only while the trail is logging, StopLogging itself included', async () => {
    if (!moto) return;
    await trail('on-off', 'on-off-logs');
    const kms = client(KMSClient);
    await kms.send(new CreateKeyCommand({ Description: 'while logging' }));
    await client(CloudTrailClient).send(new StopLoggingCommand({ Name: 'on-off' }));
    await kms.send(new CreateKeyCommand({ Description: 'while stopped' }));
    await client(CloudTrailClient).send(new StartLoggingCommand({ Name: 'on-off' }));
    await kms.send(new CreateKeyCommand({ Description: 'logging again' }));
    await cloudtrail.delivery.flush();
    const keys = (await delivered('on-off-logs')).filter((r) => r.eventName === 'CreateKey').map((r) => (r.requestParameters as { description: string }).description);
    expect(keys).toEqual(['while logging', 'logging again']);
    expect((await delivered('on-off-logs')).map((r) => r.eventName)).toContain('StopLogging');
  });

  it('a single-region trail ignores calls in another region; a multi-region trail records them', async () => {
    if (!moto) return;
    await trail('home-only', 'home-only-logs');
    await trail('everywhere', 'everywhere-logs', { multiRegion: true });
    await client(KMSClient, 'eu-west-1').send(new CreateKeyCommand({ Description: 'in eu-west-1' }));
    await cloudtrail.delivery.flush();
    const described = async (bucket: string) => (await delivered(bucket)).filter((r) => r.eventName === 'CreateKey').map((r) => r.awsRegion);
    expect(await described('home-only-logs')).not.toContain('eu-west-1');
    expect(await described('everywhere-logs')).toContain('eu-west-1');
  });

  it('records S3 data events only for the selected bucket', async () => {
    if (!moto) return;
    await trail('data', 'data-trail-logs', { s3DataBucket: 'watched' });
    const s3 = client(S3Client, 'us-east-1', { forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'watched' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'unwatched' }));
    await s3.send(new PutObjectCommand({ Bucket: 'watched', Key: 'a.txt', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'unwatched', Key: 'b.txt', Body: 'b' }));
    await cloudtrail.delivery.flush();
    const puts = (await delivered('data-trail-logs')).filter((r) => r.eventName === 'PutObject').map((r) => (r.requestParameters as { bucketName: string }).bucketName);
    expect(puts).toEqual(['watched']);
  });

  it('writes no digest files without a digest key, even for a trail with log file validation', async () => {
    if (!moto) return;
    await client(S3Client, 'us-east-1', { forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'no-key-logs' }));
    await client(CloudTrailClient).send(new CreateTrailCommand({ Name: 'no-key', S3BucketName: 'no-key-logs', EnableLogFileValidation: true }));
    await client(CloudTrailClient).send(new StartLoggingCommand({ Name: 'no-key' }));
    await client(KMSClient).send(new CreateKeyCommand({ Description: 'validated but unsigned' }));
    await cloudtrail.delivery.flush();
    const keys = ((await direct.send(new ListObjectsV2Command({ Bucket: 'no-key-logs' }))).Contents ?? []).map((o) => o.Key!);
    expect(keys.filter((k) => k.includes('/CloudTrail/'))).not.toEqual([]);
    expect(keys.filter((k) => k.includes('/CloudTrail-Digest/'))).toEqual([]);
    expect(cloudtrail.digests).toBeUndefined();
  });

  it('loses nothing: every call made while logging is delivered exactly once, the last ones included', async () => {
    if (!moto) return;
    await trail('count', 'count-logs');
    const kms = client(KMSClient);
    await Promise.all(Array.from({ length: 40 }, (_, i) => kms.send(new CreateKeyCommand({ Description: `key-${i}` }))));
    const stopped = cloudtrail.stop();
    await stopped;
    const descriptions = (await delivered('count-logs')).filter((r) => r.eventName === 'CreateKey').map((r) => (r.requestParameters as { description: string }).description);
    expect(descriptions.filter((d) => d.startsWith('key-')).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `key-${i}`).sort());
  });
});
