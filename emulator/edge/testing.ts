import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { METADATA_SUFFIX } from '../verify-logs';
import { TrailConfig } from './trails';

/** The account of the emulator and of these fixtures. */
export const TEST_ACCOUNT = '123456789012';

/** A logging, validating trail `audit` delivering to `audit-logs`, for tests; its ARN follows its name. */
export function testTrail(overrides: Partial<TrailConfig> = {}): TrailConfig {
  const name = overrides.name ?? 'audit';
  return {
    name,
    arn: `arn:aws:cloudtrail:us-east-1:${TEST_ACCOUNT}:trail/${name}`,
    homeRegion: 'us-east-1',
    bucket: 'audit-logs',
    multiRegion: true,
    includeGlobalServiceEvents: true,
    logFileValidation: true,
    logging: true,
    ...overrides,
  };
}

/** An S3 client that writes puts into a folder as `logs pull --with-digests` would: the body, and the metadata beside it. */
export function folderS3(dir: string): S3Client {
  return {
    send: async (command: unknown) => {
      if (!(command instanceof PutObjectCommand)) throw new Error('unexpected command');
      const target = path.join(dir, ...String(command.input.Key).split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, command.input.Body as Buffer);
      if (command.input.Metadata) fs.writeFileSync(`${target}${METADATA_SUFFIX}`, JSON.stringify(command.input.Metadata));
      return {};
    },
  } as unknown as S3Client;
}
