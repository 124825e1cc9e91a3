import { ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetBucketNotificationConfigurationCommand, LambdaFunctionConfiguration, S3Client } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { IdentityRegistry } from '../edge/identities';
import { directMotoConfig } from '../moto-server';

/** What the runtime needs to run a function that Terraform deployed to the emulator. */
export interface LocalFunction {
  readonly name: string;
  /** Folder holding the esbuild bundle (index.js). */
  readonly bundleDir: string;
}

interface Deployed {
  readonly name: string;
  readonly arn: string;
  readonly handler: string;
  readonly timeoutMs: number;
  readonly env: Record<string, string>;
  readonly roleName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly maxRetries: number;
  readonly onFailure?: string;
}

interface Host {
  child: ChildProcess;
  ready: Promise<void>;
  busy: Promise<unknown>;
}

export interface InvokeResult {
  readonly ok: boolean;
  readonly payload: unknown;
  readonly errorType?: string;
  readonly errorMessage?: string;
}

export interface LocalLambdaOptions {
  readonly motoEndpoint: string;
  /** Where the functions' own SDK calls go: the edge, so they are recorded with the function role's identity. */
  readonly edgeEndpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly identities: IdentityRegistry;
  readonly onLog?: (line: string) => void;
}

const HOST = path.join(__dirname, 'host.js');

/** `s3:ObjectCreated:*` matches `s3:ObjectCreated:Put`. */
function eventMatches(patterns: string[], event: string): boolean {
  return patterns.some((p) => p === event || (p.endsWith('*') && event.startsWith(p.slice(0, -1))));
}

/** S3 writes keys into event notifications URL-encoded, with `+` for a space. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * Runs the deployed Lambda functions locally (moto cannot without Docker):
 * each function in a warm child process with its configured handler,
 * environment and timeout, its SDK calls going through the edge under the
 * function role's identity. Asynchronous invocations retry as configured and
 * then go to the on-failure destination; S3 event notifications are read from
 * the bucket's configuration.
 */
export class LocalLambda {
  private readonly deployed = new Map<string, Deployed>();
  private readonly hosts = new Map<string, Host>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly notifications = new Map<string, LambdaFunctionConfiguration[]>();
  private readonly moto: { lambda: LambdaClient; s3: S3Client; sqs: SQSClient };
  public readonly failures: { function: string; error: string }[] = [];

  constructor(private readonly options: LocalLambdaOptions, private readonly bundles: Map<string, string>) {
    const config = directMotoConfig(options.motoEndpoint, options.region, 'AKIALOCALLAMBDA00001');
    this.moto = { lambda: new LambdaClient(config), s3: new S3Client({ ...config, forcePathStyle: true }), sqs: new SQSClient(config) };
  }

  private async describe(name: string): Promise<Deployed> {
    const known = this.deployed.get(name);
    if (known) return known;
    if (!this.bundles.has(name)) throw new Error(`function ${name} has no local bundle; known functions: ${[...this.bundles.keys()].join(', ')}`);
    const config = await this.moto.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const invokeConfig = await this.moto.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })).catch(() => undefined);
    const roleName = (config.Role ?? '').split('/').pop() ?? name;
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.options.identities.register(accessKeyId, { type: 'AssumedRole', roleName, sessionName: name, accountId: this.options.accountId, roleId: `AROA${randomBytes(6).toString('hex').toUpperCase()}` });
    const deployed: Deployed = {
      name,
      arn: config.FunctionArn ?? `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${name}`,
      handler: config.Handler ?? 'index.handler',
      timeoutMs: (config.Timeout ?? 3) * 1000,
      env: config.Environment?.Variables ?? {},
      roleName,
      accessKeyId,
      secretAccessKey: randomBytes(16).toString('hex'),
      maxRetries: invokeConfig?.MaximumRetryAttempts ?? 2,
      onFailure: invokeConfig?.DestinationConfig?.OnFailure?.Destination,
    };
    this.deployed.set(name, deployed);
    return deployed;
  }

  private host(fn: Deployed): Host {
    const existing = this.hosts.get(fn.name);
    if (existing && existing.child.exitCode === null) return existing;
    const child = fork(HOST, [this.bundles.get(fn.name) as string], {
      env: {
        PATH: process.env.PATH,
        ...fn.env,
        CTLAB_HANDLER: fn.handler,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_REGION: this.options.region,
        AWS_DEFAULT_REGION: this.options.region,
        AWS_ACCESS_KEY_ID: fn.accessKeyId,
        AWS_SECRET_ACCESS_KEY: fn.secretAccessKey,
        AWS_ENDPOINT_URL: this.options.edgeEndpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.on('data', (d: Buffer) => d.toString().trim().split('\n').forEach((l) => this.options.onLog?.(`[${fn.name}] ${l}`)));
    child.stderr?.on('data', (d: Buffer) => d.toString().trim().split('\n').forEach((l) => this.options.onLog?.(`[${fn.name}] ${l}`)));
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? resolve() : reject(new Error(`${fn.name} failed to start: ${m.message}`))));
      child.once('exit', (code) => reject(new Error(`${fn.name} exited with code ${code} while starting`)));
    });
    ready.catch(() => undefined);
    const host = { child, ready, busy: Promise.resolve() as Promise<unknown> };
    this.hosts.set(fn.name, host);
    return host;
  }

  /** One invocation, one at a time per function (a warm container), killed at its timeout. */
  private runOnce(fn: Deployed, event: unknown): Promise<InvokeResult> {
    const host = this.host(fn);
    const run = host.busy.then(async () => {
      await host.ready;
      const id = randomUUID();
      return new Promise<InvokeResult>((resolve) => {
        const timer = setTimeout(() => {
          host.child.kill('SIGKILL');
          this.hosts.delete(fn.name);
          resolve({ ok: false, payload: null, errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutMs / 1000} seconds` });
        }, fn.timeoutMs);
        const onMessage = (m: { type: string; id?: string; result?: unknown; errorType?: string; errorMessage?: string }) => {
          if (m.id !== id) return;
          clearTimeout(timer);
          host.child.off('message', onMessage);
          resolve(m.type === 'result' ? { ok: true, payload: m.result } : { ok: false, payload: { errorType: m.errorType, errorMessage: m.errorMessage }, errorType: m.errorType, errorMessage: m.errorMessage });
        };
        host.child.on('message', onMessage);
        host.child.send({ id, event, requestId: randomUUID(), functionArn: fn.arn, deadline: Date.now() + fn.timeoutMs });
      });
    });
    host.busy = run.catch(() => undefined);
    return run;
  }

  /** A synchronous (RequestResponse) invocation. */
  async invoke(name: string, event: unknown): Promise<InvokeResult> {
    return this.runOnce(await this.describe(name), event);
  }

  /** An asynchronous (Event) invocation: retried as configured, then sent to the on-failure destination. */
  invokeAsync(name: string, event: unknown): void {
    const work = (async () => {
      const fn = await this.describe(name);
      let last: InvokeResult | undefined;
      for (let attempt = 0; attempt <= fn.maxRetries; attempt++) {
        last = await this.runOnce(fn, event);
        if (last.ok) return;
      }
      this.failures.push({ function: name, error: `${last?.errorType}: ${last?.errorMessage}` });
      if (fn.onFailure) {
        const queueName = fn.onFailure.split(':').pop() as string;
        const queueUrl = `${this.options.motoEndpoint}/${this.options.accountId}/${queueName}`;
        await this.moto.sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify({ version: '1.0', requestContext: { functionArn: fn.arn, condition: 'RetriesExhausted', approximateInvokeCount: fn.maxRetries + 1 }, requestPayload: event, responsePayload: last?.payload }),
          }),
        );
      }
    })().catch((error) => void this.failures.push({ function: name, error: (error as Error).message }));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** After an object is written: the bucket's Lambda notifications that match, invoked asynchronously. */
  async objectCreated(bucket: string, key: string, size: number, eventName: string): Promise<void> {
    let configs = this.notifications.get(bucket);
    if (!configs) {
      const found = await this.moto.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })).catch(() => undefined);
      configs = found?.LambdaFunctionConfigurations ?? [];
      this.notifications.set(bucket, configs);
    }
    for (const config of configs) {
      if (!eventMatches((config.Events ?? []) as string[], `s3:${eventName}`)) continue;
      const rules = config.Filter?.Key?.FilterRules ?? [];
      const prefix = rules.find((r) => r.Name?.toLowerCase() === 'prefix')?.Value ?? '';
      const suffix = rules.find((r) => r.Name?.toLowerCase() === 'suffix')?.Value ?? '';
      if (!key.startsWith(prefix) || !key.endsWith(suffix)) continue;
      const name = (config.LambdaFunctionArn ?? '').split(':').pop() as string;
      this.invokeAsync(name, {
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: this.options.region,
            eventTime: new Date().toISOString(),
            eventName,
            s3: { s3SchemaVersion: '1.0', configurationId: config.Id, bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encodeS3EventKey(key), size } },
          },
        ],
      });
    }
  }

  /** Forget cached notification settings of a bucket (after PutBucketNotificationConfiguration). */
  notificationsChanged(bucket: string): void {
    this.notifications.delete(bucket);
  }

  /** Counts work started elsewhere (event-bus and SNS deliveries) as in flight, so idle() waits for it too. */
  track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined);
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  /** Resolves when no invocation is queued or running, including those they start, nor any tracked work. */
  async idle(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      if (Date.now() > deadline) throw new Error(`local Lambda invocations still running after ${timeoutMs / 1000} s`);
      await Promise.race([Promise.all(this.pending), new Promise((r) => setTimeout(r, 200))]);
    }
  }

  /** Stops every warm container. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.hosts.values()].map(
        (h) =>
          new Promise<void>((resolve) => {
            if (h.child.exitCode !== null) return resolve();
            h.child.once('exit', () => resolve());
            h.child.kill('SIGTERM');
          }),
      ),
    );
    this.hosts.clear();
  }
}
