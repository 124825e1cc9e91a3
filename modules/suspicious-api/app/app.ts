import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { Logger, createLogger } from '../../../lambda-src/shared/log';
import { AppConfig } from './config';
import { pickCat } from './cats';
import {
  DECOY_BUCKET_PREFIX,
  DECOY_OBJECT_BODY,
  DECOY_OBJECT_KEY,
  LAB_TAG,
  LAUNCHED_BY_TAG_KEY,
  MINER_ROOT_DEVICE,
  MINER_ROOT_VOLUME_GIB,
  MINER_INSTANCE_TYPE,
  MINER_NAME,
  minerTags,
  minerUserData,
} from './contract';

/**
 * The cat API of the suspicious-api lab (seed 002), rebuilt from the original
 * Express app: `GET /` greets, `GET /cat` serves a cat picture and, the first
 * time, quietly creates a `random-val-<uuid>` bucket and launches a
 * "crypto-miner" instance; `GET /enough` removes both and says honestly what
 * it removed and what it could not.
 */

export const GREETING = 'Hello World! Try /cat to receive a cool kitty image';

export interface AppDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly ec2: Pick<EC2Client, 'send'>;
  readonly config: Pick<
    AppConfig,
    'region' | 'minerAmiId' | 'minerSubnetId' | 'minerSecurityGroupId' | 'minerLifetimeMinutes' | 'launchedBy' | 'terminateWaitSeconds'
  >;
  /** @default crypto.randomUUID */
  readonly uuid?: () => string;
  /** Picks the cat. @default Math.random */
  readonly random?: () => number;
  /** @default a setTimeout promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** Milliseconds between DescribeInstances calls while /enough waits for termination. @default 5000 */
  readonly pollIntervalMs?: number;
  /** Where JSON log lines go. @default console.log */
  readonly write?: (line: string) => void;
}

export interface AppRequest {
  readonly method: string;
  /** Path and query, as in the request line: `/cat?x=1`. */
  readonly path: string;
  /** @default - a new UUID */
  readonly requestId?: string;
}

export interface AppResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the app has created and not yet removed. */
export interface PwnState {
  readonly bucket?: string;
  readonly instanceId?: string;
}

/** One resource /enough removed (or found already gone). */
export interface Removal {
  readonly resource: string;
  readonly action: 'DeleteObject' | 'DeleteBucket' | 'TerminateInstances';
  readonly note?: string;
}

/** One resource /enough could not remove, with the error. */
export interface CleanupFailure {
  readonly resource: string;
  readonly action: 'DeleteObject' | 'DeleteBucket' | 'TerminateInstances' | 'DescribeInstances';
  readonly error: string;
}

export interface CleanupReport {
  readonly message: string;
  readonly removed: Removal[];
  readonly failed: CleanupFailure[];
}

export interface CatApi {
  handle(request: AppRequest): Promise<AppResponse>;
  /** What the app has created and not yet removed (for tests and tools). */
  readonly state: PwnState;
}

/** States in which a miner still exists (and costs, or will). */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

export function createApp(deps: AppDeps): CatApi {
  const { s3, ec2, config } = deps;
  const uuid = deps.uuid ?? randomUUID;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  const pollIntervalMs = deps.pollIntervalMs ?? 5000;
  const write = deps.write ?? ((line: string) => console.log(line));

  const state: { bucket?: string; instanceId?: string } = {};
  let creating: Promise<void> | undefined;
  let cleaning: Promise<CleanupReport> | undefined;

  /** This deployment's miners that still exist, found by their tags (survives an app restart). */
  async function findMiners(states: string[]): Promise<string[]> {
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Name', Values: [MINER_NAME] },
          { Name: `tag:${LAB_TAG.key}`, Values: [LAB_TAG.value] },
          { Name: `tag:${LAUNCHED_BY_TAG_KEY}`, Values: [config.launchedBy] },
          { Name: 'instance-state-name', Values: states },
        ],
      }),
    );
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
  }

  async function createDecoyBucket(log: Logger): Promise<void> {
    const bucket = `${DECOY_BUCKET_PREFIX}${uuid()}`;
    const location = config.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: config.region as BucketLocationConstraint } };
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ...location }));
    state.bucket = bucket;
    // lab=cloudtrail as the original; launched-by, as on the miner, tells cleanup whose decoy it is.
    await s3.send(
      new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: LAB_TAG.key, Value: LAB_TAG.value }, { Key: LAUNCHED_BY_TAG_KEY, Value: config.launchedBy }] } }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: DECOY_OBJECT_KEY, Body: DECOY_OBJECT_BODY, ContentType: 'text/plain' }));
    log.info('created the decoy bucket', { bucket, key: DECOY_OBJECT_KEY });
  }

  async function launchMiner(log: Logger): Promise<void> {
    const existing = await findMiners(LIVE_STATES);
    if (existing.length > 0) {
      state.instanceId = existing[0];
      log.info('a miner of this deployment exists already: not launching another', { instanceId: existing[0] });
      return;
    }
    const tags = minerTags(config.launchedBy);
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: config.minerAmiId,
        InstanceType: MINER_INSTANCE_TYPE,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: config.minerSubnetId,
        SecurityGroupIds: config.minerSecurityGroupId ? [config.minerSecurityGroupId] : undefined,
        InstanceInitiatedShutdownBehavior: 'terminate',
        UserData: Buffer.from(minerUserData(config.minerLifetimeMinutes)).toString('base64'),
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
        CreditSpecification: { CpuCredits: 'standard' },
        // Encrypted root volume (the role's policy requires it), removed with the instance.
        BlockDeviceMappings: [{ DeviceName: MINER_ROOT_DEVICE, Ebs: { Encrypted: true, DeleteOnTermination: true, VolumeType: 'gp3', VolumeSize: MINER_ROOT_VOLUME_GIB } }],
        TagSpecifications: [
          { ResourceType: 'instance', Tags: tags },
          { ResourceType: 'volume', Tags: tags },
        ],
        // The SDK retries a timed-out call: the token makes EC2 launch one instance whatever happens.
        ClientToken: uuid(),
      }),
    );
    const instanceId = out.Instances?.[0]?.InstanceId;
    if (!instanceId) throw new Error('RunInstances answered without an instance id');
    state.instanceId = instanceId;
    log.info('launched the miner', { instanceId, lifetimeMinutes: config.minerLifetimeMinutes });
  }

  async function pwn(log: Logger): Promise<void> {
    // Independent steps: a failed bucket does not stop the miner, nor the other way round.
    await Promise.all([
      createDecoyBucket(log).catch((error) => log.error('could not create the decoy bucket', errorFields(error))),
      launchMiner(log).catch((error) => log.error('could not launch the miner', errorFields(error))),
    ]);
  }

  /** The first /cat creates; concurrent ones wait for that same creation; later ones do nothing. */
  function pwnOnce(log: Logger): Promise<void> {
    if (creating) return creating;
    if (state.bucket !== undefined || state.instanceId !== undefined) return Promise.resolve();
    creating = pwn(log).finally(() => {
      creating = undefined;
    });
    return creating;
  }

  async function removeDecoyBucket(removed: Removal[], failed: CleanupFailure[]): Promise<void> {
    const bucket = state.bucket;
    if (bucket === undefined) return;
    const object = `s3://${bucket}/${DECOY_OBJECT_KEY}`;
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: DECOY_OBJECT_KEY }));
      removed.push({ resource: object, action: 'DeleteObject' });
    } catch (error) {
      if (!isError(error, 'NoSuchBucket')) {
        failed.push({ resource: object, action: 'DeleteObject', error: describeError(error) });
        // DeleteBucket is still tried: it fails with BucketNotEmpty, which says what is left.
      } else {
        removed.push({ resource: object, action: 'DeleteObject', note: 'already gone' });
      }
    }
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      removed.push({ resource: `s3://${bucket}`, action: 'DeleteBucket' });
      state.bucket = undefined;
    } catch (error) {
      if (isError(error, 'NoSuchBucket')) {
        removed.push({ resource: `s3://${bucket}`, action: 'DeleteBucket', note: 'already gone' });
        state.bucket = undefined;
      } else {
        failed.push({ resource: `s3://${bucket}`, action: 'DeleteBucket', error: describeError(error) });
      }
    }
  }

  async function terminateMiners(removed: Removal[], failed: CleanupFailure[]): Promise<void> {
    const ids = new Set<string>(state.instanceId ? [state.instanceId] : []);
    try {
      for (const id of await findMiners([...LIVE_STATES, 'shutting-down'])) ids.add(id);
    } catch (error) {
      failed.push({ resource: `instances tagged Name=${MINER_NAME}`, action: 'DescribeInstances', error: describeError(error) });
    }
    if (ids.size === 0) return;
    const instanceIds = [...ids].sort();
    try {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: instanceIds }));
    } catch (error) {
      if (isError(error, 'InvalidInstanceID.NotFound')) {
        for (const id of instanceIds) removed.push({ resource: id, action: 'TerminateInstances', note: 'already gone' });
        state.instanceId = undefined;
      } else {
        for (const id of instanceIds) failed.push({ resource: id, action: 'TerminateInstances', error: describeError(error) });
      }
      return;
    }
    const remaining = await waitUntilTerminated(instanceIds);
    for (const id of instanceIds) {
      const stillThere = remaining.get(id);
      if (stillThere === undefined) {
        removed.push({ resource: id, action: 'TerminateInstances' });
        if (state.instanceId === id) state.instanceId = undefined;
      } else {
        failed.push({ resource: id, action: 'TerminateInstances', error: stillThere });
      }
    }
  }

  /** Polls until every instance is terminated; returns those that are not, with why. */
  async function waitUntilTerminated(instanceIds: string[]): Promise<Map<string, string>> {
    const deadline = now() + config.terminateWaitSeconds * 1000;
    const remaining = new Map<string, string>(instanceIds.map((id) => [id, 'not confirmed terminated']));
    for (;;) {
      try {
        const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...remaining.keys()] }));
        const seen = new Set<string>();
        for (const instance of (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
          if (!instance.InstanceId) continue;
          seen.add(instance.InstanceId);
          const name = instance.State?.Name ?? 'unknown';
          if (name === 'terminated') remaining.delete(instance.InstanceId);
          else remaining.set(instance.InstanceId, `still ${name} after waiting ${config.terminateWaitSeconds} s`);
        }
        // EC2 forgets terminated instances after a while: an id it no longer lists is gone.
        for (const id of [...remaining.keys()]) if (!seen.has(id)) remaining.delete(id);
      } catch (error) {
        if (isError(error, 'InvalidInstanceID.NotFound')) return new Map();
        for (const id of remaining.keys()) remaining.set(id, `could not check its state: ${describeError(error)}`);
      }
      if (remaining.size === 0 || now() >= deadline) return remaining;
      await sleep(pollIntervalMs);
    }
  }

  async function cleanup(log: Logger): Promise<CleanupReport> {
    if (creating) await creating;
    const removed: Removal[] = [];
    const failed: CleanupFailure[] = [];
    await Promise.all([removeDecoyBucket(removed, failed), terminateMiners(removed, failed)]);
    const message =
      failed.length > 0
        ? `Cleanup incomplete: ${failed.length} failed, ${removed.length} removed. Call /enough again, or run: cloudtrail-lab cleanup suspicious-api`
        : removed.length > 0
          ? `Cleaned: removed ${removed.length} resource(s)`
          : 'Nothing to clean: this app has nothing left to remove';
    (failed.length > 0 ? log.error : log.info)('cleanup', { removed, failed });
    return { message, removed, failed };
  }

  function cleanupOnce(log: Logger): Promise<CleanupReport> {
    cleaning ??= cleanup(log).finally(() => {
      cleaning = undefined;
    });
    return cleaning;
  }

  async function route(method: string, pathname: string, log: Logger): Promise<AppResponse> {
    if (!['/', '/cat', '/enough'].includes(pathname)) {
      return text(404, 'Not found. Try / or /cat');
    }
    if (method !== 'GET') return { ...text(405, `${method} is not allowed here; use GET`), headers: { ...TEXT, allow: 'GET' } };
    switch (pathname) {
      case '/':
        return text(200, GREETING);
      case '/cat': {
        await pwnOnce(log);
        const cat = pickCat(random());
        return { status: 200, headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-store' }, body: cat.svg };
      }
      default: {
        const report = await cleanupOnce(log);
        return {
          status: report.failed.length > 0 ? 500 : 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          body: `${JSON.stringify(report, null, 2)}\n`,
        };
      }
    }
  }

  return {
    state,
    async handle(request: AppRequest): Promise<AppResponse> {
      const started = now();
      const log = createLogger(request.requestId ?? randomUUID(), 'suspicious-api', write);
      let pathname: string;
      try {
        pathname = new URL(request.path, 'http://localhost').pathname;
      } catch {
        pathname = '';
      }
      let response: AppResponse;
      try {
        response = await route(request.method, pathname, log);
      } catch (error) {
        log.error('request failed', errorFields(error));
        response = text(500, 'Internal error');
      }
      log.info('request', { method: request.method, path: pathname, status: response.status, ms: now() - started });
      return response;
    },
  };
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function text(status: number, body: string): AppResponse {
  return { status, headers: TEXT, body: `${body}\n` };
}

function isError(error: unknown, name: string): boolean {
  const e = error as { name?: string; Code?: string } | undefined;
  return e?.name === name || e?.Code === name;
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string } | undefined;
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
}

function errorFields(error: unknown): Record<string, unknown> {
  return { error: describeError(error) };
}
