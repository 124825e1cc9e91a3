import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { EMULATOR_CREDENTIALS, MotoServer, motoAvailable, startMoto } from '../emulator/moto-server';
import { runUploads, uploaderClient } from './uploader';

/** A proxy in front of moto that can answer 503 SlowDown or drop connections, and records user agents. */
class FaultyProxy {
  public readonly userAgents: string[] = [];
  public failuresLeft = 0;
  public resetsLeft = 0;
  public alwaysFail = false;
  private server: http.Server;

  constructor(private readonly target: string) {
    this.server = http.createServer((req, res) => {
      this.userAgents.push(String(req.headers['user-agent'] ?? ''));
      if (this.resetsLeft > 0) {
        this.resetsLeft--;
        req.socket.destroy();
        return;
      }
      if (this.alwaysFail || this.failuresLeft > 0) {
        this.failuresLeft = Math.max(0, this.failuresLeft - 1);
        req.resume();
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        return;
      }
      const url = new URL(req.url ?? '/', this.target);
      const upstream = http.request(url, { method: req.method, headers: req.headers }, (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };

describe('simulator uploads against moto', () => {
  let moto: MotoServer | undefined;
  let proxy: FaultyProxy;
  let endpoint: string;
  let s3: S3Client;

  beforeAll(async () => {
    if (!(await motoAvailable())) {
      console.warn('simulator tests against moto skipped: python3 cannot import moto');
      return;
    }
    moto = await startMoto();
    Object.assign(process.env, EMULATOR_CREDENTIALS, { AWS_REGION: 'us-east-1' });
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'ingest' }));
    proxy = new FaultyProxy(moto.endpoint);
    endpoint = await proxy.start();
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  async function keysOf(runId: string): Promise<string[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'ingest', Prefix: `uploads/${runId}/` }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  }

  it('uploads N unique objects, each request carrying the run id in its user agent', async () => {
    if (!moto) return;
    proxy.userAgents.length = 0;
    const summary = await runUploads({ bucket: 'ingest', count: 5, intervalMs: 10, sizeBytes: 2048, concurrency: 2, runId: 'run-ua' }, uploaderClient('run-ua', endpoint));
    expect(summary).toMatchObject({ planned: 5, sent: 5, failed: 0, retries: 0, interrupted: false });
    expect(await keysOf('run-ua')).toEqual([1, 2, 3, 4, 5].map((i) => `uploads/run-ua/dummy-00000${i}.txt`));
    expect(proxy.userAgents).toHaveLength(5);
    for (const agent of proxy.userAgents) expect(agent).toContain('cloudtrail-labs/run-ua');
  });

  it('retries throttling and dropped connections mid-run, counting each object once', async () => {
    if (!moto) return;
    const s3Client = uploaderClient('run-faults', endpoint);
    let started = 0;
    s3Client.middlewareStack.add(
      (next) => async (args) => {
        // After the third request, the endpoint refuses for a while: four SlowDowns, then two resets.
        if (++started === 3) {
          proxy.failuresLeft = 4;
          proxy.resetsLeft = 2;
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectFaults' },
    );
    const summary = await runUploads({ bucket: 'ingest', count: 8, intervalMs: 5, sizeBytes: 1024, concurrency: 2, runId: 'run-faults' }, s3Client, { retry: FAST_RETRY });
    expect(summary).toMatchObject({ planned: 8, sent: 8, failed: 0, errors: [] });
    expect(summary.retries).toBe(6);
    expect(await keysOf('run-faults')).toHaveLength(8);
  });

  it('counts an upload as failed once its retries run out, and names it', async () => {
    if (!moto) return;
    proxy.alwaysFail = true;
    try {
      const summary = await runUploads({ bucket: 'ingest', count: 2, intervalMs: 0, sizeBytes: 10, concurrency: 1, runId: 'run-down' }, uploaderClient('run-down', endpoint), {
        retry: { ...FAST_RETRY, attempts: 3 },
      });
      expect(summary).toMatchObject({ sent: 0, failed: 2, retries: 4 });
      expect(summary.errors[0]).toMatch(/^uploads\/run-down\/dummy-000001\.txt: SlowDown: Please reduce your request rate\./);
    } finally {
      proxy.alwaysFail = false;
    }
  });

  it('stops scheduling when interrupted, finishes what is in flight, and reports it', async () => {
    if (!moto) return;
    const controller = new AbortController();
    const summary = await runUploads(
      { bucket: 'ingest', count: 100, intervalMs: 30, sizeBytes: 10, concurrency: 1, runId: 'run-stop' },
      uploaderClient('run-stop', endpoint),
      {
        signal: controller.signal,
        progress: { update: (done) => done === 3 && controller.abort(), finish: () => undefined },
      },
    );
    expect(summary.interrupted).toBe(true);
    expect(summary.sent).toBeGreaterThanOrEqual(3);
    expect(summary.sent).toBeLessThan(100);
    expect(await keysOf('run-stop')).toHaveLength(summary.sent);
  });
});
