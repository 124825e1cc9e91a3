import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { main } from '../cli/main';
import { captureIo } from '../cli/testing';
import { DigestFile, digestPublicKey, loadOrCreateDigestKeyPair } from './edge/digest';
import { Edge, startEdge } from './edge/edge-server';
import { IdentityRegistry } from './edge/identities';
import { LocalCloudTrail } from './local-cloudtrail';
import { EMULATOR_CREDENTIALS, MotoServer, motoAvailable, startMoto } from './moto-server';
import { VerifyReport, s3Source, verifyLogs } from './verify-logs';

// Digests from the local CloudTrail, checked like `aws cloudtrail validate-logs`: real SDK calls through the edge, a validating trail, then tampering.
const OPERATOR = { accessKeyId: 'AKIAOPERATOREXAMPLE1', secretAccessKey: 'operator-secret' };
const ACCOUNT = '123456789012';
const BUCKET = 'validated-trail-logs';

describe('log file integrity: digests written by the local CloudTrail, verified', () => {
  let moto: MotoServer | undefined;
  let edge: Edge;
  let cloudtrail: LocalCloudTrail;
  let direct: S3Client;
  let work: string;
  let keyDir: string;
  /** The log file keys of the validating trail, one per round, oldest first. */
  const rounds: string[] = [];
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    if (!(await motoAvailable())) return;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-verify-moto-'));
    keyDir = path.join(work, 'digest-key');
    moto = await startMoto();
    const identities = new IdentityRegistry();
    identities.register(OPERATOR.accessKeyId, { type: 'IAMUser', userName: 'lab-operator', accountId: ACCOUNT, principalId: 'AIDAOPERATOR' });
    cloudtrail = new LocalCloudTrail({ motoEndpoint: moto.endpoint, accountId: ACCOUNT, region: 'us-east-1', digestKey: loadOrCreateDigestKeyPair(keyDir) });
    edge = await startEdge({ target: moto.endpoint, accountId: ACCOUNT, identities, onRecord: (r, op) => cloudtrail.record(r, op) });
    direct = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: OPERATOR });
    Object.assign(process.env, EMULATOR_CREDENTIALS, { AWS_REGION: 'us-east-1' });

    // A validating trail with a KMS key, and a plain one, set up with real SDK calls through the edge.
    const s3 = client(S3Client, { forcePathStyle: true });
    const kms = client(KMSClient);
    const ct = client(CloudTrailClient);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: 'plain-trail-logs' }));
    const keyArn = (await kms.send(new CreateKeyCommand({ Description: 'trail key' }))).KeyMetadata!.Arn!;
    await ct.send(new CreateTrailCommand({ Name: 'validated', S3BucketName: BUCKET, EnableLogFileValidation: true, KmsKeyId: keyArn }));
    await ct.send(new CreateTrailCommand({ Name: 'plain', S3BucketName: 'plain-trail-logs' }));
    await ct.send(new StartLoggingCommand({ Name: 'validated' }));
    await ct.send(new StartLoggingCommand({ Name: 'plain' }));
    // Four delivery rounds, each with calls and so one log file (and one digest) for the validating trail.
    for (let i = 0; i < 4; i++) {
      await kms.send(new CreateKeyCommand({ Description: `round-${i}` }));
      const files = await cloudtrail.flush();
      rounds.push(...files.filter((f) => f.bucket === BUCKET).map((f) => f.key));
    }
  }, 90_000);
  afterAll(async () => {
    await cloudtrail?.stop();
    await edge?.stop();
    await moto?.stop();
    process.env = savedEnv;
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const client = <T>(Type: new (config: object) => T, extra: object = {}) => new Type({ endpoint: edge.endpoint, region: 'us-east-1', credentials: OPERATOR, maxAttempts: 1, ...extra });
  const list = async (bucket: string, prefix: string) => ((await direct.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
  const verify = () => verifyLogs({ source: s3Source(direct, BUCKET), publicKeys: [digestPublicKey(loadOrCreateDigestKeyPair(keyDir))] });
  const statuses = (report: VerifyReport) => Object.fromEntries(report.logFiles.map((f) => [f.key, f.status]));
  const today = () => new Date().toISOString().slice(0, 10);
  const yesterday = () => new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);

  it('writes a signed digest per round for the validating trail only, SSE-S3 beside SSE-KMS log files', async () => {
    if (!moto) return;
    expect(rounds).toHaveLength(4);
    const digests = await list(BUCKET, `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`);
    expect(digests).toHaveLength(4);
    for (const key of digests) expect(key).toMatch(new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_CloudTrail-Digest_us-east-1_validated_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz$`));
    const newest = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: digests[3] }));
    expect(newest.Metadata).toEqual({ signature: expect.stringMatching(/^[0-9a-f]{512}$/), 'signature-algorithm': 'SHA256withRSA' });
    expect(newest.ServerSideEncryption).toBe('AES256');
    const digest = JSON.parse(gunzipSync(Buffer.from(await newest.Body!.transformToByteArray())).toString()) as DigestFile;
    expect(digest.previousDigestS3Object).toBe(digests[2]);
    expect(digest.logFiles.map((f) => f.s3Object)).toEqual([rounds[3]]);
    expect((await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: rounds[3] }))).ServerSideEncryption).toBe('aws:kms');
    expect(await list('plain-trail-logs', `AWSLogs/${ACCOUNT}/CloudTrail/`)).not.toEqual([]);
    expect(await list('plain-trail-logs', `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`)).toEqual([]);
  });

  it('finds the untouched logs valid, in the bucket and in a pulled copy', async () => {
    if (!moto) return;
    const report = await verify();
    expect(report.ok).toBe(true);
    expect(statuses(report)).toEqual(Object.fromEntries(rounds.map((k) => [k, 'valid'])));

    const cli = captureIo();
    expect(await main(['node', 'cloudtrail-lab', 'verify-logs', '--bucket', BUCKET, '--endpoint', moto.endpoint, '--key-dir', keyDir], cli.io)).toBe(0);
    expect(cli.out).toEqual([`Results requested for all days in s3://${BUCKET}: 4/4 digest files valid, 4/4 log files valid`]);

    const pulled = path.join(work, 'pulled');
    const pull = captureIo();
    const pullArgs = ['node', 'cloudtrail-lab', 'logs', 'pull', 'x', '--bucket', BUCKET, '--from', yesterday(), '--to', today(), '--out', pulled, '--endpoint', moto.endpoint, '--with-digests'];
    expect(await main(pullArgs, pull.io)).toBe(0);
    expect(pull.out[0]).toMatch(/^8 file\(s\) downloaded/);
    const local = captureIo();
    expect(await main(['node', 'cloudtrail-lab', 'verify-logs', '--logs', pulled, '--key-dir', keyDir, '--from', yesterday(), '--to', today()], local.io)).toBe(0);
    expect(local.out.at(-1)).toMatch(/: 4\/4 digest files valid, 4\/4 log files valid$/);

    // Without --with-digests, pull keeps fetching log files only.
    const plain = path.join(work, 'pulled-plain');
    expect(await main(pullArgs.filter((a) => a !== '--with-digests').map((a) => (a === pulled ? plain : a)), captureIo().io)).toBe(0);
    expect(fs.existsSync(path.join(plain, 'AWSLogs', ACCOUNT, 'CloudTrail'))).toBe(true);
    expect(fs.existsSync(path.join(plain, 'AWSLogs', ACCOUNT, 'CloudTrail-Digest'))).toBe(false);
  });

  it('reports a modified, a deleted and an added log file and a tampered digest signature, each as what it is', async () => {
    if (!moto) return;
    // Given: round 0's file re-uploaded with one record changed
    const [modified, deleted, untouched, inTamperedDigest] = rounds;
    const original = JSON.parse(gunzipSync(Buffer.from(await (await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: modified }))).Body!.transformToByteArray())).toString()) as { Records: Record<string, unknown>[] };
    original.Records[0].sourceIPAddress = '198.51.100.7';
    await direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: modified, Body: gzipSync(JSON.stringify(original)) }));
    // round 1's file deleted
    await direct.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: deleted }));
    // a file added in the layout, as if delivered
    const added = untouched.replace(/_[A-Za-z0-9_-]{16}\.json\.gz$/, '_FORGEDFORGEDFORG.json.gz');
    await direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: added, Body: gzipSync(JSON.stringify({ Records: [] })) }));
    // the newest digest's signature replaced
    const digests = await list(BUCKET, `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`);
    const newest = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: digests[3] }));
    const forged = newest.Metadata!.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    await direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: digests[3], Body: Buffer.from(await newest.Body!.transformToByteArray()), Metadata: { ...newest.Metadata, signature: forged } }));

    // When
    const report = await verify();

    // Then
    expect(statuses(report)).toEqual({ [modified]: 'modified', [deleted]: 'deleted', [untouched]: 'valid', [inTamperedDigest]: 'unverified', [added]: 'extra' });
    expect(report.digests.map((d) => [d.key, d.status, d.detail])).toEqual([
      [digests[0], 'valid', undefined],
      [digests[1], 'valid', undefined],
      [digests[2], 'valid', undefined],
      [digests[3], 'invalid', 'signature verification failed'],
    ]);
    const cli = captureIo();
    expect(await main(['node', 'cloudtrail-lab', 'verify-logs', '--bucket', BUCKET, '--endpoint', moto.endpoint, '--key-dir', keyDir], cli.io)).toBe(1);
    expect(cli.out.at(-1)).toBe(`Results requested for all days in s3://${BUCKET}: 3/4 digest files valid, 1 invalid, 1/5 log files valid, 1 modified, 1 deleted, 1 extra, 1 unverified`);
    expect(cli.out).toContain(`Digest file\ts3://${BUCKET}/${digests[3]}\tINVALID: signature verification failed`);
  });

  it('covers the last calls with a final digest at shutdown', async () => {
    if (!moto) return;
    await client(KMSClient).send(new CreateKeyCommand({ Description: 'just before shutdown' }));
    const last = (await cloudtrail.stop()).filter((f) => f.bucket === BUCKET).map((f) => f.key);
    expect(last).toHaveLength(1);
    const report = await verify();
    expect(report.logFiles.find((f) => f.key === last[0])).toMatchObject({ status: 'valid' });
    expect(report.counts.digests.valid).toBe(4);
  });
});
