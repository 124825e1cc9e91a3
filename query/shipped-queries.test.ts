import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findQuery, loadQueries, scenariosWithQueries } from './catalog';
import { LocalEngine } from './local-engine';
import { renderQuery } from './render';
import { ACCOUNT, byRole, byUser, record, writeDelivered } from './testing/fixtures';

// Every shipped .sql runs on the local engine against these fixture logs, with its answer asserted.
const DAY = '2026-11-20';
const RANGE = { from: '2026-11-19', to: '2026-11-21' };
const INSTANCE = 'i-0fe770cb48ec0c411';
const TRAIL_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1111-trail`;
const kms = (eventName: string, extra: Record<string, unknown> = {}) => ({ eventSource: 'kms.amazonaws.com', eventName, readOnly: eventName === 'Decrypt', ...extra });
const at = (second: number) => `2026-11-20T10:00:${String(second).padStart(2, '0')}Z`;

function fixtureLogs(dir: string): void {
  const calls = [
    ...Array.from({ length: 8 }, (_, i) => byRole('ctlab-kms-mystery-lambda-app-2', { ...kms('Encrypt'), eventTime: at(i) })),
    ...Array.from({ length: 2 }, (_, i) => byRole('ctlab-kms-mystery-lambda-app-3', { ...kms('GenerateDataKey'), eventTime: at(10 + i) })),
    ...Array.from({ length: 2 }, (_, i) => byRole('ctlab-kms-mystery-lambda-app-3', { ...kms('Decrypt'), eventTime: at(12 + i) })),
    ...Array.from({ length: 2 }, (_, i) => byRole('ctlab-kms-mystery-lambda-app-1', { ...kms('GenerateDataKey'), eventTime: at(14 + i) })),
    byRole('ctlab-kms-mystery-random-lambda-call', { eventSource: 'lambda.amazonaws.com', eventName: 'Invoke', eventCategory: 'Data', eventTime: at(16) }),
    // Invocations: app-2 twice (4 Encrypt each), app-3 twice (1+1 each), app-1 twice (1 each).
    ...(['ctlab-kms-mystery-lambda-app-1', 'ctlab-kms-mystery-lambda-app-2', 'ctlab-kms-mystery-lambda-app-3'] as const).flatMap((fn) =>
      [0, 1].map(() => byRole('ctlab-kms-mystery-random-lambda-call', { eventSource: 'lambda.amazonaws.com', eventName: 'Invoke', eventCategory: 'Data', eventTime: at(17), resources: [{ ARN: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`, accountId: ACCOUNT, type: 'AWS::Lambda::Function' }] })),
    ),
  ];
  writeDelivered(dir, DAY, calls);
  const instanceRole = (fields: Record<string, unknown>) => {
    const r = byRole('cat-api-role', fields) as { userIdentity: { arn: string; principalId: string } };
    r.userIdentity.arn = `arn:aws:sts::${ACCOUNT}:assumed-role/cat-api-role/${INSTANCE}`;
    r.userIdentity.principalId = `AROAEXAMPLE:${INSTANCE}`;
    return r;
  };
  writeDelivered(dir, DAY, [
    record({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventTime: at(20), userAgent: 'Mozilla/5.0 Firefox', sourceIPAddress: '198.51.100.1', userIdentity: { type: 'IAMUser', principalId: 'AIDAALICE', accountId: ACCOUNT, userName: 'alice' }, responseElements: { ConsoleLogin: 'Success' } }),
    record({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventTime: at(25), userAgent: 'Mozilla/5.0 Chrome', sourceIPAddress: '198.51.100.2', userIdentity: { type: 'IAMUser', principalId: 'AIDABOB', accountId: ACCOUNT, userName: 'bob' }, responseElements: { ConsoleLogin: 'Failure' } }),
    byUser('alice', { eventName: 'CreateBucket', eventSource: 's3.amazonaws.com', eventTime: at(30), requestParameters: { bucketName: 'alice-notes' } }),
    instanceRole({ eventName: 'CreateBucket', eventSource: 's3.amazonaws.com', eventTime: at(40), requestParameters: { bucketName: 'random-val-5f1c' } }),
    instanceRole({ eventName: 'RunInstances', eventSource: 'ec2.amazonaws.com', eventTime: at(41), requestParameters: { instanceType: 't3.micro', tagSpecificationSet: { items: [{ tags: [{ key: 'Name', value: 'crypto-miner' }] }] } } }),
  ]);
  const s3Context = (key: string) => ({ encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::data-bucket/${key}` }, keyId: 'arn:aws:kms:us-east-1:123456789012:key/2222-data' });
  writeDelivered(dir, DAY, [
    byUser('student', { ...kms('GenerateDataKey'), eventTime: at(50), requestParameters: s3Context('Sharingan.png'), userIdentity: { type: 'IAMUser', userName: 'student', invokedBy: 's3.amazonaws.com', arn: 'arn:aws:iam::123456789012:user/student' }, resources: [{ ARN: 'arn:aws:kms:us-east-1:123456789012:key/2222-data', accountId: ACCOUNT, type: 'AWS::KMS::Key' }] }),
    byUser('student', { ...kms('Decrypt'), eventTime: at(55), requestParameters: s3Context('Sharingan.png'), userIdentity: { type: 'IAMUser', userName: 'student', invokedBy: 's3.amazonaws.com', arn: 'arn:aws:iam::123456789012:user/student' }, resources: [{ ARN: 'arn:aws:kms:us-east-1:123456789012:key/2222-data', accountId: ACCOUNT, type: 'AWS::KMS::Key' }] }),
    byUser('student', { ...kms('Decrypt'), eventTime: at(56), requestParameters: s3Context('other.png') }),
  ]);
  writeDelivered(dir, DAY, [
    byUser('ctlab-audit-trail-auditor', { eventName: 'GetObject', eventSource: 's3.amazonaws.com', eventCategory: 'Data', eventTime: at(58), requestParameters: { bucketName: 'trail-bucket', key: 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/x.json.gz' } }),
    byUser('ctlab-audit-trail-auditor', { eventName: 'GetObject', eventSource: 's3.amazonaws.com', eventCategory: 'Data', eventTime: at(59), requestParameters: { bucketName: 'trail-bucket', key: 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/y.json.gz' } }),
    byUser('someone', { eventName: 'GetObject', eventSource: 's3.amazonaws.com', eventCategory: 'Data', eventTime: at(59), requestParameters: { bucketName: 'trail-bucket', key: 'notes.txt' } }),
    byUser('ctlab-audit-trail-auditor', { ...kms('Decrypt'), eventTime: '2026-11-20T11:00:00Z', requestParameters: { encryptionContext: { 'aws:cloudtrail:arn': 'arn:aws:cloudtrail:us-east-1:123456789012:trail/ctlab-audit-trail-trail' } }, resources: [{ ARN: TRAIL_KEY, accountId: ACCOUNT, type: 'AWS::KMS::Key' }] }),
    byUser('readonly-dev', { ...kms('Decrypt'), eventTime: '2026-11-20T11:05:00Z', errorCode: 'AccessDenied', resources: [{ ARN: TRAIL_KEY, accountId: ACCOUNT, type: 'AWS::KMS::Key' }] }),
  ]);
  // Outside the range: must not count.
  writeDelivered(dir, '2026-11-10', [byRole('ctlab-kms-mystery-lambda-app-1', { ...kms('GenerateDataKey'), eventTime: '2026-11-10T10:00:00Z' })]);
}

describe('shipped queries on the local engine', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-shipped-'));
  let engine: LocalEngine;
  beforeAll(async () => {
    fixtureLogs(dir);
    engine = await LocalEngine.open({ logs: dir, from: RANGE.from, to: RANGE.to });
  });
  afterAll(() => {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (scenario: string, name: string, params: Record<string, string> = {}) =>
    (await engine.query(renderQuery(findQuery(scenario, name), params, RANGE))).rows;

  it('every scenario query is covered below', () => {
    const covered = ['kms-mystery/kms-calls-by-caller', 'kms-mystery/kms-calls-by-caller-and-event', 'kms-mystery/kms-calls-per-invocation', 'suspicious-api/console-logins', 'suspicious-api/bucket-creations',
      'suspicious-api/instance-activity', 'sse-kms-bucket/kms-calls-for-object', 'audit-trail/log-readers', 'audit-trail/trail-key-decrypts'];
    expect(scenariosWithQueries().flatMap((s) => loadQueries(s).map((q) => `${s}/${q.name}`)).sort()).toEqual(covered.sort());
  });

  it('kms-mystery: puts the culprit first', async () => {
    expect(await run('kms-mystery', 'kms-calls-by-caller')).toEqual([
      { caller: 'ctlab-kms-mystery-lambda-app-2', kms_calls: 8 },
      { caller: 'ctlab-kms-mystery-lambda-app-3', kms_calls: 4 },
      { caller: 'ctlab-kms-mystery-lambda-app-1', kms_calls: 2 },
      { caller: 'student', kms_calls: 3 },
      { caller: 'ctlab-audit-trail-auditor', kms_calls: 1 },
      { caller: 'readonly-dev', kms_calls: 1 },
    ].sort((a, b) => b.kms_calls - a.kms_calls || a.caller.localeCompare(b.caller)));
  });

  it('kms-mystery: ranks the apps by KMS calls per invocation', async () => {
    expect(await run('kms-mystery', 'kms-calls-per-invocation')).toEqual([
      { caller: 'ctlab-kms-mystery-lambda-app-2', kms_calls: 8, invocations: 2, kms_calls_per_invocation: 4 },
      { caller: 'ctlab-kms-mystery-lambda-app-3', kms_calls: 4, invocations: 2, kms_calls_per_invocation: 2 },
      { caller: 'ctlab-kms-mystery-lambda-app-1', kms_calls: 2, invocations: 2, kms_calls_per_invocation: 1 },
    ]);
  });

  it('kms-mystery: breaks the calls down by operation', async () => {
    const rows = await run('kms-mystery', 'kms-calls-by-caller-and-event');
    expect(rows.filter((r) => String(r.caller).includes('kms-mystery'))).toEqual([
      { caller: 'ctlab-kms-mystery-lambda-app-2', eventname: 'Encrypt', kms_calls: 8 },
      { caller: 'ctlab-kms-mystery-lambda-app-1', eventname: 'GenerateDataKey', kms_calls: 2 },
      { caller: 'ctlab-kms-mystery-lambda-app-3', eventname: 'Decrypt', kms_calls: 2 },
      { caller: 'ctlab-kms-mystery-lambda-app-3', eventname: 'GenerateDataKey', kms_calls: 2 },
    ]);
  });

  it('suspicious-api: lists console logins newest first with account, browser, source IP and time', async () => {
    expect(await run('suspicious-api', 'console-logins')).toEqual([
      { account: ACCOUNT, principal: 'AIDABOB', browser: 'Mozilla/5.0 Chrome', source_ip: '198.51.100.2', eventtime: at(25), result: 'Failure' },
      { account: ACCOUNT, principal: 'AIDAALICE', browser: 'Mozilla/5.0 Firefox', source_ip: '198.51.100.1', eventtime: at(20), result: 'Success' },
    ]);
  });

  it('suspicious-api: lists bucket creations with user, time and bucket name', async () => {
    expect(await run('suspicious-api', 'bucket-creations')).toEqual([
      { username: 'cat-api-role', eventtime: at(40), bucket_name: 'random-val-5f1c' },
      { username: 'alice', eventtime: at(30), bucket_name: 'alice-notes' },
    ]);
  });

  it("suspicious-api: follows one instance's role session, newest first", async () => {
    const rows = await run('suspicious-api', 'instance-activity', { instance_id: INSTANCE });
    expect(rows.map((r) => [r.eventtime, r.eventname])).toEqual([
      [at(41), 'RunInstances'],
      [at(40), 'CreateBucket'],
    ]);
    expect(JSON.parse(String(rows[1].requestparameters))).toEqual({ bucketName: 'random-val-5f1c' });
  });

  it('sse-kms-bucket: finds the KMS calls S3 made for one object', async () => {
    expect(await run('sse-kms-bucket', 'kms-calls-for-object', { bucket: 'data-bucket', object_key: 'Sharingan.png' })).toEqual([
      { eventtime: at(50), eventname: 'GenerateDataKey', requested_by: 'student', invoked_by: 's3.amazonaws.com', key_arn: 'arn:aws:kms:us-east-1:123456789012:key/2222-data' },
      { eventtime: at(55), eventname: 'Decrypt', requested_by: 'student', invoked_by: 's3.amazonaws.com', key_arn: 'arn:aws:kms:us-east-1:123456789012:key/2222-data' },
    ]);
  });

  it("audit-trail: counts who read the trail's log objects", async () => {
    expect(await run('audit-trail', 'log-readers', { trail_bucket: 'trail-bucket' })).toEqual([
      { reader: 'ctlab-audit-trail-auditor', reads: 2, first_read: at(58), last_read: at(59) },
    ]);
  });

  it('audit-trail: lists Decrypt calls on the trail key, denied ones included', async () => {
    expect(await run('audit-trail', 'trail-key-decrypts', { key_arn: TRAIL_KEY })).toEqual([
      { eventtime: '2026-11-20T11:05:00Z', decrypted_by: 'readonly-dev', errorcode: 'AccessDenied', trail_context: null },
      { eventtime: '2026-11-20T11:00:00Z', decrypted_by: 'ctlab-audit-trail-auditor', errorcode: null, trail_context: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/ctlab-audit-trail-trail' },
    ]);
  });
});
