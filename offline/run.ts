import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueryResult } from '../query/result';
import { findScenario } from '../scenarios/registry';
import { LocalTarget, inProcessTarget } from './local-target';
import { findPlan } from './plans';
import { PlanContext, SimulationOptions, Verdict } from './plans/plan';
import { LocalSession, startLocalSession } from './session';
import { digestKeyDir, localRoot } from './session-dir';
import { LocalStack, answerQuestions, applyStack, deliverLogs, destroyStack, localStack, settingsEnvFrom, stackOutputs } from './steps';

export interface RunLocalOptions {
  readonly scenario: string;
  /** Uploads or calls of the simulation. @default 30 */
  readonly count?: number;
  /** Milliseconds between them. @default 100 */
  readonly intervalMs?: number;
  /** @default 16384 */
  readonly sizeBytes?: number;
  /** kms-mystery: CTLAB_KMS_SCHEMES-style culprit configuration. @default - the lab's defaults */
  readonly kmsSchemes?: string;
  /** Leave everything running until Ctrl-C, printing how to reach it. @default false */
  readonly keep?: boolean;
  /** Stops the run (for tests of teardown) after this step. @default - none */
  readonly failAfter?: 'deploy' | 'simulate';
  readonly signal?: AbortSignal;
  /** Called once the session is up, before deploying (tests and tools: e.g. make the webhook sink fail). @default - nothing */
  readonly onSession?: (session: LocalSession) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

export interface RunLocalResult {
  /** Each question's answer, by query name. */
  readonly answers: ReadonlyMap<string, QueryResult>;
  /** Whether the answer from the logs matches what the deployed configuration implies. */
  readonly verdict: Verdict;
  /** Seconds per step: start emulator, deploy, simulate, deliver, query, destroy. */
  readonly timings: Record<string, number>;
  readonly deliveredFiles: number;
}

/** Default simulation: about 30 calls in a few seconds. */
export function simulationOptions(options: Pick<RunLocalOptions, 'count' | 'intervalMs' | 'sizeBytes' | 'signal'>): SimulationOptions {
  return { count: options.count ?? 30, intervalMs: options.intervalMs ?? 100, sizeBytes: options.sizeBytes ?? 16 * 1024, signal: options.signal };
}

/**
 * A scenario end to end on the local emulator, in this process: start moto
 * and the edge, deploy with Terraform, simulate, deliver CloudTrail, answer
 * the lab's question with the local engine, then destroy and stop
 * everything, also after a failure or Ctrl-C.
 */
export async function runLocal(options: RunLocalOptions): Promise<RunLocalResult> {
  findScenario(options.scenario);
  const plan = findPlan(options.scenario);
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    if (options.signal?.aborted) throw new Error('interrupted');
    const started = Date.now();
    options.log(`${name}...`);
    const result = await work();
    timings[name] = (Date.now() - started) / 1000;
    options.log(`${name}: done in ${timings[name].toFixed(1)} s`);
    if (options.failAfter === name) throw new Error(`stopping after ${name} as asked (failAfter)`);
    return result;
  };

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-local-'));
  const bundles = new Map<string, string>();
  let session: LocalSession | undefined;
  let local: LocalStack | undefined;
  let applied = false;
  try {
    session = await step('start emulator', () => startLocalSession({ region: 'us-east-1', bundles, deliveryIntervalSeconds: 5, onLog: options.log, digestKeyDir: digestKeyDir(localRoot(options.env)) }));
    options.onSession?.(session);
    const target: LocalTarget = inProcessTarget(session, bundles);
    const settingsEnv = { ...settingsEnvFrom(options.env), ...(options.kmsSchemes ? { CTLAB_KMS_SCHEMES: options.kmsSchemes } : {}) };
    const deployed = local = localStack(target, options.scenario, settingsEnv, work, options.env, true);
    await target.setBundles(deployed.bundles);
    const outputs = await step('deploy', async () => {
      applied = true;
      await applyStack(deployed, options.log);
      await target.refreshTrails();
      return stackOutputs(deployed);
    });
    const context: PlanContext = { target, outputs, stack: deployed.stack, log: options.log };
    const facts = await step('simulate', () => plan.simulate(context, simulationOptions(options)));
    const logs = path.join(work, 'logs');
    const { deliveredFiles, range } = await step('deliver', () => deliverLogs(context, plan.scenario, logs));
    const { answers, verdict } = await step('query', () => answerQuestions(plan, context, facts, logs, range));

    if (options.keep) {
      const { operator } = target;
      options.log(`kept running. Endpoint ${target.edgeEndpoint}, region ${target.region}:`);
      options.log(`  export AWS_ENDPOINT_URL=${target.edgeEndpoint} AWS_ACCESS_KEY_ID=${operator.accessKeyId} AWS_SECRET_ACCESS_KEY=${operator.secretAccessKey} AWS_REGION=${target.region}`);
      options.log(`  logs in ${logs}; Terraform in ${deployed.stackDir}. Ctrl-C destroys the stack and stops everything.`);
      await new Promise<void>((resolve) => (options.signal ? options.signal.addEventListener('abort', () => resolve(), { once: true }) : process.once('SIGINT', () => resolve())));
    }
    return { answers, verdict, timings, deliveredFiles };
  } finally {
    if (applied && local) {
      const started = Date.now();
      options.log('destroy...');
      try {
        await destroyStack(local, options.log);
        timings.destroy = (Date.now() - started) / 1000;
        options.log(`destroy: done in ${timings.destroy.toFixed(1)} s`);
      } catch (error) {
        options.log(`destroy failed: ${(error as Error).message.split('\n')[0]} (the emulator is stopped next, which removes everything it held)`);
      }
    }
    await session?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
