import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DIGEST_PUBLIC_KEY_FILE, DigestPublicKey, readDigestPublicKey } from '../emulator/edge/digest';
import { LogSource, folderSource, isCalendarDay, problemLines, s3Source, summarize, verifyLogs } from '../emulator/verify-logs';
import type { Io } from './main';
import { endpointUrl } from './options';

interface VerifyLogsOptions {
  bucket?: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  logs?: string;
  publicKey?: string[];
  keyDir?: string;
  showPublicKey?: boolean;
  from?: string;
  to?: string;
}

function day(name: string) {
  return (value: string): string => {
    if (!isCalendarDay(value)) throw new InvalidArgumentError(`${name} must be a calendar day as YYYY-MM-DD (UTC), e.g. 2026-11-24; got "${value}"`);
    return value;
  };
}

function region(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) throw new InvalidArgumentError(`--region must be an AWS region such as us-east-1, got "${value}"`);
  return value;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The keys to check with: each --public-key, and the public key of --key-dir. */
function publicKeys(options: VerifyLogsOptions): DigestPublicKey[] {
  const files = [...(options.publicKey ?? []), ...(options.keyDir ? [path.join(options.keyDir, DIGEST_PUBLIC_KEY_FILE)] : [])];
  if (files.length === 0) {
    throw new Error(`give --public-key <pem file> (the emulator's ${DIGEST_PUBLIC_KEY_FILE}) or --key-dir <folder holding it>: digests are checked against the key they were signed with`);
  }
  return files.map(readDigestPublicKey);
}

/** Where to read from: exactly one of --bucket and --logs, with only the options that apply to it. */
function source(options: VerifyLogsOptions, io: Io): LogSource {
  if (options.bucket && options.logs) throw new Error('give --bucket (read the trail bucket) or --logs (read pulled files), not both');
  if (options.logs) {
    const s3Only = (['endpoint', 'region'] as const).filter((o) => options[o] !== undefined);
    if (s3Only.length) throw new Error(`${s3Only.map((o) => `--${o}`).join(' and ')} apply to --bucket, not --logs`);
    return folderSource(options.logs);
  }
  if (!options.bucket) {
    throw new Error('give --bucket <trail bucket> (with --endpoint for the local emulator) or --logs <dir> (files from `cloudtrail-lab logs pull --with-digests`)');
  }
  const s3 = new S3Client({
    region: options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    followRegionRedirects: true,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
  });
  return s3Source(s3, options.bucket);
}

/**
 * `cloudtrail-lab verify-logs`: what `aws cloudtrail validate-logs` does, for
 * a trail bucket (in AWS or the local emulator) or pulled files, plus the log
 * files no digest covers. Prints a line per problem and a summary; exits 1
 * when anything is not valid.
 */
export function verifyLogsCommand(io: Io): Command {
  return new Command('verify-logs')
    .description("check a trail's log files against its signed digest files: modified, deleted and added files are reported")
    // Subcommands do not inherit these from the program: without them a bad option value would exit the process.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .option('--bucket <name>', 'trail bucket to read')
    .option('--prefix <prefix>', "the trail's S3 key prefix, if it has one")
    .option('--endpoint <url>', 'send S3 requests to this endpoint (the local emulator)', endpointUrl)
    .option('--region <region>', 'region of the S3 client (default: AWS_REGION, else us-east-1)', region)
    .option('--logs <dir>', 'folder of files pulled with `cloudtrail-lab logs pull --with-digests`, instead of --bucket')
    .option('--public-key <file>', 'PEM public key the digests are signed with (repeatable)', collect)
    .option('--key-dir <dir>', `folder holding the emulator's ${DIGEST_PUBLIC_KEY_FILE}`)
    .option('--show-public-key', 'print the public key(s) as PEM with their fingerprints, and stop')
    .option('--from <date>', 'first day to check, YYYY-MM-DD (default: all)', day('--from'))
    .option('--to <date>', 'last day to check, YYYY-MM-DD (default: all)', day('--to'))
    .action(async (options: VerifyLogsOptions) => {
      if (options.from && options.to && options.from > options.to) throw new Error(`--from ${options.from} is after --to ${options.to}`);
      const keys = publicKeys(options);
      if (options.showPublicKey) {
        for (const key of keys) io.out(`fingerprint ${key.fingerprint}\n${key.pem.trimEnd()}`);
        return;
      }
      const report = await verifyLogs({ source: source(options, io), prefix: options.prefix, publicKeys: keys, from: options.from, to: options.to });
      for (const line of problemLines(report)) io.out(line);
      for (const note of report.notes) io.err(note);
      const summary = summarize(report);
      io.out(summary);
      if (!report.ok) throw new CommanderError(1, 'cloudtrail-lab.verifyLogs', summary);
    });
}
