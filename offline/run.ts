import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { S3Client } from '@aws-sdk/client-s3';
import { pullLogs } from '../cli/logs';
import { readSettings } from '../deployment/settings';
import { KmsApps } from '../modules/kms-apps/kms-apps';
import { LabStack } from '../modules/lab-stack/lab-stack';
import { NodejsFunction } from '../modules/nodejs-function/nodejs-function';
import { findQuery } from '../query/catalog';
import { formatResult } from '../query/format';
import { LocalEngine } from '../query/local-engine';
import { rangeEndingOn, renderQuery } from '../query/render';
import { QueryResult } from '../query/result';
import { buildStacks } from '../scenarios/registry';
import { newRunId, runUploads, uploaderClient } from '../simulator/uploader';
import { writeCliConfig } from '../terraform/cli-config';
import { terraform } from '../terraform/terraform';
import { LocalSession, startLocalSession } from './session';

export interface RunLocalOptions {
  readonly scenario: string;
  /** Uploads of the simulation. @default 30 */
  readonly count?: number;
  /** Milliseconds between uploads. @default 100 */
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
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

export interface RunLocalResult {
  /** KMS calls per caller (kms-calls-by-caller). */
  readonly answer: QueryResult;
  /** KMS calls per invocation of each app (kms-calls-per-invocation). */
  readonly perInvocation: QueryResult;
  /** The app with the most KMS calls per object it handled, from the delivered logs. */
  readonly topCaller?: string;
  /** What the deployed configuration makes the culprit. */
  readonly expectedCaller?: string;
  readonly timings: Record<string, number>;
  readonly deliveredFiles: number;
}

const SIMULATED = new Set(['kms-mystery']);

/**
 * A scenario end to end on the local emulator: start moto and the edge,
 * deploy with Terraform, simulate, deliver CloudTrail, answer the lab's
 * question with the local engine, then destroy and stop everything, also
 * after a failure or Ctrl-C.
 */
export async function runLocal(options: RunLocalOptions): Promise<RunLocalResult> {
  if (!SIMULATED.has(options.scenario)) {
    throw new Error(`run --local drives ${[...SIMULATED].join(', ')} so far; ${options.scenario} can be deployed and queried but has no offline simulation yet`);
  }
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
  const region = 'us-east-1';
  let session: LocalSession | undefined;
  let deployed = false;
  let stackDir = '';
  let tfEnv: NodeJS.ProcessEnv = {};
  try {
    session = await step('start emulator', () => startLocalSession({ region, bundles, deliveryIntervalSeconds: 5, onLog: options.log }));
    const { operator } = session;
    const settings = readSettings({ ...options.env, CTLAB_ENDPOINT: session.edge.endpoint, CTLAB_STATE_DIR: path.join(work, 'state'), CTLAB_REGION: region, ...(options.kmsSchemes ? { CTLAB_KMS_SCHEMES: options.kmsSchemes } : {}) });
    const app = new App({ outdir: path.join(work, 'cdktf.out') });
    const [stack] = buildStacks(app, settings, options.scenario) as LabStack[];
    app.synth();
    for (const fn of stack.node.findAll().filter((c): c is NodejsFunction => c instanceof NodejsFunction)) bundles.set(fn.physicalName, fn.bundleDir);
    stackDir = path.join(work, 'cdktf.out', 'stacks', options.scenario);
    tfEnv = { ...options.env, TF_CLI_CONFIG_FILE: writeCliConfig(path.join(work, 'terraform-cli'), options.env).file, AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey, AWS_SESSION_TOKEN: '', AWS_REGION: region };
    const tf = (args: string[], timeoutMs: number) => terraform(args, { cwd: stackDir, env: tfEnv, timeoutMs });

    await step('deploy', async () => {
      await tf(['init', '-no-color'], 120_000);
      deployed = true;
      await tf(['apply', '-auto-approve', '-no-color'], 300_000);
    });
    const output = async (name: string) => (await tf(['output', '-raw', name], 60_000)).stdout.trim();
    const ingest = await output('ingest_bucket');
    const trailBucket = await output('trail_bucket');
    await session.cloudtrail.refresh();

    const sizeBytes = options.sizeBytes ?? 16 * 1024;
    const runId = newRunId();
    await step('simulate', async () => {
      options.log(`run id ${runId}: ${options.count ?? 30} uploads of ${sizeBytes} bytes to s3://${ingest}`);
      const summary = await runUploads(
        { bucket: ingest, count: options.count ?? 30, intervalMs: options.intervalMs ?? 100, sizeBytes, concurrency: 4, runId },
        uploaderClient(runId, session!.edge.endpoint, operator, region),
        { signal: options.signal },
      );
      if (summary.failed > 0) throw new Error(`${summary.failed} upload(s) failed: ${summary.errors[0]}`);
      await session!.lambda.idle();
      if (session!.lambda.failures.length > 0) throw new Error(`Lambda invocations failed: ${session!.lambda.failures.map((f) => `${f.function}: ${f.error}`).join('; ')}`);
    });

    const logs = path.join(work, 'logs');
    // Yesterday and today: a run that crosses midnight UTC still finds its logs.
    const range = rangeEndingOn(new Date().toISOString().slice(0, 10), 2);
    const deliveredFiles = await step('deliver', async () => {
      const files = await session!.cloudtrail.delivery.flush();
      await pullLogs(new S3Client({ endpoint: session!.moto.endpoint, region, forcePathStyle: true, credentials: operator }), { bucket: trailBucket, ...range, out: logs });
      return session!.cloudtrail.delivery.delivered.length || files.length;
    });

    const [answer, perInvocation] = await step('query', async () => {
      const engine = await LocalEngine.open({ logs });
      try {
        const run = (name: string) => engine.query(renderQuery(findQuery(options.scenario, name), {}, range));
        return [await run('kms-calls-by-caller'), await run('kms-calls-per-invocation')];
      } finally {
        engine.close();
      }
    });
    options.log(`who is consuming the most KMS API calls? (kms-calls-by-caller)\n${formatResult(answer, 'table')}`);
    options.log(`and per object handled? (kms-calls-per-invocation)\n${formatResult(perInvocation, 'table')}`);
    const pipeline = stack.node.findAll().find((c): c is KmsApps => c instanceof KmsApps);
    const expectedCaller = pipeline ? `${settings.prefix}-${options.scenario}-${pipeline.culpritFor(sizeBytes)}` : undefined;
    // The dispatcher picks apps at random, so raw totals depend on luck; calls per object do not.
    const topCaller = perInvocation.rows[0]?.caller as string | undefined;
    options.log(
      topCaller === expectedCaller
        ? `answer: ${topCaller} makes the most KMS calls per object, as the deployed configuration says it should`
        : `answer: ${topCaller ?? 'nobody'} makes the most KMS calls per object, but the deployed configuration makes ${expectedCaller} the culprit`,
    );

    if (options.keep) {
      options.log(`kept running. Endpoint ${session.edge.endpoint}, region ${region}:`);
      options.log(`  export AWS_ENDPOINT_URL=${session.edge.endpoint} AWS_ACCESS_KEY_ID=${operator.accessKeyId} AWS_SECRET_ACCESS_KEY=${operator.secretAccessKey} AWS_REGION=${region}`);
      options.log(`  logs in ${logs}; Terraform in ${stackDir}. Ctrl-C destroys the stack and stops everything.`);
      await new Promise<void>((resolve) => (options.signal ? options.signal.addEventListener('abort', () => resolve(), { once: true }) : process.once('SIGINT', () => resolve())));
    }
    return { answer, perInvocation, topCaller, expectedCaller, timings, deliveredFiles };
  } finally {
    if (deployed) {
      const started = Date.now();
      options.log('destroy...');
      try {
        await terraform(['destroy', '-auto-approve', '-no-color'], { cwd: stackDir, env: tfEnv, timeoutMs: 300_000 });
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
