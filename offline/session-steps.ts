import * as fs from 'node:fs';
import { findScenario } from '../scenarios/registry';
import { remoteTarget, startDaemon, stopDaemon } from './daemon-client';
import { LocalTarget } from './local-target';
import { findPlan } from './plans';
import { PlanContext, SimulationFacts, SimulationOptions } from './plans/plan';
import { Answers, Delivered, LocalStack, applyStack, answerQuestions, deliverLogs, destroyStack, localStack, settingsEnvFrom, stackOutputs } from './steps';
import { DeploymentRecord, SessionInfo, SessionPaths, digestKeyDir, isSessionProcess, localRoot, readJson, runningSession, sessionPaths, writeJson } from './session-dir';

/**
 * The offline steps as separate commands sharing one background session per
 * scenario: `deploy --local` starts it and applies the stack; `simulate`,
 * `query` and `destroy --local` find it through its folder
 * (`.cloudtrail-lab/local/<scenario>`, or CTLAB_LOCAL_DIR).
 */
export interface StepOptions {
  readonly scenario: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

interface Attached {
  readonly info: SessionInfo;
  readonly paths: SessionPaths;
  readonly target: LocalTarget;
  readonly local: LocalStack;
  readonly context: PlanContext;
}

/** The running session, its stack rebuilt from the recorded settings, and its outputs. */
async function attach(options: StepOptions): Promise<Attached> {
  findScenario(options.scenario);
  const { info, paths } = runningSession(localRoot(options.env), options.scenario);
  const deployment = readJson<DeploymentRecord>(paths.deployment);
  if (!deployment) throw new Error(`the local session for ${options.scenario} has no deployed stack yet (${paths.deployment} is missing): deploy it again`);
  const target = remoteTarget(info);
  const local = localStack(target, options.scenario, deployment.settingsEnv, paths.work, options.env, false);
  const outputs = await stackOutputs(local);
  return { info, paths, target, local, context: { target, outputs, stack: local.stack, log: options.log } };
}

/** How to reach a session from a shell. */
export function explorationHints(target: Pick<LocalTarget, 'edgeEndpoint' | 'operator' | 'region'>): string[] {
  return [
    `export AWS_ENDPOINT_URL=${target.edgeEndpoint} AWS_ACCESS_KEY_ID=${target.operator.accessKeyId} AWS_SECRET_ACCESS_KEY=${target.operator.secretAccessKey} AWS_REGION=${target.region}`,
    'aws s3 ls   # every call you make is recorded by the local CloudTrail as the IAM user lab-operator',
  ];
}

/** `deploy <scenario> --local`: starts the scenario's background session and applies its stack there. */
export async function deployLocal(options: StepOptions): Promise<SessionInfo> {
  findScenario(options.scenario);
  const root = localRoot(options.env);
  const paths = sessionPaths(root, options.scenario);
  const existing = readJson<SessionInfo>(paths.info);
  if (existing && isSessionProcess(existing.pid)) {
    throw new Error(`${options.scenario} is already deployed locally (session process ${existing.pid}); use it, or \`cloudtrail-lab destroy ${options.scenario} --local\` first`);
  }
  if (fs.existsSync(paths.dir)) {
    throw new Error(`${paths.dir} holds a local session that is no longer running; remove it with \`cloudtrail-lab destroy ${options.scenario} --local\` first`);
  }
  options.log(`starting the local session for ${options.scenario} in ${paths.dir}`);
  const info = await startDaemon(root, options.scenario, 'us-east-1');
  const target = remoteTarget(info);
  const settingsEnv = settingsEnvFrom(options.env);
  let local: LocalStack | undefined;
  try {
    local = localStack(target, options.scenario, settingsEnv, paths.work, options.env, true);
    await target.setBundles(local.bundles);
    options.log('terraform apply against the local edge...');
    await applyStack(local, options.log);
    await target.refreshTrails();
    const record: DeploymentRecord = { settingsEnv, deployedAt: new Date().toISOString() };
    writeJson(paths.deployment, record);
  } catch (error) {
    options.log(`deploy failed: ${(error as Error).message.split('\n')[0]}`);
    options.log(`tearing the half-deployed session down (its log was ${paths.daemonLog}):`);
    for (const line of fs.existsSync(paths.daemonLog) ? fs.readFileSync(paths.daemonLog, 'utf8').trim().split('\n').slice(-5) : []) options.log(`  ${line}`);
    try {
      if (local) await destroyStack(local, options.log).catch(() => undefined);
      await stopDaemon(info);
    } catch (cleanupError) {
      options.log(`stopping the session failed too: ${(cleanupError as Error).message}`);
    } finally {
      fs.rmSync(paths.dir, { recursive: true, force: true });
    }
    throw error;
  }
  options.log(`deployed. The session runs in the background (process ${info.pid}); reach it with:`);
  for (const hint of explorationHints(target)) options.log(`  ${hint}`);
  const trailBucket = (await stackOutputs(local)).trail_bucket;
  if (typeof trailBucket === 'string') {
    options.log(`  cloudtrail-lab verify-logs --bucket ${trailBucket} --endpoint ${target.motoEndpoint} --key-dir ${digestKeyDir(root)}   # after some deliveries`);
  }
  return info;
}

/** `simulate <scenario> --local`: the scenario's traffic against its running session. */
export async function simulateLocal(options: StepOptions & { readonly simulation: SimulationOptions }): Promise<SimulationFacts> {
  const plan = findPlan(options.scenario);
  const { paths, context } = await attach(options);
  const facts = await plan.simulate(context, options.simulation);
  writeJson(paths.simulation, facts);
  return facts;
}

/** Delivers the session's CloudTrail records and downloads its trail's files; returns the folder they are in. */
export async function pullLocalLogs(options: StepOptions): Promise<Delivered & { readonly logs: string }> {
  const { paths, context } = await attach(options);
  const delivered = await deliverLogs(context, options.scenario, paths.logs);
  options.log(`${delivered.deliveredFiles} log file(s) delivered so far; downloaded to ${paths.logs}`);
  return { ...delivered, logs: paths.logs };
}

/** `query <scenario> --local`: delivers, downloads and answers the lab's questions over the session's logs. */
export async function queryLocal(options: StepOptions): Promise<Answers> {
  const plan = findPlan(options.scenario);
  const { paths, context } = await attach(options);
  const facts = readJson<SimulationFacts>(paths.simulation);
  if (!facts) throw new Error(`no simulation has run in the local session for ${options.scenario}: run \`cloudtrail-lab simulate ${options.scenario} --local\` first`);
  const delivered = await deliverLogs(context, options.scenario, paths.logs);
  return answerQuestions(plan, context, facts, paths.logs, delivered.range);
}

/**
 * `destroy <scenario> --local`: destroys the stack, stops the session and
 * removes its folder. With `saveLogs`, the delivered logs are copied there
 * first. A session whose process is gone has nothing left to destroy: its
 * folder is removed.
 */
export async function destroyLocal(options: StepOptions & { readonly saveLogs?: string }): Promise<void> {
  findScenario(options.scenario);
  const paths = sessionPaths(localRoot(options.env), options.scenario);
  const info = readJson<SessionInfo>(paths.info);
  if (!info && !fs.existsSync(paths.dir)) throw new Error(`no local session for ${options.scenario} to destroy in ${paths.dir}`);
  if (info && isSessionProcess(info.pid)) {
    if (readJson<DeploymentRecord>(paths.deployment)) {
      try {
        const { context, local } = await attach(options);
        if (options.saveLogs) {
          await deliverLogs(context, options.scenario, paths.logs);
          fs.cpSync(paths.logs, options.saveLogs, { recursive: true });
          options.log(`logs saved to ${options.saveLogs}`);
        }
        options.log('terraform destroy...');
        await destroyStack(local, options.log);
      } catch (error) {
        // Stopping the session next removes everything the emulator held, so go on.
        options.log(`destroy failed: ${(error as Error).message.split('\n')[0]} (stopping the session removes what the emulator held)`);
      }
    }
    await stopDaemon(info);
    options.log(`stopped the local session (process ${info.pid})`);
  } else {
    if (options.saveLogs && fs.existsSync(paths.logs)) fs.cpSync(paths.logs, options.saveLogs, { recursive: true });
    options.log(`the local session for ${options.scenario} was not running: nothing to destroy, removing its folder`);
  }
  fs.rmSync(paths.dir, { recursive: true, force: true });
}
