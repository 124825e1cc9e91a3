import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { S3Client } from '@aws-sdk/client-s3';
import { pullLogs } from '../cli/logs';
import { readSettings } from '../deployment/settings';
import { LabStack } from '../modules/lab-stack/lab-stack';
import { NodejsFunction } from '../modules/nodejs-function/nodejs-function';
import { findQuery } from '../query/catalog';
import { formatResult } from '../query/format';
import { LocalEngine } from '../query/local-engine';
import { rangeEndingOn, renderQuery } from '../query/render';
import { QueryResult } from '../query/result';
import { buildStacks } from '../scenarios/registry';
import { writeCliConfig } from '../terraform/cli-config';
import { terraform } from '../terraform/terraform';
import { LocalTarget } from './local-target';
import { OfflinePlan, PlanContext, SimulationFacts, Verdict } from './plans/plan';

/** Settings a user may choose for a local deployment; everything else is set by the session. */
const USER_SETTINGS = ['CTLAB_PREFIX', 'CTLAB_KMS_SCHEMES'];

/** The user's choices from the environment, kept so later steps rebuild the same stack. */
export function settingsEnvFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(USER_SETTINGS.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k] as string]));
}

/** A scenario's stack pointed at the local edge, with local state in the session's folder. */
export interface LocalStack {
  readonly stack: LabStack;
  /** Where Terraform runs: the synthesized stack folder. */
  readonly stackDir: string;
  /** Function name -> bundle folder. */
  readonly bundles: Record<string, string>;
  /** Environment for Terraform: our CLI config, the operator's keys. */
  readonly tfEnv: NodeJS.ProcessEnv;
}

/**
 * Builds (and with `synth`, synthesizes) the scenario against the local edge.
 * Deterministic: the same settings give the same stack, so a later step can
 * rebuild it instead of storing it.
 */
export function localStack(target: LocalTarget, scenario: string, settingsEnv: Record<string, string>, workDir: string, env: NodeJS.ProcessEnv, synth: boolean): LocalStack {
  const settings = readSettings({ ...settingsEnv, CTLAB_ENDPOINT: target.edgeEndpoint, CTLAB_STATE_DIR: path.join(workDir, 'state'), CTLAB_REGION: target.region });
  const outdir = path.join(workDir, 'cdktf.out');
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const [stack] = buildStacks(app, settings, scenario);
  if (synth) app.synth();
  const bundles = Object.fromEntries(
    stack.node
      .findAll()
      .filter((c): c is NodejsFunction => c instanceof NodejsFunction)
      .map((fn) => [fn.physicalName, fn.bundleDir]),
  );
  const tfEnv: NodeJS.ProcessEnv = {
    ...env,
    TF_CLI_CONFIG_FILE: writeCliConfig(path.join(workDir, 'terraform-cli'), env).file,
    AWS_ACCESS_KEY_ID: target.operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.operator.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    AWS_REGION: target.region,
  };
  return { stack, stackDir: path.join(outdir, 'stacks', scenario), bundles, tfEnv };
}

/** Every output of an applied stack, sensitive ones included. */
export async function stackOutputs(local: Pick<LocalStack, 'stackDir' | 'tfEnv'>): Promise<Record<string, unknown>> {
  const { stdout } = await terraform(['output', '-json', '-no-color'], { cwd: local.stackDir, env: local.tfEnv, timeoutMs: 60_000 });
  const parsed = JSON.parse(stdout || '{}') as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parsed).map(([name, o]) => [name, o.value]));
}

/** `terraform init` and `apply`, with Terraform's progress lines passed on. */
export async function applyStack(local: LocalStack, log: (line: string) => void): Promise<void> {
  const onLine = (line: string) => {
    if (/(Creation complete|Still creating|Error)/.test(line)) log(`  ${line.trim()}`);
  };
  await terraform(['init', '-no-color', '-input=false'], { cwd: local.stackDir, env: local.tfEnv, timeoutMs: 120_000 });
  await terraform(['apply', '-auto-approve', '-no-color', '-input=false'], { cwd: local.stackDir, env: local.tfEnv, timeoutMs: 300_000, onLine });
}

export async function destroyStack(local: Pick<LocalStack, 'stackDir' | 'tfEnv'>, log: (line: string) => void): Promise<void> {
  const onLine = (line: string) => {
    if (/(Destruction complete|Error)/.test(line)) log(`  ${line.trim()}`);
  };
  await terraform(['destroy', '-auto-approve', '-no-color', '-input=false'], { cwd: local.stackDir, env: local.tfEnv, timeoutMs: 300_000, onLine });
}

export interface Delivered {
  /** Log files delivered by the session so far. */
  readonly deliveredFiles: number;
  /** The days the downloaded logs cover. */
  readonly range: { readonly from: string; readonly to: string };
}

/**
 * Delivers what the trails collected and downloads the trail's files straight
 * from the emulator (not through the edge, so reading them is not itself
 * recorded) into `logsDir`, in the delivered layout.
 */
export async function deliverLogs(context: Pick<PlanContext, 'target' | 'outputs'>, scenario: string, logsDir: string): Promise<Delivered> {
  const { target, outputs } = context;
  const deliveredFiles = await target.flush();
  // Yesterday and today: a run that crosses midnight UTC still finds its logs.
  const range = rangeEndingOn(new Date().toISOString().slice(0, 10), 2);
  const trailBucket = outputs.trail_bucket;
  if (typeof trailBucket !== 'string') throw new Error(`the ${scenario} stack has no trail_bucket output to read logs from`);
  fs.mkdirSync(logsDir, { recursive: true });
  const s3 = new S3Client({ endpoint: target.motoEndpoint, region: target.region, forcePathStyle: true, credentials: target.operator });
  await pullLogs(s3, { bucket: trailBucket, ...range, out: logsDir });
  return { deliveredFiles, range };
}

export interface Answers {
  readonly answers: Map<string, QueryResult>;
  readonly verdict: Verdict;
}

/** Answers the plan's questions over the downloaded logs with the local engine, and judges the answers. */
export async function answerQuestions(plan: OfflinePlan, context: PlanContext, facts: SimulationFacts, logsDir: string, range: Delivered['range']): Promise<Answers> {
  const engine = await LocalEngine.open({ logs: logsDir, ...range });
  const answers = new Map<string, QueryResult>();
  try {
    for (const question of plan.questions) {
      const result = await engine.query(renderQuery(findQuery(plan.scenario, question.query), question.params(context, facts), range));
      answers.set(question.query, result);
      context.log(`${question.title} (${question.query})\n${formatResult(result, 'table')}`);
    }
  } finally {
    engine.close();
  }
  return { answers, verdict: plan.verdict(answers, context, facts) };
}
