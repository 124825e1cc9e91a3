import { createPublicKey, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand, PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { DeliveredFile, logFileKey } from './delivery';
import {
  DIGEST_PRIVATE_KEY_FILE,
  DIGEST_PUBLIC_KEY_FILE,
  DigestFile,
  DigestWriter,
  digestFileKey,
  digestSigningString,
  generateDigestKeyPair,
  loadOrCreateDigestKeyPair,
  parseDigestKey,
  publicKeyFingerprint,
  readDigestPublicKey,
  sha256Hex,
} from './digest';
import { testTrail } from './testing';
import { TrailConfig } from './trails';

const ACCOUNT = '123456789012';
const KEY = generateDigestKeyPair();

const trail = testTrail;

let fileCount = 0;
function delivered(t: TrailConfig, region: string, events: string[]): DeliveredFile {
  const json = Buffer.from(JSON.stringify({ Records: events.map((eventTime, i) => ({ eventTime, eventName: `Call${fileCount}-${i}`, awsRegion: region })) }));
  fileCount++;
  return { trail: t.arn, bucket: t.bucket, key: logFileKey(t, ACCOUNT, region, new Date(events[0])), records: events.length, json, oldestEventTime: events[0], newestEventTime: events[events.length - 1] };
}

/** An S3 client that keeps what is put, and fails while `failing` is set. */
function fakeS3() {
  const puts: PutObjectCommandInput[] = [];
  const state = { failing: false };
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof PutObjectCommand)) throw new Error('unexpected command');
      if (state.failing) throw new Error('SlowDown: please reduce your request rate');
      puts.push(command.input);
      return {};
    },
  } as unknown as S3Client;
  return { client, puts, state };
}

const body = (put: PutObjectCommandInput) => gunzipSync(put.Body as Buffer);
const digestOf = (put: PutObjectCommandInput) => JSON.parse(body(put).toString()) as DigestFile;

describe('digest files', () => {
  it('computes the fingerprint AWS publishes for its own public key (hex MD5 of the PKCS#1 DER)', () => {
    // Given the public key and fingerprint from the AWS CLI's `list-public-keys` example
    const value =
      'MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB';
    const key = createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs1' });
    // Then
    expect(publicKeyFingerprint(key)).toBe('7f3f401420072e50a65a141430817ab3');
  });

  it('names digests as CloudTrail does, and parses the name back (trail names may hold underscores)', () => {
    const key = digestFileKey({ name: 'my_trail', homeRegion: 'us-east-1', prefix: 'org/logs' }, ACCOUNT, 'eu-west-1', new Date('2026-03-01T07:08:09.500Z'));
    expect(key).toBe(`org/logs/AWSLogs/${ACCOUNT}/CloudTrail-Digest/eu-west-1/2026/03/01/${ACCOUNT}_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_20260301T070809Z.json.gz`);
    expect(parseDigestKey(key)).toMatchObject({ accountId: ACCOUNT, region: 'eu-west-1', trailName: 'my_trail', homeRegion: 'us-east-1', stamp: '20260301T070809Z' });
    expect(parseDigestKey(`AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/03/01/${ACCOUNT}_CloudTrail_us-east-1_20260301T0708Z_abcdefghijklmnop.json.gz`)).toBeUndefined();
  });

  it('builds the documented signing string, "null" standing for no previous signature', () => {
    const digest = { digestEndTime: '2026-03-01T07:08:09Z', digestS3Bucket: 'b', digestS3Object: 'AWSLogs/x.json.gz', previousDigestSignature: null };
    expect(digestSigningString(digest, Buffer.from('abc'))).toBe(`2026-03-01T07:08:09Z\nb/AWSLogs/x.json.gz\n${sha256Hex('abc')}\nnull`);
    expect(digestSigningString({ ...digest, previousDigestSignature: 'beef' }, Buffer.from('abc')).split('\n')[3]).toBe('beef');
  });

  it('writes one signed digest per trail and region, listing the SHA-256 of each uncompressed log file', async () => {
    // Given a validating multi-region trail that delivered two files in us-east-1 and one in eu-west-1
    const s3 = fakeS3();
    const writer = new DigestWriter(s3.client, ACCOUNT, KEY, { clock: () => new Date('2026-03-01T10:00:00.700Z') });
    const t = trail();
    const files = [delivered(t, 'us-east-1', ['2026-03-01T09:59:01Z', '2026-03-01T09:59:30Z']), delivered(t, 'us-east-1', ['2026-03-01T09:58:00Z']), delivered(t, 'eu-west-1', ['2026-03-01T09:59:59Z'])];
    files.forEach((f) => writer.collect(f, t));

    // When
    const written = await writer.flush();

    // Then
    expect(written).toHaveLength(2);
    const east = s3.puts.find((p) => String(p.Key).includes('/CloudTrail-Digest/us-east-1/'))!;
    expect(east.Key).toBe(`AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/03/01/${ACCOUNT}_CloudTrail-Digest_us-east-1_audit_us-east-1_20260301T100000Z.json.gz`);
    const digest = digestOf(east);
    expect(Object.keys(digest)).toEqual([
      'awsAccountId', 'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint', 'digestSignatureAlgorithm',
      'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'logFiles',
    ]);
    expect(digest).toMatchObject({
      awsAccountId: ACCOUNT,
      digestEndTime: '2026-03-01T10:00:00Z',
      digestS3Bucket: 'audit-logs',
      digestS3Object: east.Key,
      digestPublicKeyFingerprint: KEY.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      oldestEventTime: '2026-03-01T09:58:00Z',
      newestEventTime: '2026-03-01T09:59:30Z',
      previousDigestS3Bucket: null,
      previousDigestS3Object: null,
      previousDigestHashValue: null,
      previousDigestHashAlgorithm: null,
      previousDigestSignature: null,
    });
    expect(digest.logFiles).toEqual(
      files.slice(0, 2).map((f) => ({ s3Bucket: 'audit-logs', s3Object: f.key, hashValue: sha256Hex(f.json), hashAlgorithm: 'SHA-256', newestEventTime: f.newestEventTime, oldestEventTime: f.oldestEventTime })),
    );
    // Signed over the signing string, the signature in the object metadata; stored with SSE-S3 as CloudTrail stores digests.
    expect(east.Metadata).toEqual({ signature: expect.stringMatching(/^[0-9a-f]{512}$/), 'signature-algorithm': 'SHA256withRSA' });
    expect(verify('sha256', Buffer.from(digestSigningString(digest, body(east))), KEY.publicKey, Buffer.from(east.Metadata!.signature, 'hex'))).toBe(true);
    expect(east.ServerSideEncryption).toBe('AES256');
    expect(east.ContentEncoding).toBe('gzip');
    expect(digestOf(s3.puts.find((p) => String(p.Key).includes('/CloudTrail-Digest/eu-west-1/'))!).logFiles.map((f) => f.s3Object)).toEqual([files[2].key]);
  });

  it('links each digest to the previous one of its chain, with end times that always move forward', async () => {
    // Given a clock that does not move between two flushes
    const s3 = fakeS3();
    const writer = new DigestWriter(s3.client, ACCOUNT, KEY, { clock: () => new Date('2026-03-01T10:00:00Z') });
    const t = trail();
    writer.collect(delivered(t, 'us-east-1', ['2026-03-01T09:59:00Z']), t);
    const [first] = await writer.flush();
    writer.collect(delivered(t, 'us-east-1', ['2026-03-01T09:59:50Z']), t);

    // When
    const [second] = await writer.flush();

    // Then
    expect(second.key).not.toBe(first.key);
    expect(second.digest).toMatchObject({
      digestStartTime: first.digest.digestEndTime,
      digestEndTime: '2026-03-01T10:00:01Z',
      previousDigestS3Bucket: first.bucket,
      previousDigestS3Object: first.key,
      previousDigestHashValue: sha256Hex(gunzipSync(s3.puts[0].Body as Buffer)),
      previousDigestHashAlgorithm: 'SHA-256',
      previousDigestSignature: s3.puts[0].Metadata!.signature,
    });
    expect(verify('sha256', Buffer.from(digestSigningString(second.digest, second.json)), KEY.publicKey, Buffer.from(second.signature, 'hex'))).toBe(true);
  });

  it('ignores trails without log file validation, and writes nothing when no file is new', async () => {
    const s3 = fakeS3();
    const writer = new DigestWriter(s3.client, ACCOUNT, KEY);
    const plain = trail({ name: 'plain', arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/plain`, logFileValidation: false });
    writer.collect(delivered(plain, 'us-east-1', ['2026-03-01T09:59:00Z']), plain);
    expect(await writer.flush()).toEqual([]);
    expect(s3.puts).toEqual([]);
  });

  it('keeps the files of a digest it could not write for the next flush, without breaking the chain', async () => {
    // Given a write that fails
    const s3 = fakeS3();
    const writer = new DigestWriter(s3.client, ACCOUNT, KEY);
    const t = trail();
    const file = delivered(t, 'us-east-1', ['2026-03-01T09:59:00Z']);
    writer.collect(file, t);
    s3.state.failing = true;
    await expect(writer.flush()).rejects.toThrow(/could not write the digest of 1 log file\(s\) of trail audit \(us-east-1\) to s3:\/\/audit-logs\/.*SlowDown/);
    expect(writer.waiting).toBe(1);

    // When S3 answers again
    s3.state.failing = false;
    const [digest] = await writer.flush();

    // Then the file is in the first digest of the chain
    expect(digest.digest.logFiles.map((f) => f.s3Object)).toEqual([file.key]);
    expect(digest.digest.previousDigestS3Object).toBeNull();
    expect(writer.waiting).toBe(0);
  });

  describe('key folder', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-digest-key-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('creates a key pair once (private key for the owner only) and loads the same one afterwards', () => {
      const keyDir = path.join(dir, 'keys');
      const created = loadOrCreateDigestKeyPair(keyDir);
      expect(created.created).toBe(true);
      expect(fs.statSync(path.join(keyDir, DIGEST_PRIVATE_KEY_FILE)).mode & 0o077).toBe(0);
      expect(fs.readFileSync(path.join(keyDir, DIGEST_PUBLIC_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/);
      const loaded = loadOrCreateDigestKeyPair(keyDir);
      expect(loaded.created).toBe(false);
      expect(loaded.fingerprint).toBe(created.fingerprint);
      expect(readDigestPublicKey(path.join(keyDir, DIGEST_PUBLIC_KEY_FILE)).fingerprint).toBe(created.fingerprint);
    });

    it('rejects a folder with only one half of the pair, or halves of different pairs', () => {
      loadOrCreateDigestKeyPair(dir);
      fs.writeFileSync(path.join(dir, DIGEST_PUBLIC_KEY_FILE), generateDigestKeyPair().publicKey.export({ type: 'spki', format: 'pem' }));
      expect(() => loadOrCreateDigestKeyPair(dir)).toThrow(`${path.join(dir, DIGEST_PUBLIC_KEY_FILE)} is not the public half of ${path.join(dir, DIGEST_PRIVATE_KEY_FILE)}`);
      fs.rmSync(path.join(dir, DIGEST_PUBLIC_KEY_FILE));
      expect(() => loadOrCreateDigestKeyPair(dir)).toThrow(`holds ${DIGEST_PRIVATE_KEY_FILE} but not ${DIGEST_PUBLIC_KEY_FILE}`);
    });

    it('rejects a public key file that is missing or not a PEM key, saying what was expected', () => {
      expect(() => readDigestPublicKey(path.join(dir, 'nope.pem'))).toThrow(/nope\.pem does not exist; give the digest-public-key\.pem/);
      fs.writeFileSync(path.join(dir, 'bad.pem'), 'hello');
      expect(() => readDigestPublicKey(path.join(dir, 'bad.pem'))).toThrow(/bad\.pem is not a PEM public key .*expected "-----BEGIN RSA PUBLIC KEY-----"/);
    });
  });
});
