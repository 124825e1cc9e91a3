import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { motoAvailable } from '../emulator/moto-server';
import { terraformMissing } from '../tests/terraform-tier';
import { RunLocalResult, runLocal } from './run';

// End to end: kms-mystery deployed on the emulator, traffic simulated, CloudTrail
// delivered, the question answered from the logs. Run twice with different
// culprits to prove the answer comes from the logs, not from our code.
const RUN_TIMEOUT_MS = 400_000;

function localTempDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('ctlab-local-'));
}

describe('run <scenario> --local', () => {
  let skip: string | undefined;
  beforeAll(async () => {
    skip = terraformMissing() ?? ((await motoAvailable()) ? undefined : 'python3 cannot import moto');
    if (skip) console.warn(`offline end-to-end tier skipped: ${skip}`);
  });
  const log: string[] = [];
  const options = { scenario: 'kms-mystery', count: 24, intervalMs: 20, env: { ...process.env, CTLAB_PREFIX: 'ctlab' }, log: (l: string) => void log.push(l) };

  it('answers every scenario\'s question from the delivered logs, kms-mystery under two culprit configurations', async () => {
    if (skip) return;
    const before = localTempDirs();
    const suspiciousLog: string[] = [];
    // Five independent sessions at once: each has its own moto, edge and Terraform state.
    const runs = {
      'kms-mystery (default: lambda-app-2)': runLocal({ ...options }),
      'kms-mystery (lambda-app-3 made the culprit)': runLocal({ ...options, kmsSchemes: 'lambda-app-3=chunked-encrypt,lambda-app-2=envelope' }),
      'audit-trail': runLocal({ ...options, scenario: 'audit-trail', count: 3 }),
      'sse-kms-bucket': runLocal({ ...options, scenario: 'sse-kms-bucket', count: 5 }),
      // The webhook fails twice before it takes the alert: the notifier must retry, and post once.
      'suspicious-api': runLocal({ ...options, scenario: 'suspicious-api', log: (l) => void suspiciousLog.push(l), onSession: (s) => s.webhook.failNext(2) }),
    };
    const settled = await Promise.allSettled(Object.values(runs));
    const results = Object.fromEntries(Object.keys(runs).map((name, i) => [name, settled[i]]));
    for (const [name, result] of Object.entries(results)) {
      if (result.status === 'rejected') throw new Error(`${name} failed: ${(result.reason as Error).message}\n${log.slice(-30).join('\n')}`);
    }
    const value = (name: string) => (results[name] as PromiseFulfilledResult<RunLocalResult>).value;

    // kms-mystery: the culprit changes with the configuration, and the logs follow it.
    for (const [name, culprit] of [
      ['kms-mystery (default: lambda-app-2)', 'ctlab-kms-mystery-lambda-app-2'],
      ['kms-mystery (lambda-app-3 made the culprit)', 'ctlab-kms-mystery-lambda-app-3'],
    ]) {
      const result = value(name);
      expect(result.verdict.expected).toBe(culprit);
      expect(result.verdict.found).toBe(culprit);
      expect(result.verdict.ok).toBe(true);
      expect(result.deliveredFiles).toBeGreaterThan(0);
      expect(result.answers.get('kms-calls-per-invocation')!.rows.map((r) => r.caller)).toHaveLength(3);
    }

    // audit-trail: the auditor's reads of KMS-encrypted log files show as Decrypts with the trail key, in CloudTrail's context.
    const audit = value('audit-trail');
    expect(audit.verdict).toMatchObject({ ok: true, found: expect.stringMatching(/^\d+ Decrypt\(s\) by ctlab-audit-trail-auditor for arn:aws:cloudtrail:us-east-1:123456789012:trail\/ctlab-audit-trail-trail$/) });

    // sse-kms-bucket: one GenerateDataKey for the upload and one Decrypt for the download of the seed's object.
    const sse = value('sse-kms-bucket');
    expect(sse.verdict).toMatchObject({ ok: true, found: 'GenerateDataKey by lab-operator via s3.amazonaws.com, Decrypt by lab-operator via s3.amazonaws.com' });
    expect(sse.answers.get('kms-calls-for-object')!.rows).toHaveLength(2);

    // suspicious-api: the instance's session created the decoy bucket and launched the miner; one alert (running, not terminated); nothing left.
    const suspicious = value('suspicious-api');
    expect(suspicious.verdict).toMatchObject({ ok: true, found: expect.stringMatching(/did .*CreateBucket.*RunInstances.*TerminateInstances.*; 1 miner alert\(s\); 0 leftover\(s\)$/) });
    const activity = suspicious.answers.get('instance-activity')!.rows.map((r) => r.eventname);
    expect(activity.filter((n) => n === 'RunInstances')).toHaveLength(1);
    expect(suspiciousLog).toContainEqual(expect.stringMatching(/"message":"alert posted".*"state":"running".*"attempts":3/));
    expect(suspiciousLog.filter((l) => l.startsWith('webhook received: ') && l.includes('crypto-miner'))).toEqual([expect.stringContaining('is now *running*')]);

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
