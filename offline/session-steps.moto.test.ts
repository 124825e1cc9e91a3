import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../cli/main';
import { captureIo } from '../cli/testing';
import { motoAvailable } from '../emulator/moto-server';
import { terraformMissing } from '../tests/terraform-tier';
import { readJson, sessionPaths, SessionInfo, isAlive } from './session-dir';

// deploy, simulate, query and destroy --local as separate commands, sharing
// one background session: the answer comes from the logs of that session.
describe('the offline steps as separate commands', () => {
  let skip: string | undefined;
  let root: string;
  beforeAll(async () => {
    skip = terraformMissing() ?? ((await motoAvailable()) ? undefined : 'python3 cannot import moto');
    if (skip) console.warn(`separate offline steps skipped: ${skip}`);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-steps-'));
  });
  afterAll(async () => {
    // Never leave a session behind, whatever failed.
    for (const scenario of ['kms-mystery', 'suspicious-api']) {
      const info = readJson<SessionInfo>(sessionPaths(root, scenario).info);
      if (info && isAlive(info.pid)) process.kill(info.pid, 'SIGTERM');
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    const { io, out, err } = captureIo({ ...process.env, CTLAB_LOCAL_DIR: root, CTLAB_PREFIX: 'steps', CTLAB_KMS_SCHEMES: 'lambda-app-1=chunked-encrypt,lambda-app-2=envelope' });
    const code = await main(['node', 'cloudtrail-lab', ...args], io);
    return { code, out, err };
  };

  /** A scenario's steps, asserted as they go; the two scenarios run at the same time, each in its own session. */
  async function kmsMysterySteps(): Promise<void> {
    const deployed = await run('deploy', 'kms-mystery', '--local');
    expect(deployed.err.join('\n')).not.toMatch(/deploy failed/);
    expect(deployed.code).toBe(0);
    const info = readJson<SessionInfo>(sessionPaths(root, 'kms-mystery').info)!;
    expect(isAlive(info.pid)).toBe(true);

    const simulated = await run('simulate', 'kms-mystery', '--local', '--count', '18', '--interval', '0.02');
    expect(simulated.code).toBe(0);
    expect(simulated.out[0]).toMatch(/^simulated kms-mystery locally: runId run-\S+, uploads 18, sizeBytes 16384$/);

    // The configuration above makes lambda-app-1 the culprit (chunked-encrypt: one Encrypt per 4 KiB).
    const answered = await run('query', 'kms-mystery', '--local');
    expect(answered.out).toEqual(['answer: steps-kms-mystery-lambda-app-1 makes the most KMS calls per object, as the deployed configuration says it should']);
    expect(answered.code).toBe(0);

    const named = await run('query', 'kms-mystery', 'kms-calls-by-caller', '--local', '--format', 'json');
    const rows = JSON.parse(named.out.join('\n')) as { caller: string; kms_calls: number }[];
    expect(rows.map((r) => r.caller).sort()).toEqual(['steps-kms-mystery-lambda-app-1', 'steps-kms-mystery-lambda-app-2', 'steps-kms-mystery-lambda-app-3']);

    await destroyAndCheck('kms-mystery', info);
  }

  /** suspicious-api: /cat in one step leaves the miner; the answer says so; --revert in a later step cleans up, through the same app. */
  async function suspiciousApiSteps(): Promise<void> {
    expect((await run('deploy', 'suspicious-api', '--local')).code).toBe(0);
    const info = readJson<SessionInfo>(sessionPaths(root, 'suspicious-api').info)!;

    expect((await run('simulate', 'suspicious-api', '--local')).code).toBe(0);
    const before = await run('query', 'suspicious-api', '--local');
    expect(before.code).toBe(0);
    expect(before.out).toEqual([expect.stringMatching(/launched 1 miner\(s\); the webhook got 1 alert\(s\), for running; call \/enough \(simulate --revert\) to clean up$/)]);

    expect((await run('simulate', 'suspicious-api', '--local', '--revert')).code).toBe(0);
    const after = await run('query', 'suspicious-api', '--local');
    expect(after.code).toBe(0);
    // Still one miner and one alert: the second /cat found the running miner and launched none.
    expect(after.out).toEqual([expect.stringMatching(/launched 1 miner\(s\); the webhook got 1 alert\(s\), for running; \/enough left nothing behind$/)]);

    await destroyAndCheck('suspicious-api', info);
  }

  async function destroyAndCheck(scenario: string, info: SessionInfo): Promise<void> {
    const destroyed = await run('destroy', scenario, '--local');
    expect(destroyed.code).toBe(0);
    expect(isAlive(info.pid)).toBe(false);
    expect(fs.existsSync(sessionPaths(root, scenario).dir)).toBe(false);
    const motoPort = info.motoEndpoint.split(':').pop();
    expect(execSync('ps -eo args', { encoding: 'utf8' }).split('\n').filter((l) => l.includes('moto_compat.py') && l.includes(`-p ${motoPort}`))).toEqual([]);
  }

  it('deploys, simulates, answers and destroys through one background session per scenario', async () => {
    if (skip) return;
    const results = await Promise.allSettled([kmsMysterySteps(), suspiciousApiSteps()]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }, 400_000);
});
