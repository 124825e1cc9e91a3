import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { motoAvailable } from '../emulator/moto-server';
import { terraformMissing } from '../tests/terraform-tier';
import { runLocal } from './run';

// End to end: kms-mystery deployed on the emulator, traffic simulated, CloudTrail
// delivered, the question answered from the logs. Run twice with different
// culprits to prove the answer comes from the logs, not from our code.
const RUN_TIMEOUT_MS = 400_000;

function localTempDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('ctlab-local-'));
}

describe('run kms-mystery --local', () => {
  let skip: string | undefined;
  beforeAll(async () => {
    skip = terraformMissing() ?? ((await motoAvailable()) ? undefined : 'python3 cannot import moto');
    if (skip) console.warn(`offline end-to-end tier skipped: ${skip}`);
  });
  const log: string[] = [];
  const options = { scenario: 'kms-mystery', count: 24, intervalMs: 20, env: { ...process.env, CTLAB_PREFIX: 'ctlab' }, log: (l: string) => void log.push(l) };

  it.each([
    ['the default configuration', undefined, 'ctlab-kms-mystery-lambda-app-2'],
    ['lambda-app-3 made the culprit', 'lambda-app-3=chunked-encrypt,lambda-app-2=envelope', 'ctlab-kms-mystery-lambda-app-3'],
  ])('finds the culprit of %s from the delivered logs', async (_label, kmsSchemes, culprit) => {
    if (skip) return;
    const before = localTempDirs();
    const result = await runLocal({ ...options, kmsSchemes });
    expect(result.verdict.expected).toBe(culprit);
    expect(result.verdict.found).toBe(culprit);
    expect(result.verdict.ok).toBe(true);
    expect(result.deliveredFiles).toBeGreaterThan(0);
    const apps = result.answers.get('kms-calls-per-invocation')!.rows.map((r) => r.caller);
    expect(apps).toHaveLength(3);
    expect(localTempDirs()).toEqual(before);
  }, RUN_TIMEOUT_MS);

  it('tears everything down after a failure half-way: no stack, no process, no temp folder', async () => {
    if (skip) return;
    const before = localTempDirs();
    const lines: string[] = [];
    await expect(runLocal({ ...options, failAfter: 'deploy', log: (l) => void lines.push(l) })).rejects.toThrow('stopping after deploy as asked');
    expect(lines).toContainEqual(expect.stringMatching(/^destroy: done in/));
    expect(localTempDirs()).toEqual(before);
    const { execSync } = jest.requireActual('node:child_process') as typeof import('node:child_process');
    const leftovers = execSync('ps -eo pid,args', { encoding: 'utf8' }).split('\n').filter((l) => l.includes(path.join('emulator', 'lambda', 'host.js')));
    expect(leftovers).toEqual([]);
  }, RUN_TIMEOUT_MS);
});
