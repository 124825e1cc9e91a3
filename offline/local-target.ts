import { InstanceAppSpec, RunningInstanceApp } from '../emulator/instance-apps';
import { WebhookMessage } from '../emulator/webhook-sink';
import { LOCAL_ACCOUNT, LocalSession } from './session';

/** Keys the edge knows; every call signed with them is recorded as that identity. */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A Lambda invocation that failed for good (after its retries). */
export interface LambdaFailure {
  readonly function: string;
  readonly error: string;
}

/**
 * What the offline steps (deploy, simulate, query, destroy) need from a
 * running local session, whether it runs in this process (`run --local`) or
 * in a background process shared by separate commands (`deploy --local`, then
 * `simulate --local`, ...).
 */
export interface LocalTarget {
  /** Where every client sends its calls: the local AWS edge. */
  readonly edgeEndpoint: string;
  /** moto itself, for reads that must not be recorded (pulling the delivered logs). */
  readonly motoEndpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** The lab operator's keys (an IAM user `lab-operator`). */
  readonly operator: LocalCredentials;
  /** Function name -> bundle folder, for the local Lambda runtime. */
  setBundles(bundles: Record<string, string>): Promise<void>;
  /** Reads the trails again from the emulator's CloudTrail API. */
  refreshTrails(): Promise<void>;
  /** Waits until no Lambda invocation or event delivery is in flight; returns the failures so far. */
  idle(): Promise<LambdaFailure[]>;
  /** Delivers every record collected so far; returns how many files were delivered in all. */
  flush(): Promise<number>;
  /** Runs an app as if on one of the stack's instances (once per instance); resolves to where it answers. */
  startInstanceApp(spec: InstanceAppSpec): Promise<RunningInstanceApp>;
  /** The local webhook sink: its URL, and the messages it received so far. */
  webhook(): Promise<{ url: string; messages: WebhookMessage[] }>;
}

/** A target over a session running in this process. */
export function inProcessTarget(session: LocalSession, bundles: Map<string, string>): LocalTarget {
  return {
    edgeEndpoint: session.edge.endpoint,
    motoEndpoint: session.moto.endpoint,
    region: session.region,
    accountId: LOCAL_ACCOUNT,
    operator: session.operator,
    async setBundles(next) {
      for (const [name, dir] of Object.entries(next)) bundles.set(name, dir);
    },
    refreshTrails: () => session.cloudtrail.refresh(),
    async idle() {
      await session.idle();
      return [...session.lambda.failures];
    },
    async flush() {
      await session.cloudtrail.delivery.flush();
      return session.cloudtrail.delivery.delivered.length;
    },
    startInstanceApp: (spec) => session.instances.start(spec),
    webhook: async () => ({ url: session.webhook.url, messages: [...session.webhook.messages] }),
  };
}
