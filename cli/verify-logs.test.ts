import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Delivery } from '../emulator/edge/delivery';
import { DIGEST_PUBLIC_KEY_FILE, DigestWriter, loadOrCreateDigestKeyPair } from '../emulator/edge/digest';
import { folderS3, testTrail } from '../emulator/edge/testing';
import { main } from './main';
import { captureIo } from './testing';

const ACCOUNT = '123456789012';
const TRAIL = testTrail({ multiRegion: false });

describe('cloudtrail-lab verify-logs', () => {
  let work: string;
  let logs: string;
  let keyDir: string;
  let keys: string[];

  /** Two delivery rounds with digests, written into `logs` as `logs pull --with-digests` leaves them. */
  beforeEach(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-verify-cli-'));
    logs = path.join(work, 'logs');
    keyDir = path.join(work, 'key');
    const s3 = folderS3(logs);
    let now = new Date();
    const digests = new DigestWriter(s3, ACCOUNT, loadOrCreateDigestKeyPair(keyDir), { clock: () => now });
    const delivery = new Delivery(s3, ACCOUNT, async (file, trail) => digests.collect(file, trail));
    keys = [];
    for (const eventTime of ['2026-03-01T10:00:00Z', '2026-03-01T10:05:00Z']) {
      delivery.add(TRAIL, { eventTime, eventName: 'CreateKey', awsRegion: 'us-east-1' });
      now = new Date(eventTime);
      keys.push(...(await delivery.flush(now)).map((f) => f.key));
      await digests.flush();
    }
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const run = async (...args: string[]) => {
    const { io, out, err } = captureIo();
    const code = await main(['node', 'cloudtrail-lab', 'verify-logs', ...args], io);
    return { code, out, err };
  };

  it('prints only the summary and exits 0 when every file is valid', async () => {
    const { code, out } = await run('--logs', logs, '--public-key', path.join(keyDir, DIGEST_PUBLIC_KEY_FILE));
    expect(out).toEqual([`Results requested for all days in ${logs}: 2/2 digest files valid, 2/2 log files valid`]);
    expect(code).toBe(0);
  });

  it('prints a line per problem and exits 1 when a log file was modified or added', async () => {
    // Given
    fs.writeFileSync(path.join(logs, ...keys[0].split('/')), gzipSync(JSON.stringify({ Records: [] })));
    const added = keys[1].replace(/_[A-Za-z0-9_-]{16}\.json\.gz$/, '_ZZZZZZZZZZZZZZZZ.json.gz');
    fs.writeFileSync(path.join(logs, ...added.split('/')), gzipSync('{"Records":[]}'));

    // When
    const { code, out } = await run('--logs', logs, '--key-dir', keyDir, '--from', '2026-03-01', '--to', '2026-03-01');

    // Then
    expect(out.slice(0, -1).sort()).toEqual(
      [`Log file\t${path.join(logs, ...keys[0].split('/'))}\tMODIFIED: hash value doesn't match the digest`, `Log file\t${path.join(logs, ...added.split('/'))}\tEXTRA: no digest lists it`].sort(),
    );
    expect(out.at(-1)).toBe(`Results requested for 2026-03-01 to 2026-03-01 in ${logs}: 2/2 digest files valid, 1/3 log files valid, 1 modified, 1 extra`);
    expect(code).toBe(1);
  });

  it('shows the public key as PEM with its fingerprint', async () => {
    const { code, out } = await run('--key-dir', keyDir, '--show-public-key');
    expect(code).toBe(0);
    expect(out[0]).toMatch(new RegExp(`^fingerprint ${loadOrCreateDigestKeyPair(keyDir).fingerprint}\n-----BEGIN RSA PUBLIC KEY-----\n`));
  });

  it.each([
    [['--logs', 'LOGS'], /give --public-key <pem file> \(the emulator's digest-public-key\.pem\) or --key-dir/],
    [['--logs', 'LOGS', '--public-key', 'WORK/missing.pem'], /public key file .*missing\.pem does not exist/],
    [['--key-dir', 'KEY'], /give --bucket <trail bucket> \(with --endpoint for the local emulator\) or --logs <dir>/],
    [['--key-dir', 'KEY', '--bucket', 'b', '--logs', 'LOGS'], /give --bucket \(read the trail bucket\) or --logs \(read pulled files\), not both/],
    [['--key-dir', 'KEY', '--logs', 'LOGS', '--endpoint', 'http://127.0.0.1:4566'], /--endpoint apply to --bucket, not --logs/],
    [['--key-dir', 'KEY', '--logs', 'LOGS', '--from', '2026-3-1'], /--from must be a calendar day as YYYY-MM-DD \(UTC\), e\.g\. 2026-11-24; got "2026-3-1"/],
    [['--key-dir', 'KEY', '--logs', 'LOGS', '--from', '2026-03-02', '--to', '2026-03-01'], /--from 2026-03-02 is after --to 2026-03-01/],
    [['--key-dir', 'KEY', '--bucket', 'b', '--region', 'mars'], /--region must be an AWS region such as us-east-1, got "mars"/],
  ])('rejects bad input %j with a message saying what is valid', async (args, message) => {
    const resolved = args.map((a) => a.replace('LOGS', logs).replace('KEY', keyDir).replace('WORK', work));
    const { code, err } = await run(...resolved);
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(message);
  });
});
