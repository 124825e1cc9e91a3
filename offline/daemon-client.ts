import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunningInstanceApp } from '../emulator/instance-apps';
import { WebhookMessage } from '../emulator/webhook-sink';
import { ControlAction } from './daemon';
import { LambdaFailure, LocalTarget } from './local-target';
import { SessionInfo, isAlive, isSessionProcess, readJson, sessionPaths } from './session-dir';

const PROJECT_ROOT = path.resolve(__dirname, '..');

async function control<T>(info: SessionInfo, action: ControlAction, body: unknown = {}, timeoutMs = 180_000): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${info.controlUrl}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ctlab-token': info.token },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(`the local session for ${info.scenario} (process ${info.pid}) did not answer "${action}": ${(error as Error).message}`);
  }
  const answer = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(`the local session refused "${action}": ${answer.error ?? response.status}`);
  return answer;
}

/** A target over a background session, through its control API. */
export function remoteTarget(info: SessionInfo): LocalTarget {
  return {
    edgeEndpoint: info.edgeEndpoint,
    motoEndpoint: info.motoEndpoint,
    region: info.region,
    accountId: info.accountId,
    operator: info.operator,
    setBundles: async (bundles) => void (await control(info, 'bundles', { bundles })),
    refreshTrails: async () => void (await control(info, 'refresh-trails')),
    idle: async () => (await control<{ failures: LambdaFailure[] }>(info, 'idle')).failures,
    flush: async () => (await control<{ delivered: number }>(info, 'flush')).delivered,
    startInstanceApp: (spec) => control<RunningInstanceApp>(info, 'instance-app', { spec }),
    webhook: () => control<{ url: string; messages: WebhookMessage[] }>(info, 'webhook'),
  };
}

/**
 * Starts a scenario's background session (detached, so it outlives this
 * command) and waits until it has written session.json. Fails with the tail
 * of its log when it exits or does not come up in time.
 */
export async function startDaemon(root: string, scenario: string, region: string, timeoutMs = 60_000): Promise<SessionInfo> {
  const paths = sessionPaths(root, scenario);
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const out = fs.openSync(paths.daemonLog, 'a');
  const child = spawn(process.execPath, ['--require', path.join(PROJECT_ROOT, 'tools', 'register-ts.js'), path.join(__dirname, 'daemon.ts'), root, scenario, region], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  fs.closeSync(out);
  child.unref();
  const deadline = Date.now() + timeoutMs;
  const tail = () => fs.readFileSync(paths.daemonLog, 'utf8').trim().split('\n').slice(-5).join('\n');
  while (Date.now() < deadline) {
    const info = readJson<SessionInfo>(paths.info);
    if (info && info.pid === child.pid) return info;
    if (child.exitCode !== null || (child.pid !== undefined && !isAlive(child.pid))) {
      throw new Error(`the local session for ${scenario} exited while starting:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (child.pid !== undefined) {
    signal(child.pid, 'SIGTERM');
    for (let waited = 0; waited < 50 && isAlive(child.pid); waited++) await new Promise((resolve) => setTimeout(resolve, 200));
    signal(child.pid, 'SIGKILL');
  }
  throw new Error(`the local session for ${scenario} did not start within ${timeoutMs / 1000} s:\n${tail()}`);
}

/** Sends a signal; a process that is already gone is not an error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Stops a background session: asks it, then signals it, and waits until its
 * process is gone. Only ever signals a process that is a local session (a
 * stale session.json may name a pid that another program reuses).
 */
export async function stopDaemon(info: SessionInfo, timeoutMs = 60_000): Promise<void> {
  if (!isSessionProcess(info.pid)) return;
  await control(info, 'stop', {}, 10_000).catch(() => signal(info.pid, 'SIGTERM'));
  const deadline = Date.now() + timeoutMs;
  while (isSessionProcess(info.pid)) {
    if (Date.now() > deadline) {
      signal(info.pid, 'SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
