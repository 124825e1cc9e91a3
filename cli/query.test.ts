import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { byRole, writeDelivered } from '../query/testing/fixtures';
import { main } from './main';
import { captureIo } from './testing';

const capture = captureIo;

describe('cloudtrail-lab query (local engine)', () => {
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-cli-logs-'));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-cli-cache-'));
  const kms = (role: string, eventName: string) => byRole(role, { eventSource: 'kms.amazonaws.com', eventName, eventTime: '2026-11-20T10:00:00Z' });
  beforeAll(() => {
    writeDelivered(logs, '2026-11-20', [kms('app-2', 'Encrypt'), kms('app-2', 'Encrypt'), kms('app-1', 'GenerateDataKey')]);
  });
  afterAll(() => [logs, cache].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const args = (...rest: string[]) => ['node', 'cloudtrail-lab', 'query', ...rest, '--logs', logs, '--from', '2026-11-20', '--to', '2026-11-20'];

  it('prints JSON rows and nothing else on stdout', async () => {
    const { io, out, err } = capture({ CTLAB_CACHE_DIR: cache });
    expect(await main(args('kms-mystery', 'kms-calls-by-caller', '--format', 'json'), io)).toBe(0);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0])).toEqual([
      { caller: 'app-2', kms_calls: 2 },
      { caller: 'app-1', kms_calls: 1 },
    ]);
    expect(err.at(-1)).toMatch(/^2 row\(s\) in [\d.]+ s \(local, 2026-11-20 to 2026-11-20\)$/);
  });

  it('prints a table by default and CSV when asked', async () => {
    const table = capture({ CTLAB_CACHE_DIR: cache });
    expect(await main(args('kms-mystery', 'kms-calls-by-caller'), table.io)).toBe(0);
    expect(table.out[0].split('\n')).toEqual(['caller  kms_calls', '------  ---------', 'app-2   2', 'app-1   1']);
    const csv = capture({ CTLAB_CACHE_DIR: cache });
    expect(await main(args('kms-mystery', 'kms-calls-by-caller', '--format', 'csv'), csv.io)).toBe(0);
    expect(csv.out[0]).toBe('caller,kms_calls\napp-2,2\napp-1,1');
  });

  it('runs ad-hoc SQL with the date range filled in', async () => {
    const { io, out } = capture({ CTLAB_CACHE_DIR: cache });
    const sql = `SELECT count(*) AS n FROM cloudtrail_logs WHERE "timestamp" BETWEEN {{from}} AND {{to}} AND eventname = {{name}}`;
    expect(await main([...args('kms-mystery', '--sql', sql, '--param', 'name=Encrypt'), '--format', 'json', '--no-cache'], io)).toBe(0);
    expect(JSON.parse(out[0])).toEqual([{ n: 2 }]);
  });

  it.each([
    [['kms-mystery', 'kms-calls-by-caller', '--param', 'nope=1'], /query kms-calls-by-caller has no parameter "nope"; it takes no parameters/],
    [['suspicious-api', 'instance-activity'], /needs --param instance_id=<instance-id>/],
    [['suspicious-api', 'instance-activity', '--param', "instance_id=i-1' OR 1=1"], /"i-1' OR 1=1" is not a valid instance-id/],
    [['kms-mystery', 'kms-calls-by-caller', '--from', '2026-02-30'], /"2026-02-30" is not a calendar date/],
    [['kms-mystery', 'kms-calls-by-caller', '--from', '2026-12-01'], /--from 2026-12-01 is after --to 2026-11-20/],
  ])('rejects %p with the reason', async (rest, message) => {
    const { io, err } = capture({ CTLAB_CACHE_DIR: cache });
    const argv = ['node', 'cloudtrail-lab', 'query', ...rest, '--logs', logs, '--to', '2026-11-20', ...(rest.includes('--from') ? [] : ['--from', '2026-11-20'])];
    expect(await main(argv, io)).toBe(1);
    expect(err.join('\n')).toMatch(message);
  });

  it('needs --logs for the local engine, and says what it is', async () => {
    const { io, err } = capture();
    expect(await main(['node', 'cloudtrail-lab', 'query', 'kms-mystery', 'kms-calls-by-caller'], io)).toBe(1);
    expect(err[0]).toMatch(/the local engine needs --logs <dir>/);
  });
});

describe('cloudtrail-lab query: options and listing', () => {
  it('lists the queries of a scenario when none is named', async () => {
    const { io, out } = captureIo();
    expect(await main(['node', 'cloudtrail-lab', 'query', 'kms-mystery'], io)).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^kms-calls-by-caller-and-event: /), expect.stringMatching(/^kms-calls-by-caller: Who is consuming/), expect.stringMatching(/^kms-calls-per-invocation: /)]);
  });

  it('rejects an option of the other engine instead of ignoring it', async () => {
    const { io, err } = captureIo();
    expect(await main(['node', 'cloudtrail-lab', 'query', 'kms-mystery', 'kms-calls-by-caller', '--logs', '/tmp', '--workgroup', 'wg'], io)).toBe(1);
    expect(err[0]).toBe('cloudtrail-lab: --workgroup applies to --engine athena, not local');
  });
});
