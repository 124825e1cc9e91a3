import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { EMULATOR_CREDENTIALS, MotoServer, motoAvailable, startMoto } from '../../emulator/moto-server';
import type { EncryptedObject } from './schemes';

// The handlers against moto_server: real SDK calls to its S3 and KMS.
const SOURCE = 'ctlab-test-ingest';
const DESTINATION = 'ctlab-test-encrypted';
const context = (functionName: string) => ({ awsRequestId: 'req-1', functionName });

describe('KMS app and dispatcher handlers against moto', () => {
  let moto: MotoServer | undefined;
  let app: typeof import('./index');
  let schemes: typeof import('./schemes');
  let s3: S3Client;
  let kms: KMSClient;
  let keyArn: string;
  const kmsCalls: string[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    if (!(await motoAvailable())) {
      console.warn('handler tests against moto skipped: python3 cannot import moto');
      return;
    }
    moto = await startMoto();
    Object.assign(process.env, EMULATOR_CREDENTIALS, { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: moto.endpoint });
    // Required only now: the handlers create their SDK clients at load, from AWS_ENDPOINT_URL.
    app = require('./index') as typeof import('./index');
    schemes = require('./schemes') as typeof import('./schemes');
    app.clients.kms.middlewareStack.add(
      (next, ctx) => async (args) => {
        kmsCalls.push(String(ctx.commandName).replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'countKmsCalls' },
    );
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' });
    kms = new KMSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    await s3.send(new CreateBucketCommand({ Bucket: SOURCE }));
    await s3.send(new CreateBucketCommand({ Bucket: DESTINATION }));
    keyArn = (await kms.send(new CreateKeyCommand({ Description: 'test' }))).KeyMetadata!.Arn!;
    Object.assign(process.env, { SOURCE_BUCKET: SOURCE, DESTINATION_BUCKET: DESTINATION, KEY_ARN: keyArn, MAX_OBJECT_BYTES: String(64 * 1024) });
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await moto?.stop();
  });

  beforeEach(() => {
    kmsCalls.length = 0;
    logs.length = 0;
  });

  async function upload(key: string, bytes: Buffer) {
    await s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: bytes }));
  }

  async function encryptedCopy(key: string): Promise<EncryptedObject> {
    const out = await s3.send(new GetObjectCommand({ Bucket: DESTINATION, Key: app.outputKey(key) }));
    return JSON.parse(await out.Body!.transformToString()) as EncryptedObject;
  }

  const input = Buffer.from(Array.from({ length: 16 * 1024 + 100 }, (_, i) => (i * 7) % 256));

  it.each([
    ['envelope', ['GenerateDataKey']],
    ['chunked-encrypt', ['Encrypt', 'Encrypt', 'Encrypt', 'Encrypt', 'Encrypt']],
    ['envelope-self-check', ['GenerateDataKey', 'Decrypt']],
  ])('%s: output decrypts to the input, with the documented KMS calls per object', async (scheme, expectedCalls) => {
    if (!moto) return;
    process.env.SCHEME = scheme;
    const key = `uploads/${scheme}/dummy.txt`;
    await upload(key, input);
    const result = await app.handler({ bucket: SOURCE, key }, context('lambda-app-1'));
    expect(result).toEqual({ source: key, output: `${key}.ctlab-enc.json`, scheme, bytes: input.length });
    expect(kmsCalls).toEqual(expectedCalls);
    const document = await encryptedCopy(key);
    expect(document.scheme).toBe(scheme);
    expect((await schemes.decrypt(kms, document)).equals(input)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: DESTINATION, Key: app.outputKey(key) }));
    expect(head.Metadata).toEqual({ app: 'lambda-app-1', 'key-arn': keyArn, scheme });
    expect(JSON.parse(logs[0])).toMatchObject({ level: 'info', message: 'encrypted', requestId: 'req-1', function: 'lambda-app-1' });
  });

  it('overwrites the same output key when an event is delivered twice', async () => {
    if (!moto) return;
    process.env.SCHEME = 'envelope';
    await upload('twice.txt', Buffer.from('once'));
    const first = await app.handler({ bucket: SOURCE, key: 'twice.txt' }, context('lambda-app-2'));
    const second = await app.handler({ bucket: SOURCE, key: 'twice.txt' }, context('lambda-app-2'));
    expect(second.output).toBe(first.output);
  });

  it('rejects an object over the configured maximum and writes nothing', async () => {
    if (!moto) return;
    process.env.SCHEME = 'envelope';
    await upload('big.bin', Buffer.alloc(64 * 1024 + 1));
    await expect(app.handler({ bucket: SOURCE, key: 'big.bin' }, context('lambda-app-1'))).rejects.toThrow(
      'object s3://ctlab-test-ingest/big.bin is 65537 bytes; this app accepts at most 65536',
    );
    expect(kmsCalls).toEqual([]);
    await expect(s3.send(new HeadObjectCommand({ Bucket: DESTINATION, Key: app.outputKey('big.bin') }))).rejects.toThrow();
    expect(JSON.parse(logs[0])).toMatchObject({ level: 'error', size: 65537, maxBytes: 65536 });
  });

  it('rejects an event for another bucket, and a malformed event, with a logged error', async () => {
    if (!moto) return;
    process.env.SCHEME = 'envelope';
    await expect(app.handler({ bucket: 'someone-else', key: 'x' }, context('a'))).rejects.toThrow('event names bucket "someone-else", but this app only reads "ctlab-test-ingest"');
    await expect(app.handler({}, context('a'))).rejects.toThrow('event must be {"bucket": string, "key": string}');
    expect(logs.map((l) => JSON.parse(l).level)).toEqual(['error', 'error']);
  });

  it('refuses to run when the source and destination buckets are the same', async () => {
    if (!moto) return;
    process.env.SCHEME = 'envelope';
    process.env.DESTINATION_BUCKET = SOURCE;
    try {
      await expect(app.handler({ bucket: SOURCE, key: 'x' }, context('a'))).rejects.toThrow(/both "ctlab-test-ingest": writing there would trigger the pipeline again/);
    } finally {
      process.env.DESTINATION_BUCKET = DESTINATION;
    }
  });

  it('dispatcher invokes an app asynchronously for each record, with the decoded key', async () => {
    if (!moto) return;
    // moto cannot run Lambda functions, so Invoke is captured here instead of sent.
    const dispatcher = require('../random-lambda-call/index') as typeof import('../random-lambda-call/index');
    const invoked: { FunctionName?: string; InvocationType?: string; Payload?: Uint8Array }[] = [];
    dispatcher.clients.lambda.middlewareStack.add(
      () => async (args) => {
        invoked.push(args.input as (typeof invoked)[number]);
        return { output: { StatusCode: 202, $metadata: {} }, response: {} };
      },
      { step: 'initialize', name: 'captureInvoke' },
    );
    Object.assign(process.env, { INGEST_BUCKET: SOURCE, APP_FUNCTIONS: JSON.stringify([{ name: 'lambda-app-1', weight: 1 }]) });
    const record = (key: string) => ({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: SOURCE }, object: { key, size: 3 } } });
    const result = await dispatcher.handler({ Records: [record('my+report+%C3%A9t%C3%A9.txt'), record('plain.txt')] }, context('random-lambda-call'));
    expect(result.dispatched).toEqual([
      { key: 'my report été.txt', app: 'lambda-app-1' },
      { key: 'plain.txt', app: 'lambda-app-1' },
    ]);
    expect(invoked.map((i) => [i.FunctionName, i.InvocationType, JSON.parse(Buffer.from(i.Payload!).toString()).key])).toEqual([
      ['lambda-app-1', 'Event', 'my report été.txt'],
      ['lambda-app-1', 'Event', 'plain.txt'],
    ]);
  });
});
