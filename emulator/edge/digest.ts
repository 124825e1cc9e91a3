import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeliveredFile } from './delivery';
import { TrailConfig } from './trails';

/*
 * CloudTrail log file integrity validation, as AWS documents it:
 * - digest file structure: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
 * - signing and checking: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html
 * - public keys (DER, PKCS#1; fingerprint = hex MD5 of that DER): https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PublicKey.html
 */

export const DIGEST_SIGNATURE_ALGORITHM = 'SHA256withRSA';
export const DIGEST_HASH_ALGORITHM = 'SHA-256';
export const DIGEST_PRIVATE_KEY_FILE = 'digest-private-key.pem';
export const DIGEST_PUBLIC_KEY_FILE = 'digest-public-key.pem';

/** One log file as a digest lists it. */
export interface DigestLogFile {
  readonly s3Bucket: string;
  readonly s3Object: string;
  /** Hex SHA-256 of the uncompressed log file. */
  readonly hashValue: string;
  readonly hashAlgorithm: string;
  readonly newestEventTime: string;
  readonly oldestEventTime: string;
}

/** A digest file's JSON, field for field as CloudTrail writes it. The `previous*` fields are null in the first digest of a chain. */
export interface DigestFile {
  readonly awsAccountId: string;
  readonly digestStartTime: string;
  readonly digestEndTime: string;
  readonly digestS3Bucket: string;
  readonly digestS3Object: string;
  readonly digestPublicKeyFingerprint: string;
  readonly digestSignatureAlgorithm: string;
  readonly newestEventTime: string | null;
  readonly oldestEventTime: string | null;
  readonly previousDigestS3Bucket: string | null;
  readonly previousDigestS3Object: string | null;
  readonly previousDigestHashValue: string | null;
  readonly previousDigestHashAlgorithm: string | null;
  readonly previousDigestSignature: string | null;
  readonly logFiles: DigestLogFile[];
}

/** The signing key pair. CloudTrail has one per region; the emulator uses one for all regions. */
export interface DigestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Hex MD5 of the DER (PKCS#1) public key: the digests' `digestPublicKeyFingerprint`. */
  readonly fingerprint: string;
}

/** A key a verifier trusts. */
export interface DigestPublicKey {
  readonly publicKey: KeyObject;
  readonly fingerprint: string;
  /** PKCS#1 PEM ("RSA PUBLIC KEY"): its base64 body is what CloudTrail's ListPublicKeys returns as `Value`. */
  readonly pem: string;
}

/** `digestPublicKeyFingerprint`: hex MD5 of the DER-encoded PKCS#1 public key. */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('md5').update(publicKey.export({ type: 'pkcs1', format: 'der' })).digest('hex');
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A fresh RSA 2048 key pair. */
export function generateDigestKeyPair(): DigestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, fingerprint: publicKeyFingerprint(publicKey) };
}

function publicKeyOf(publicKey: KeyObject): DigestPublicKey {
  return { publicKey, fingerprint: publicKeyFingerprint(publicKey), pem: String(publicKey.export({ type: 'pkcs1', format: 'pem' })) };
}

/** Reads a public key PEM (PKCS#1 "RSA PUBLIC KEY" or SPKI "PUBLIC KEY"), saying what was wrong with the file. */
export function readDigestPublicKey(file: string): DigestPublicKey {
  if (!fs.existsSync(file)) throw new Error(`public key file ${file} does not exist; give the ${DIGEST_PUBLIC_KEY_FILE} of the emulator's digest key folder`);
  let key: KeyObject;
  try {
    key = createPublicKey(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`public key file ${file} is not a PEM public key (${(error as Error).message}); expected "-----BEGIN RSA PUBLIC KEY-----" or "-----BEGIN PUBLIC KEY-----"`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`public key file ${file} holds a ${key.asymmetricKeyType} key; digests are signed with RSA (${DIGEST_SIGNATURE_ALGORITHM})`);
  return publicKeyOf(key);
}

/** The public half of a key pair, as a verifier takes it. */
export function digestPublicKey(pair: DigestKeyPair): DigestPublicKey {
  return publicKeyOf(pair.publicKey);
}

/**
 * The key pair in `dir` (`digest-private-key.pem`, `digest-public-key.pem`),
 * created there (private key readable by the owner only) when neither exists,
 * so a later process (`cloudtrail-lab verify-logs`) checks with the same key.
 */
export function loadOrCreateDigestKeyPair(dir: string): DigestKeyPair & { readonly created: boolean } {
  const privateFile = path.join(dir, DIGEST_PRIVATE_KEY_FILE);
  const publicFile = path.join(dir, DIGEST_PUBLIC_KEY_FILE);
  const hasPrivate = fs.existsSync(privateFile);
  const hasPublic = fs.existsSync(publicFile);
  if (!hasPrivate && !hasPublic) {
    const pair = generateDigestKeyPair();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(publicFile, pair.publicKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o644 });
    return { ...pair, created: true };
  }
  if (!hasPrivate || !hasPublic) {
    throw new Error(`${dir} holds ${hasPrivate ? DIGEST_PRIVATE_KEY_FILE : DIGEST_PUBLIC_KEY_FILE} but not ${hasPrivate ? DIGEST_PUBLIC_KEY_FILE : DIGEST_PRIVATE_KEY_FILE}; restore it, or remove the folder to start a new key pair`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(fs.readFileSync(privateFile, 'utf8'));
  } catch (error) {
    throw new Error(`${privateFile} is not a PEM private key (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${privateFile} holds a ${privateKey.asymmetricKeyType} key; digests are signed with RSA`);
  const { publicKey, fingerprint } = readDigestPublicKey(publicFile);
  if (publicKeyFingerprint(createPublicKey(privateKey)) !== fingerprint) {
    throw new Error(`${publicFile} is not the public half of ${privateFile}; restore the matching pair, or remove the folder to start a new key pair`);
  }
  return { privateKey, publicKey, fingerprint, created: false };
}

/** `2026-03-01T12:34:56Z`: the digests' time format (no milliseconds). */
export function digestTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** Where CloudTrail puts a digest: `[prefix/]AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail name>_<home region>_<YYYYMMDDTHHmmssZ>.json.gz`. */
export function digestFileKey(trail: Pick<TrailConfig, 'prefix' | 'name' | 'homeRegion'>, accountId: string, region: string, end: Date): string {
  const iso = end.toISOString();
  const day = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return `${trail.prefix ? `${trail.prefix}/` : ''}AWSLogs/${accountId}/CloudTrail-Digest/${region}/${day}/${accountId}_CloudTrail-Digest_${region}_${trail.name}_${trail.homeRegion}_${stamp}.json.gz`;
}

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';
const DIGEST_KEY = new RegExp(
  `^(?<root>(?:.*/)?AWSLogs/(?:o-[a-z0-9]+/)?(?<account>\\d{12})/)CloudTrail-Digest/(?<region>${REGION})/(?<y>\\d{4})/(?<m>\\d{2})/(?<d>\\d{2})/\\k<account>_CloudTrail-Digest_\\k<region>_(?<trail>.+)_(?<home>${REGION})_(?<stamp>\\d{8}T\\d{6}Z)(?<backfill>_backfill)?\\.json\\.gz$`,
);

/** The parts of a digest key, or undefined when the key is not one. `chain` names the trail/region sequence it belongs to. */
export interface DigestKeyParts {
  readonly accountId: string;
  readonly region: string;
  readonly trailName: string;
  readonly homeRegion: string;
  /** YYYYMMDDTHHmmssZ: sorts in time order. */
  readonly stamp: string;
  readonly chain: string;
}

export function parseDigestKey(key: string): DigestKeyParts | undefined {
  const g = DIGEST_KEY.exec(key)?.groups;
  if (!g) return undefined;
  return { accountId: g.account, region: g.region, trailName: g.trail, homeRegion: g.home, stamp: g.stamp, chain: `${g.root}|${g.region}|${g.trail}|${g.home}` };
}

/** The string CloudTrail signs: end time, bucket/object, hex SHA-256 of the uncompressed digest, previous signature ("null" for the first). */
export function digestSigningString(digest: Pick<DigestFile, 'digestEndTime' | 'digestS3Bucket' | 'digestS3Object' | 'previousDigestSignature'>, uncompressedDigest: Buffer): string {
  return `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${sha256Hex(uncompressedDigest)}\n${digest.previousDigestSignature ?? 'null'}`;
}

/** The hex signature of a digest (RSA PKCS#1 v1.5 over SHA-256 of the signing string). */
export function signDigest(privateKey: KeyObject, digest: DigestFile, uncompressedDigest: Buffer): string {
  return sign('sha256', Buffer.from(digestSigningString(digest, uncompressedDigest)), privateKey).toString('hex');
}

/** The region a delivered log file belongs to, from its key. */
function logFileRegion(key: string): string {
  const match = new RegExp(`AWSLogs/(?:o-[a-z0-9]+/)?\\d{12}/CloudTrail/(${REGION})/`).exec(key);
  if (!match) throw new Error(`delivered log file key "${key}" is not in the CloudTrail layout (AWSLogs/<account>/CloudTrail/<region>/...)`);
  return match[1];
}

/** A digest the writer delivered. */
export interface WrittenDigest {
  readonly bucket: string;
  readonly key: string;
  readonly signature: string;
  /** The uncompressed JSON. */
  readonly json: Buffer;
  readonly digest: DigestFile;
}

interface Chain {
  trail: TrailConfig;
  region: string;
  pending: { file: DeliveredFile; at: Date }[];
  last?: WrittenDigest;
}

export interface DigestWriterOptions {
  /** Clock for digest times. @default the system clock */
  readonly clock?: () => Date;
}

/**
 * Writes CloudTrail digest files for trails with log file validation: `collect`
 * takes each delivered log file (hook it to Delivery's `onDelivered`), `flush`
 * writes one signed digest per trail and region that has new files, linked to
 * that chain's previous digest. Digests go to the trail's bucket with SSE-S3,
 * as CloudTrail does even for trails with a KMS key, and the signature in the
 * object metadata (`signature`, `signature-algorithm`). Files whose digest
 * could not be written are kept for the next flush.
 */
export class DigestWriter {
  private readonly chains = new Map<string, Chain>();
  private flushing: Promise<WrittenDigest[]> = Promise.resolve([]);
  public readonly written: WrittenDigest[] = [];
  private readonly clock: () => Date;

  constructor(
    private readonly s3: S3Client,
    private readonly accountId: string,
    private readonly key: DigestKeyPair,
    options: DigestWriterOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Takes a delivered log file; ignored unless its trail validates log files. */
  collect(file: DeliveredFile, trail: TrailConfig): void {
    if (!trail.logFileValidation) return;
    const region = logFileRegion(file.key);
    const id = `${trail.arn}|${region}`;
    const chain = this.chains.get(id) ?? { trail, region, pending: [] };
    chain.trail = trail;
    chain.pending.push({ file, at: this.clock() });
    this.chains.set(id, chain);
  }

  /** How many log files wait for a digest. */
  get waiting(): number {
    return [...this.chains.values()].reduce((n, c) => n + c.pending.length, 0);
  }

  /** Writes a digest for every chain with new files; concurrent calls run one after the other. */
  flush(): Promise<WrittenDigest[]> {
    this.flushing = this.flushing.catch(() => []).then(() => this.writeAll());
    return this.flushing;
  }

  private async writeAll(): Promise<WrittenDigest[]> {
    const written: WrittenDigest[] = [];
    const failures: string[] = [];
    for (const chain of this.chains.values()) {
      if (chain.pending.length === 0) continue;
      try {
        written.push(await this.write(chain));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    if (failures.length) throw new Error(failures.join('; '));
    return written;
  }

  private async write(chain: Chain): Promise<WrittenDigest> {
    const files = chain.pending.slice();
    const { trail, region, last } = chain;
    // A later digest of a chain always ends later: two flushes in one second get distinct keys in order.
    const lastEnd = last ? Date.parse(last.digest.digestEndTime) : -Infinity;
    const now = Math.floor(this.clock().getTime() / 1000) * 1000;
    const end = new Date(Math.max(now, lastEnd + 1000));
    const start = last ? last.digest.digestEndTime : digestTime(new Date(Math.min(end.getTime(), Math.floor(files[0].at.getTime() / 1000) * 1000)));
    const key = digestFileKey(trail, this.accountId, region, end);
    const times = files.flatMap((f) => [f.file.oldestEventTime, f.file.newestEventTime]).sort();
    const digest: DigestFile = {
      awsAccountId: this.accountId,
      digestStartTime: start,
      digestEndTime: digestTime(end),
      digestS3Bucket: trail.bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: this.key.fingerprint,
      digestSignatureAlgorithm: DIGEST_SIGNATURE_ALGORITHM,
      newestEventTime: times.at(-1) ?? null,
      oldestEventTime: times[0] ?? null,
      previousDigestS3Bucket: last?.bucket ?? null,
      previousDigestS3Object: last?.key ?? null,
      previousDigestHashValue: last ? sha256Hex(last.json) : null,
      previousDigestHashAlgorithm: last ? DIGEST_HASH_ALGORITHM : null,
      previousDigestSignature: last?.signature ?? null,
      logFiles: files.map(({ file }) => ({
        s3Bucket: file.bucket,
        s3Object: file.key,
        hashValue: sha256Hex(file.json),
        hashAlgorithm: DIGEST_HASH_ALGORITHM,
        newestEventTime: file.newestEventTime,
        oldestEventTime: file.oldestEventTime,
      })),
    };
    const json = Buffer.from(JSON.stringify(digest));
    const signature = signDigest(this.key.privateKey, digest, json);
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: trail.bucket,
          Key: key,
          Body: gzipSync(json),
          ContentType: 'application/json',
          ContentEncoding: 'gzip',
          ServerSideEncryption: 'AES256',
          Metadata: { signature, 'signature-algorithm': DIGEST_SIGNATURE_ALGORITHM },
        }),
      );
    } catch (error) {
      throw new Error(`could not write the digest of ${files.length} log file(s) of trail ${trail.name} (${region}) to s3://${trail.bucket}/${key}: ${(error as Error).message}`);
    }
    const result: WrittenDigest = { bucket: trail.bucket, key, signature, json, digest };
    chain.pending.splice(0, files.length);
    chain.last = result;
    this.written.push(result);
    return result;
  }
}
