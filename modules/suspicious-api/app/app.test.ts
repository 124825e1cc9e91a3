import { AppDeps, GREETING, createApp } from './app';
import { readConfig } from './config';
import { CATS } from './cats';

type Handler = (input: Record<string, unknown>) => unknown;

/** A fake SDK client: records each command (name and input) and answers with the handler for its name. */
function fakeClient(handlers: Record<string, Handler>, delayMs = 5) {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  return {
    calls,
    names: () => calls.map((c) => c.name),
    client: {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name.replace(/Command$/, '');
        calls.push({ name, input: command.input });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const handler = handlers[name];
        if (!handler) throw new Error(`fake client: unexpected ${name}`);
        return handler(command.input);
      },
    },
  };
}

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const CONFIG: AppDeps['config'] = {
  region: 'eu-west-1',
  minerAmiId: 'ami-0123456789abcdef0',
  minerSubnetId: 'subnet-0123456789abcdef0',
  minerSecurityGroupId: 'sg-0123456789abcdef0',
  minerLifetimeMinutes: 45,
  launchedBy: 'ctlab-suspicious-api-cat-api',
  terminateWaitSeconds: 1,
};

function setup(overrides: { s3?: Record<string, Handler>; ec2?: Record<string, Handler> } = {}) {
  let instanceState = 'running';
  const s3 = fakeClient({ CreateBucket: () => ({}), PutBucketTagging: () => ({}), PutObject: () => ({}), DeleteObject: () => ({}), DeleteBucket: () => ({}), ...overrides.s3 });
  const ec2 = fakeClient({
    DescribeInstances: (input) =>
      input.InstanceIds ? { Reservations: [{ Instances: (input.InstanceIds as string[]).map((id) => ({ InstanceId: id, State: { Name: instanceState } })) }] } : { Reservations: [] },
    RunInstances: () => ({ Instances: [{ InstanceId: 'i-0aaaabbbbccccdddd' }] }),
    TerminateInstances: () => {
      instanceState = 'terminated';
      return {};
    },
    ...overrides.ec2,
  });
  const logs: string[] = [];
  let n = 0;
  const app = createApp({
    s3: s3.client as unknown as AppDeps['s3'],
    ec2: ec2.client as unknown as AppDeps['ec2'],
    config: CONFIG,
    uuid: () => `00000000-0000-4000-8000-00000000000${n++}`,
    random: () => 0,
    sleep: async () => undefined,
    pollIntervalMs: 0,
    write: (line) => logs.push(line),
  });
  return { app, s3, ec2, logs, setInstanceState: (s: string) => (instanceState = s) };
}

const get = (path: string) => ({ method: 'GET', path, requestId: 'req-1' });

describe('cat API', () => {
  it('greets on / as the original does', async () => {
    const { app, s3, ec2 } = setup();
    const response = await app.handle(get('/'));
    expect(response).toMatchObject({ status: 200, body: `${GREETING}\n` });
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(s3.calls).toEqual([]);
    expect(ec2.calls).toEqual([]);
  });

  it('serves a cat picture shipped with the app on /cat', async () => {
    const { app } = setup();
    const response = await app.handle(get('/cat'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(response.body).toBe(CATS[0].svg);
    expect(response.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>$/);
  });

  it('the first /cat creates the tagged bucket with readme.txt and launches one tagged, self-terminating t3.micro', async () => {
    const { app, s3, ec2 } = setup();
    await app.handle(get('/cat'));
    expect(s3.names()).toEqual(['CreateBucket', 'PutBucketTagging', 'PutObject']);
    const bucket = s3.calls[0].input.Bucket as string;
    expect(bucket).toMatch(/^random-val-[0-9a-f-]{36}$/);
    expect(s3.calls[0].input.CreateBucketConfiguration).toEqual({ LocationConstraint: 'eu-west-1' });
    expect(s3.calls[1].input).toEqual({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'lab', Value: 'cloudtrail' }, { Key: 'launched-by', Value: 'ctlab-suspicious-api-cat-api' }] } });
    expect(s3.calls[2].input).toMatchObject({ Bucket: bucket, Key: 'readme.txt', Body: 'PWNED?' });

    expect(ec2.names()).toEqual(['DescribeInstances', 'RunInstances']);
    const run = ec2.calls[1].input;
    const tags = [
      { Key: 'Name', Value: 'crypto-miner' },
      { Key: 'lab', Value: 'cloudtrail' },
      { Key: 'launched-by', Value: 'ctlab-suspicious-api-cat-api' },
    ];
    expect(run.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, DeleteOnTermination: true, VolumeType: 'gp3', VolumeSize: 8 } }]);
    expect(run).toMatchObject({
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: 'subnet-0123456789abcdef0',
      SecurityGroupIds: ['sg-0123456789abcdef0'],
      InstanceInitiatedShutdownBehavior: 'terminate',
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
    });
    expect(Buffer.from(run.UserData as string, 'base64').toString()).toContain('shutdown -P +45 ');
    expect(app.state).toEqual({ bucket, instanceId: 'i-0aaaabbbbccccdddd' });
  });

  it('creates once, even for concurrent first requests, and never again while it exists', async () => {
    const { app, s3, ec2 } = setup();
    const responses = await Promise.all(Array.from({ length: 8 }, () => app.handle(get('/cat'))));
    await app.handle(get('/cat'));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(s3.names().filter((n) => n === 'CreateBucket')).toHaveLength(1);
    expect(ec2.names().filter((n) => n === 'RunInstances')).toHaveLength(1);
  });

  it('does not launch a second miner when one of this deployment is still running (after an app restart)', async () => {
    const { app, ec2 } = setup({
      ec2: { DescribeInstances: () => ({ Reservations: [{ Instances: [{ InstanceId: 'i-0eeeeffff00001111', State: { Name: 'running' } }] }] }) },
    });
    await app.handle(get('/cat'));
    expect(ec2.names()).toEqual(['DescribeInstances']);
    expect(ec2.calls[0].input.Filters).toEqual(
      expect.arrayContaining([
        { Name: 'tag:Name', Values: ['crypto-miner'] },
        { Name: 'tag:launched-by', Values: ['ctlab-suspicious-api-cat-api'] },
      ]),
    );
    expect(app.state.instanceId).toBe('i-0eeeeffff00001111');
  });

  it('still serves the cat when creating fails, and logs why', async () => {
    const { app, logs } = setup({ s3: { CreateBucket: () => Promise.reject(awsError('AccessDenied', 'not allowed')) } });
    const response = await app.handle(get('/cat'));
    expect(response.status).toBe(200);
    expect(logs.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'could not create the decoy bucket', error: 'AccessDenied: not allowed', requestId: 'req-1' }),
    );
    expect(app.state.bucket).toBeUndefined();
  });

  it('/enough deletes the object, the bucket and the miner, waits for the termination, and reports each', async () => {
    const { app, s3, ec2 } = setup();
    await app.handle(get('/cat'));
    const bucket = app.state.bucket;
    s3.calls.length = 0;
    ec2.calls.length = 0;
    const response = await app.handle(get('/enough'));
    expect(response.status).toBe(200);
    const report = JSON.parse(response.body);
    expect(report.removed).toEqual(
      expect.arrayContaining([
        { resource: `s3://${bucket}/readme.txt`, action: 'DeleteObject' },
        { resource: `s3://${bucket}`, action: 'DeleteBucket' },
        { resource: 'i-0aaaabbbbccccdddd', action: 'TerminateInstances' },
      ]),
    );
    expect(report.failed).toEqual([]);
    expect(report.message).toBe('Cleaned: removed 3 resource(s)');
    expect(s3.names()).toEqual(['DeleteObject', 'DeleteBucket']);
    expect(ec2.names()).toEqual(['DescribeInstances', 'TerminateInstances', 'DescribeInstances']);
    expect(app.state).toEqual({ bucket: undefined, instanceId: undefined });
  });

  it('/enough reports a failed delete honestly, with a non-2xx status, and retries it on the next call', async () => {
    let bucketDeletes = 0;
    const { app } = setup({
      s3: { DeleteBucket: () => (++bucketDeletes === 1 ? Promise.reject(awsError('AccessDenied', 'Access Denied')) : {}) },
    });
    await app.handle(get('/cat'));
    const bucket = app.state.bucket;
    const first = await app.handle(get('/enough'));
    expect(first.status).toBe(500);
    const report = JSON.parse(first.body);
    expect(report.failed).toEqual([{ resource: `s3://${bucket}`, action: 'DeleteBucket', error: 'AccessDenied: Access Denied' }]);
    expect(report.removed).toEqual(expect.arrayContaining([{ resource: 'i-0aaaabbbbccccdddd', action: 'TerminateInstances' }]));
    expect(report.message).toMatch(/^Cleanup incomplete: 1 failed, 2 removed/);
    expect(first.body).not.toContain('Cleaned!');

    const second = await app.handle(get('/enough'));
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body).removed).toContainEqual({ resource: `s3://${bucket}`, action: 'DeleteBucket' });
  });

  it('/enough fails when the miner is not terminated in time', async () => {
    const { app, setInstanceState } = setup({ ec2: { TerminateInstances: () => ({}) } });
    await app.handle(get('/cat'));
    setInstanceState('shutting-down');
    const response = await app.handle(get('/enough'));
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body).failed).toEqual([
      { resource: 'i-0aaaabbbbccccdddd', action: 'TerminateInstances', error: 'still shutting-down after waiting 1 s' },
    ]);
    expect(app.state.instanceId).toBe('i-0aaaabbbbccccdddd');
  });

  it('/enough counts an instance EC2 no longer knows, and a bucket already deleted, as gone', async () => {
    const { app } = setup({
      s3: { DeleteObject: () => Promise.reject(awsError('NoSuchBucket', 'gone')), DeleteBucket: () => Promise.reject(awsError('NoSuchBucket', 'gone')) },
      ec2: { TerminateInstances: () => Promise.reject(awsError('InvalidInstanceID.NotFound', 'gone')) },
    });
    await app.handle(get('/cat'));
    const response = await app.handle(get('/enough'));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).removed.map((r: { note?: string }) => r.note)).toEqual(['already gone', 'already gone', 'already gone']);
  });

  it('/enough with nothing created says so', async () => {
    const { app } = setup();
    const response = await app.handle(get('/enough'));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ message: 'Nothing to clean: this app has nothing left to remove', removed: [], failed: [] });
  });

  it('after a successful /enough, the next /cat creates again (one miner at a time, not one ever)', async () => {
    const { app, ec2 } = setup();
    await app.handle(get('/cat'));
    await app.handle(get('/enough'));
    await app.handle(get('/cat'));
    expect(ec2.names().filter((n) => n === 'RunInstances')).toHaveLength(2);
  });

  it('answers 404 for other paths and 405 for other methods, and logs each request with its id', async () => {
    const { app, logs } = setup();
    expect((await app.handle(get('/dog'))).status).toBe(404);
    const post = await app.handle({ method: 'POST', path: '/cat', requestId: 'req-2' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(JSON.parse(logs[1])).toMatchObject({ level: 'info', message: 'request', requestId: 'req-2', method: 'POST', path: '/cat', status: 405 });
  });
});

describe('readConfig', () => {
  const base = { AWS_REGION: 'us-east-1', MINER_AMI_ID: 'ami-0123456789abcdef0' };

  it('reads the defaults: port 8080, a 60-minute miner lifetime, a 300 s termination wait', () => {
    expect(readConfig(base)).toMatchObject({ port: 8080, host: '0.0.0.0', region: 'us-east-1', minerLifetimeMinutes: 60, terminateWaitSeconds: 300, launchedBy: 'suspicious-api' });
  });

  it('rejects a missing region and AMI, and a bad lifetime, listing every problem', () => {
    expect(() => readConfig({ MINER_LIFETIME_MINUTES: '0' })).toThrow(
      /AWS_REGION is not set[\s\S]*MINER_AMI_ID is not set[\s\S]*MINER_LIFETIME_MINUTES must be a whole number from 1 to 1440, got "0"/,
    );
  });

  it.each([
    [{ MINER_SUBNET_ID: 'subnet-x' }, /MINER_SUBNET_ID "subnet-x" is not a subnet id/],
    [{ PORT: 'eighty' }, /PORT must be a whole number from 0 to 65535/],
    [{ AWS_ENDPOINT_URL: 'localhost:5000' }, /AWS_ENDPOINT_URL "localhost:5000" is not an http\(s\) URL/],
  ])('rejects %p', (extra, message) => {
    expect(() => readConfig({ ...base, ...extra })).toThrow(message);
  });
});
