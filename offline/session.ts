import { randomBytes } from 'node:crypto';
import { Edge, startEdge } from '../emulator/edge/edge-server';
import { loadOrCreateDigestKeyPair } from '../emulator/edge/digest';
import { IamKeys } from '../emulator/edge/iam-keys';
import { IdentityRegistry } from '../emulator/edge/identities';
import { Operation } from '../emulator/edge/operation';
import { S3KmsCalls } from '../emulator/edge/s3-kms-calls';
import { LocalEventBus } from '../emulator/events/event-bus';
import { InstanceApps } from '../emulator/instance-apps';
import { LocalLambda } from '../emulator/lambda/runtime';
import { LocalCloudTrail } from '../emulator/local-cloudtrail';
import { MotoServer, startMoto } from '../emulator/moto-server';
import { WebhookSink, startWebhookSink } from '../emulator/webhook-sink';

/** moto's account. */
export const LOCAL_ACCOUNT = '123456789012';

export interface LocalSession {
  readonly moto: MotoServer;
  readonly edge: Edge;
  readonly cloudtrail: LocalCloudTrail;
  readonly lambda: LocalLambda;
  /** The local EventBridge default bus and SNS delivery to Lambda: see its failedDeliveries. */
  readonly events: LocalEventBus;
  readonly identities: IdentityRegistry;
  /** Apps run as if on the stack's EC2 instances, with their instance role's identity. */
  readonly instances: InstanceApps;
  /** A local stand-in for a Slack webhook: alerts posted to its URL are kept. */
  readonly webhook: WebhookSink;
  /** The lab operator's keys: every call made with them is recorded as the IAM user `lab-operator`. */
  readonly operator: { accessKeyId: string; secretAccessKey: string };
  readonly region: string;
  /** Resolves when no Lambda invocation, event-bus or SNS delivery is queued or running. */
  idle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SessionOptions {
  readonly region: string;
  /** Function name -> bundle folder, for the local Lambda runtime. */
  readonly bundles: Map<string, string>;
  /** Seconds between log deliveries while running. @default 5 */
  readonly deliveryIntervalSeconds?: number;
  readonly onLog?: (line: string) => void;
  /**
   * Folder of the RSA key pair that signs digest files of trails with log
   * file validation (made on first use); keep it to verify logs later.
   * @default - no digest files
   */
  readonly digestKeyDir?: string;
}

/**
 * Everything an offline run needs, started together and stopped together:
 * moto (with our shims), the edge in front of it recording CloudTrail, trail
 * delivery, the local Lambda runtime, and the local event bus (EventBridge
 * rules, EC2 state-change events, SNS to Lambda). `stop` delivers what is
 * left first.
 */
export async function startLocalSession(options: SessionOptions): Promise<LocalSession> {
  const log = (line: string) => options.onLog?.(line);
  // What can fail without a process to clean up comes first.
  const digestKey = options.digestKeyDir ? loadOrCreateDigestKeyPair(options.digestKeyDir) : undefined;
  const started: { name: string; stop: () => Promise<unknown> }[] = [];
  /** Stops what started, newest first; one failing step does not keep the others running. */
  const stopAll = async () => {
    for (const part of started.reverse()) {
      try {
        await part.stop();
      } catch (error) {
        log(`stopping ${part.name} failed: ${(error as Error).message}`);
      }
    }
    started.length = 0;
  };
  try {
    const webhook = await startWebhookSink(randomBytes(12).toString('hex'));
    started.push({ name: 'the webhook sink', stop: () => webhook.stop() });
    const moto = await startMoto();
    started.push({ name: 'moto', stop: () => moto.stop() });
    const identities = new IdentityRegistry();
    const operator = { accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(20).toString('hex') };
    identities.register(operator.accessKeyId, { type: 'IAMUser', userName: 'lab-operator', accountId: LOCAL_ACCOUNT, principalId: `AIDA${randomBytes(8).toString('hex').toUpperCase()}` });
    const cloudtrail = new LocalCloudTrail({ motoEndpoint: moto.endpoint, accountId: LOCAL_ACCOUNT, region: options.region, digestKey });
    const iamKeys = new IamKeys({ motoEndpoint: moto.endpoint, accountId: LOCAL_ACCOUNT, identities });
    const s3KmsCalls = new S3KmsCalls({
      motoEndpoint: moto.endpoint,
      region: options.region,
      accountId: LOCAL_ACCOUNT,
      identities,
      trailArnForObject: (bucket, key) => cloudtrail.configuredTrails.find((t) => t.bucket === bucket && key.startsWith(`${t.prefix ? `${t.prefix}/` : ''}AWSLogs/`))?.arn,
    });
    let lambda: LocalLambda | undefined;
    let events: LocalEventBus | undefined;
    /** A hook that fails is logged, never turned into a failed call: moto has already done the work. */
    const hook = async (name: string, op: Operation, work: () => unknown) => {
      try {
        await work();
      } catch (error) {
        log(`edge: ${name} after ${op.service} ${op.name} failed: ${(error as Error).message}`);
      }
    };
    const edge = await startEdge({
      target: moto.endpoint,
      accountId: LOCAL_ACCOUNT,
      identities,
      onRecord: (record, op) => cloudtrail.record(record, op),
      onError: (error) => log(`edge: ${error.stack ?? error.message}`),
      intercept: async (op, body) => {
        if (op.service === 'events') return events?.intercept(op);
        if (op.service !== 'lambda' || op.name !== 'Invoke' || !lambda) return undefined;
        const name = String(op.params.functionName).split(':').pop() as string;
        const event = body.length ? JSON.parse(body.toString('utf8')) : {};
        if (op.params.invocationType === 'Event') {
          lambda.invokeAsync(name, event);
          return { status: 202, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) };
        }
        const result = await lambda.invoke(name, event);
        return {
          status: 200,
          headers: { 'content-type': 'application/json', ...(result.ok ? {} : { 'x-amz-function-error': 'Unhandled' }) },
          body: Buffer.from(JSON.stringify(result.payload)),
        };
      },
      afterCall: async (op, _status, bytes, response) => {
        await hook('the event bus', op, () => events?.afterCall(op, response));
        await hook('learning IAM keys', op, () => iamKeys.after(op));
        await hook("recording S3's KMS calls", op, async () => {
          for (const record of await s3KmsCalls.recordsFor(op)) await cloudtrail.record(record, { ...op, service: 'kms', name: String(record.eventName) });
        });
        if (!lambda || op.service !== 's3') return;
        const runtime = lambda;
        if (op.name === 'PutBucketNotificationConfiguration') runtime.notificationsChanged(String(op.params.bucketName));
        if (op.name === 'PutObject' || op.name === 'CopyObject' || op.name === 'CompleteMultipartUpload') {
          const eventName = `ObjectCreated:${op.name === 'PutObject' ? 'Put' : op.name === 'CopyObject' ? 'Copy' : 'CompleteMultipartUpload'}`;
          await hook('S3 event notifications', op, () => runtime.objectCreated(String(op.params.bucketName), String(op.params.key), bytes, eventName));
        }
      },
    });
    started.push({ name: 'the edge', stop: () => edge.stop() });
    // Stopped after the apps and functions (nothing new to record), before moto goes: the last second's calls are in the files.
    started.push({
      name: 'CloudTrail delivery',
      stop: async () => {
        try {
          await cloudtrail.stop();
        } catch (error) {
          const message = (error as Error).message;
          // After `destroy`, its own last calls have nowhere to go: as in AWS, a deleted bucket takes no more logs.
          if (/bucket does not exist|NoSuchBucket/i.test(message)) {
            log(`${cloudtrail.delivery.waiting} record(s) made after the trail's bucket was deleted were not delivered (as in AWS)`);
            return;
          }
          throw new Error(`${cloudtrail.delivery.waiting} record(s) could not be delivered: ${message}`);
        }
      },
    });
    const runtime = new LocalLambda({ motoEndpoint: moto.endpoint, edgeEndpoint: edge.endpoint, region: options.region, accountId: LOCAL_ACCOUNT, identities, onLog: options.onLog }, options.bundles);
    lambda = runtime;
    started.push({ name: 'the Lambda runtime', stop: () => runtime.stop() });
    // Its deliveries count as the runtime's work in flight: lambda.idle() waits for them too.
    events = new LocalEventBus({ motoEndpoint: moto.endpoint, accountId: LOCAL_ACCOUNT, invoker: runtime, onLog: options.onLog });
    const instances = new InstanceApps({ motoEndpoint: moto.endpoint, edgeEndpoint: edge.endpoint, region: options.region, accountId: LOCAL_ACCOUNT, identities, onLog: options.onLog });
    started.push({ name: 'the instance apps', stop: () => instances.stop() });
    cloudtrail.start((options.deliveryIntervalSeconds ?? 5) * 1000);
    return {
      moto,
      edge,
      cloudtrail,
      lambda: runtime,
      events,
      identities,
      instances,
      webhook,
      operator,
      region: options.region,
      idle: (timeoutMs) => runtime.idle(timeoutMs),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
