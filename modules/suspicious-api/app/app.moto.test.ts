import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { GetBucketTaggingCommand, GetObjectCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeInstanceAttributeCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { Edge, startEdge } from '../../../emulator/edge/edge-server';
import { IdentityRegistry } from '../../../emulator/edge/identities';
import { EMULATOR_CREDENTIALS, MotoServer, freePort, motoAvailable, startMoto } from '../../../emulator/moto-server';
import { bundleApp } from '../../nodejs-function/bundle';
import { CleanupReport, createApp } from './app';
import { createServer } from './server';

// The cat API's endpoints against moto_server through the local edge, with the
// instance role's identity: real SDK calls, a real HTTP server, and the
// CloudTrail records the edge writes of what the app did.
const INSTANCE_ROLE = { accessKeyId: 'ASIAINSTANCEROLE0001', secretAccessKey: 'instance-secret' };

describe('cat API against moto, through the edge', () => {
  let moto: MotoServer | undefined;
  let edge: Edge;
  const records: Record<string, unknown>[] = [];
  let s3: S3Client;
  let ec2: EC2Client;
  let server: http.Server;
  let url: string;
  let amiId: string;
  let subnetId: string;

  beforeAll(async () => {
    if (!(await motoAvailable())) {
      console.warn('cat API tests against moto skipped: python3 cannot import moto');
      return;
    }
    moto = await startMoto();
    Object.assign(process.env, EMULATOR_CREDENTIALS);
    const identities = new IdentityRegistry();
    identities.register(INSTANCE_ROLE.accessKeyId, { type: 'AssumedRole', roleName: 'cat-api-role', sessionName: 'i-0123456789abcdef0', accountId: '123456789012', roleId: 'AROACATAPI' });
    edge = await startEdge({ target: moto.endpoint, accountId: '123456789012', identities, onRecord: (r) => void records.push(r) });
    // The test's own checks go to moto directly (unrecorded); the app's calls go through the edge.
    const direct = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY } };
    s3 = new S3Client({ ...direct, forcePathStyle: true });
    ec2 = new EC2Client(direct);
    const config = { endpoint: edge.endpoint, region: 'us-east-1', credentials: INSTANCE_ROLE };
    amiId = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
    subnetId = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets![0].SubnetId!;
    const app = createApp({
      s3: new S3Client({ ...config, forcePathStyle: true }),
      ec2: new EC2Client(config),
      config: { region: 'us-east-1', minerAmiId: amiId, minerSubnetId: subnetId, minerLifetimeMinutes: 60, launchedBy: 'moto-test', terminateWaitSeconds: 30 },
      pollIntervalMs: 200,
      write: () => undefined,
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await edge?.stop();
    await moto?.stop();
  });

  async function miners(): Promise<{ id: string; state: string; tags: Record<string, string> }[]> {
    const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['crypto-miner'] }] }));
    return (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => ({ id: i.InstanceId!, state: i.State!.Name!, tags: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value!])) }));
  }

  it('/, /cat (creating the bucket and the miner once), then /enough removing both', async () => {
    if (!moto) return;
    const home = await fetch(`${url}/`);
    expect(await home.text()).toBe('Hello World! Try /cat to receive a cool kitty image\n');

    const [cat] = await Promise.all([fetch(`${url}/cat`), fetch(`${url}/cat`), fetch(`${url}/cat`)]);
    expect(cat.status).toBe(200);
    expect(cat.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await cat.text()).toContain('<svg');

    const running = (await miners()).filter((m) => m.state !== 'terminated');
    expect(running).toHaveLength(1);
    expect(running[0].tags).toMatchObject({ Name: 'crypto-miner', lab: 'cloudtrail', 'launched-by': 'moto-test' });
    const behaviour = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: running[0].id, Attribute: 'instanceInitiatedShutdownBehavior' }));
    expect(behaviour.InstanceInitiatedShutdownBehavior?.Value).toBe('terminate');
    const userData = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: running[0].id, Attribute: 'userData' }));
    expect(Buffer.from(userData.UserData!.Value!, 'base64').toString()).toContain('shutdown -P +60 ');

    const buckets = await listDecoyBuckets();
    expect(buckets).toHaveLength(1);
    const tagging = await s3.send(new GetBucketTaggingCommand({ Bucket: buckets[0] }));
    expect(tagging.TagSet).toEqual([{ Key: 'lab', Value: 'cloudtrail' }, { Key: 'launched-by', Value: 'moto-test' }]);
    const readme = await s3.send(new GetObjectCommand({ Bucket: buckets[0], Key: 'readme.txt' }));
    expect(await readme.Body!.transformToString()).toBe('PWNED?');

    const enough = await fetch(`${url}/enough`);
    const report = (await enough.json()) as CleanupReport;
    expect(enough.status).toBe(200);
    expect(report.failed).toEqual([]);
    expect(report.removed.map((r) => r.action).sort()).toEqual(['DeleteBucket', 'DeleteObject', 'TerminateInstances']);
    await expect(s3.send(new HeadBucketCommand({ Bucket: buckets[0] }))).rejects.toThrow();
    expect((await miners()).every((m) => m.state === 'terminated')).toBe(true);

    // What the trail shows: the seed's calls, each by the instance's role session.
    const byInstance = records.filter((r) => (r.userIdentity as { arn?: string }).arn === 'arn:aws:sts::123456789012:assumed-role/cat-api-role/i-0123456789abcdef0');
    expect(byInstance).toHaveLength(records.length);
    const names = records.map((r) => r.eventName);
    for (const name of ['CreateBucket', 'PutBucketTagging', 'PutObject', 'RunInstances', 'DeleteObject', 'DeleteBucket', 'TerminateInstances']) expect(names).toContain(name);
    expect(names.filter((n) => n === 'RunInstances')).toHaveLength(1);
    // The investigator's way to the miner: RunInstances' responseElements name the instance it launched.
    const launch = records.find((r) => r.eventName === 'RunInstances') as { requestParameters: Record<string, unknown>; responseElements: { instancesSet: { items: { instanceId: string }[] } } };
    expect(launch.responseElements.instancesSet.items.map((i) => i.instanceId)).toEqual([running[0].id]);
    expect(launch.requestParameters).toMatchObject({ instanceType: 't3.micro', tagSpecificationSet: { items: expect.arrayContaining([expect.objectContaining({ resourceType: 'instance' })]) } });
    expect(launch.requestParameters).not.toHaveProperty('userData');
    expect(names.filter((n) => n === 'CreateBucket')).toHaveLength(1);
  }, 60_000);

  it('/enough reports a bucket it could not delete with a 500, and still terminates the miner', async () => {
    if (!moto) return;
    await fetch(`${url}/cat`);
    const [bucket] = await listDecoyBuckets();
    // Someone put another object in the bucket: DeleteBucket fails with BucketNotEmpty.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'loot.bin', Body: 'x' }));
    records.length = 0;
    const enough = await fetch(`${url}/enough`);
    expect(enough.status).toBe(500);
    expect(records).toContainEqual(expect.objectContaining({ eventName: 'DeleteBucket', errorCode: 'BucketNotEmpty' }));
    const report = (await enough.json()) as CleanupReport;
    expect(report.failed).toEqual([{ resource: `s3://${bucket}`, action: 'DeleteBucket', error: expect.stringMatching(/^BucketNotEmpty: /) }]);
    expect(report.removed.map((r) => r.action).sort()).toEqual(['DeleteObject', 'TerminateInstances']);
    expect((await miners()).every((m) => m.state === 'terminated')).toBe(true);
  }, 60_000);

  it('the esbuild bundle runs as a plain Node process configured by environment variables', async () => {
    if (!moto) return;
    const bundle = bundleApp(path.join(__dirname, 'server.ts'));
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', path.join(bundle.dir, 'index.js')], {
      env: {
        PATH: process.env.PATH,
        ...EMULATOR_CREDENTIALS,
        PORT: String(port),
        HOST: '127.0.0.1',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: moto.endpoint,
        MINER_AMI_ID: amiId,
        MINER_LAUNCHED_BY: 'bundle-test',
        TERMINATE_WAIT_SECONDS: '30',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 15_000;
      while (!output.includes('"message":"listening"')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the bundle did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('Hello World!');
      expect((await fetch(`http://127.0.0.1:${port}/cat`)).status).toBe(200);
      expect((await miners()).filter((m) => m.tags['launched-by'] === 'bundle-test' && m.state !== 'terminated')).toHaveLength(1);
      expect((await fetch(`http://127.0.0.1:${port}/enough`)).status).toBe(200);
      // stdout is the app's JSON log, one object per line (Node's own warnings go to stderr).
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.find((l) => l.message === 'launched the miner')).toMatchObject({ level: 'info', function: 'suspicious-api', requestId: expect.any(String) });
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  async function listDecoyBuckets(): Promise<string[]> {
    const out = await s3.send(new ListBucketsCommand({}));
    return (out.Buckets ?? []).map((b) => b.Name!).filter((n) => n.startsWith('random-val-'));
  }
});
