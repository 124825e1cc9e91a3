import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Delivery } from './edge/delivery';
import { DigestFile, DigestWriter, digestPublicKey, generateDigestKeyPair } from './edge/digest';
import { folderS3, testTrail } from './edge/testing';
import { METADATA_SUFFIX, VerifyReport, folderSource, problemLines, summarize, verifyLogs } from './verify-logs';

const ACCOUNT = '123456789012';
const KEY = generateDigestKeyPair();
const PUBLIC = [digestPublicKey(KEY)];
const TRAIL = testTrail();

/** The emulator's delivery and digests, into a folder, on a clock the test sets. */
function emulator(dir: string) {
  const clock = { now: new Date('2026-03-01T10:00:00Z') };
  const s3 = folderS3(dir);
  const digests = new DigestWriter(s3, ACCOUNT, KEY, { clock: () => clock.now });
  const delivery = new Delivery(s3, ACCOUNT, async (file, trail) => digests.collect(file, trail));
  let n = 0;
  return {
    clock,
    /** Delivers one file per region given, then writes the round's digests; returns the log keys. */
    async round(at: string, regions: string[] = ['us-east-1']): Promise<string[]> {
      clock.now = new Date(at);
      for (const awsRegion of regions) delivery.add(TRAIL, { eventTime: at.replace(/\.\d+Z$/, 'Z'), eventName: `Call${n++}`, awsRegion });
      const files = await delivery.flush(clock.now);
      await digests.flush();
      return files.map((f) => f.key);
    },
  };
}

const file = (dir: string, key: string) => path.join(dir, ...key.split('/'));
const statuses = (report: VerifyReport) => Object.fromEntries(report.logFiles.map((f) => [f.key, f.status]));
const digestKeys = (dir: string) =>
  fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((p) => p.includes('CloudTrail-Digest') && p.endsWith('.json.gz'))
    .map((p) => p.split(path.sep).join('/'))
    .sort();

describe('verifyLogs', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-verify-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds every digest and log file valid when nothing was touched', async () => {
    // Given three rounds, one of them in two regions
    const ct = emulator(dir);
    const logs = [...(await ct.round('2026-03-01T10:00:00Z')), ...(await ct.round('2026-03-01T10:00:05Z', ['us-east-1', 'eu-west-1'])), ...(await ct.round('2026-03-01T10:00:10Z'))];

    // When
    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC });

    // Then
    expect(report.ok).toBe(true);
    expect(report.digests.map((d) => d.status)).toEqual(['valid', 'valid', 'valid', 'valid']);
    expect(Object.keys(statuses(report)).sort()).toEqual([...logs].sort());
    expect(new Set(Object.values(statuses(report)))).toEqual(new Set(['valid']));
    expect(problemLines(report)).toEqual([]);
    expect(summarize(report)).toBe(`Results requested for all days in ${dir}: 4/4 digest files valid, 4/4 log files valid`);
  });

  it('reports a modified, a deleted and an added log file, each as what it is', async () => {
    // Given
    const ct = emulator(dir);
    const [a] = await ct.round('2026-03-01T10:00:00Z');
    const [b] = await ct.round('2026-03-01T10:00:05Z');
    const [c] = await ct.round('2026-03-01T10:00:10Z');
    // one record changed (still valid gzip and JSON), one file deleted, one file added in the layout
    const changed = JSON.parse(gunzipSync(fs.readFileSync(file(dir, a))).toString()) as { Records: Record<string, unknown>[] };
    changed.Records[0].sourceIPAddress = '203.0.113.66';
    fs.writeFileSync(file(dir, a), gzipSync(JSON.stringify(changed)));
    fs.rmSync(file(dir, b));
    const added = c.replace(/_[A-Za-z0-9_-]{16}\.json\.gz$/, '_AAAAAAAAAAAAAAAA.json.gz');
    fs.writeFileSync(file(dir, added), gzipSync(JSON.stringify({ Records: [] })));

    // When
    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC });

    // Then
    expect(report.ok).toBe(false);
    expect(statuses(report)).toEqual({ [a]: 'modified', [b]: 'deleted', [c]: 'valid', [added]: 'extra' });
    expect(report.counts.digests).toEqual({ valid: 3, invalid: 0, missing: 0 });
    expect(problemLines(report).sort()).toEqual(
      [
        `Log file\t${file(dir, a)}\tMODIFIED: hash value doesn't match the digest`,
        `Log file\t${file(dir, b)}\tDELETED: listed in a digest but not found`,
        `Log file\t${file(dir, added)}\tEXTRA: no digest lists it`,
      ].sort(),
    );
    expect(summarize(report)).toBe(`Results requested for all days in ${dir}: 3/3 digest files valid, 1/4 log files valid, 1 modified, 1 deleted, 1 extra`);
  });

  it('rejects a digest whose signature was tampered with, and does not vouch for the files it lists', async () => {
    // Given the newest digest's signature replaced
    const ct = emulator(dir);
    const [older] = await ct.round('2026-03-01T10:00:00Z');
    const [newer] = await ct.round('2026-03-01T10:00:05Z');
    const [first, last] = digestKeys(dir);
    const sidecar = `${file(dir, last)}${METADATA_SUFFIX}`;
    const metadata = JSON.parse(fs.readFileSync(sidecar, 'utf8')) as Record<string, string>;
    fs.writeFileSync(sidecar, JSON.stringify({ ...metadata, signature: metadata.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) }));

    // When
    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC });

    // Then
    expect(report.digests.map((d) => [d.key, d.status, d.detail])).toEqual([
      [first, 'valid', undefined],
      [last, 'invalid', 'signature verification failed'],
    ]);
    expect(statuses(report)).toEqual({ [older]: 'valid', [newer]: 'unverified' });
    expect(report.ok).toBe(false);
    expect(summarize(report)).toMatch(/1\/2 digest files valid, 1 invalid, 1\/2 log files valid, 1 unverified$/);
  });

  it('catches a digest rewritten to drop a log file, through its own signature and the hash its successor recorded', async () => {
    // Given the middle digest rewritten without its log file, gzipped again, signature kept
    const ct = emulator(dir);
    await ct.round('2026-03-01T10:00:00Z');
    const [hidden] = await ct.round('2026-03-01T10:00:05Z');
    await ct.round('2026-03-01T10:00:10Z');
    const middle = digestKeys(dir)[1];
    const digest = JSON.parse(gunzipSync(fs.readFileSync(file(dir, middle))).toString()) as DigestFile;
    fs.writeFileSync(file(dir, middle), gzipSync(JSON.stringify({ ...digest, logFiles: [] })));

    // When
    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC });

    // Then
    expect(report.digests.find((d) => d.key === middle)).toMatchObject({ status: 'invalid', detail: expect.stringMatching(/does not match the hash and signature .* recorded for it/) });
    expect(statuses(report)[hidden]).not.toBe('valid');
    expect(report.ok).toBe(false);
  });

  it('reports a deleted digest as missing, its files as extra, and still checks the older digests', async () => {
    const ct = emulator(dir);
    const [a] = await ct.round('2026-03-01T10:00:00Z');
    const [b] = await ct.round('2026-03-01T10:00:05Z');
    const [c] = await ct.round('2026-03-01T10:00:10Z');
    const [first, middle, last] = digestKeys(dir);
    fs.rmSync(file(dir, middle));

    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC });

    expect(report.digests.map((d) => [d.key, d.status])).toEqual([
      [first, 'valid'],
      [middle, 'missing'],
      [last, 'valid'],
    ]);
    expect(statuses(report)).toEqual({ [a]: 'valid', [b]: 'extra', [c]: 'valid' });
    expect(summarize(report)).toMatch(/2\/3 digest files valid, 1 missing, 2\/3 log files valid, 1 extra$/);
  });

  it('rejects digests signed with a key it was not given, naming the fingerprint', async () => {
    const ct = emulator(dir);
    await ct.round('2026-03-01T10:00:00Z');
    const other = digestPublicKey(generateDigestKeyPair());

    const report = await verifyLogs({ source: folderSource(dir), publicKeys: [other] });

    expect(report.digests[0]).toMatchObject({ status: 'invalid', detail: `signed with a key not given (fingerprint ${KEY.fingerprint}; given: ${other.fingerprint})` });
    expect(report.ok).toBe(false);
  });

  it('notes where a new chain starts (an emulator restart) without calling it invalid', async () => {
    await emulator(dir).round('2026-03-01T10:00:00Z');
    await emulator(dir).round('2026-03-01T11:00:00Z');

    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC });

    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([expect.stringMatching(/^audit \(us-east-1\): .*T110000Z\.json\.gz starts a new digest chain after .*T100000Z\.json\.gz/)]);
  });

  it('checks only the days asked for, and does not follow the chain past the first one', async () => {
    // Given a day-1 file that was deleted, and a day-2 file that is fine
    const ct = emulator(dir);
    const [day1] = await ct.round('2026-03-01T23:00:00Z');
    const [day2] = await ct.round('2026-03-02T01:00:00Z');
    fs.rmSync(file(dir, day1));

    // When only day 2 is checked
    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC, from: '2026-03-02', to: '2026-03-02' });

    // Then
    expect(report.ok).toBe(true);
    expect(statuses(report)).toEqual({ [day2]: 'valid' });
    expect(report.digests).toHaveLength(1);
    expect(summarize(report)).toMatch(/^Results requested for 2026-03-02 to 2026-03-02 in /);
    expect((await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC, from: '2026-03-01', to: '2026-03-01' })).counts.logFiles.deleted).toBe(1);
  });

  it('says when there are no digests at all, and is not ok', async () => {
    fs.mkdirSync(path.join(dir, 'AWSLogs'));
    const report = await verifyLogs({ source: folderSource(dir), publicKeys: PUBLIC });
    expect(report.ok).toBe(false);
    expect(summarize(report)).toMatch(/no digest files found, 0 log file\(s\) unverified/);
  });

  it('rejects bad days, a reversed range, no key, and a folder that is not one', async () => {
    const source = folderSource(dir);
    await expect(verifyLogs({ source, publicKeys: PUBLIC, from: '2026-02-30' })).rejects.toThrow('--from must be a calendar day as YYYY-MM-DD (UTC), got "2026-02-30"');
    await expect(verifyLogs({ source, publicKeys: PUBLIC, to: '2026-13-01' })).rejects.toThrow('--to must be a calendar day as YYYY-MM-DD (UTC), got "2026-13-01"');
    await expect(verifyLogs({ source, publicKeys: PUBLIC, from: '2026-03-02', to: '2026-03-01' })).rejects.toThrow('--from 2026-03-02 is after --to 2026-03-01');
    await expect(verifyLogs({ source, publicKeys: [] })).rejects.toThrow(/no public key given/);
    expect(() => folderSource(path.join(dir, 'nope'))).toThrow(/is not a folder; give the folder `cloudtrail-lab logs pull --with-digests` wrote/);
  });
});
