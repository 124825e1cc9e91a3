import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Test helpers: CloudTrail records and files in the layout CloudTrail delivers. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

let counter = 0;

export function record(fields: Record<string, unknown>): Record<string, unknown> {
  counter++;
  return {
    eventVersion: '1.11',
    eventTime: '2026-11-20T10:00:00Z',
    awsRegion: REGION,
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.17',
    requestID: `req-${counter}`,
    eventID: `00000000-0000-0000-0000-${String(counter).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...fields,
  };
}

/** A record made by a Lambda function's role (an AssumedRole session named after the function). */
export function byRole(role: string, fields: Record<string, unknown>): Record<string, unknown> {
  return record({
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${role}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${role}`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLE',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
        attributes: { creationDate: '2026-11-20T09:59:00Z', mfaAuthenticated: 'false' },
      },
    },
    ...fields,
  });
}

export function byUser(user: string, fields: Record<string, unknown>): Record<string, unknown> {
  return record({
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLE', userName: user },
    ...fields,
  });
}

/** Writes `records` as one delivered log file for `day` (YYYY-MM-DD); returns its path. */
export function writeDelivered(root: string, day: string, records: unknown[], options: { region?: string; name?: string; gzip?: boolean } = {}): string {
  const region = options.region ?? REGION;
  const [y, m, d] = day.split('-');
  const dir = path.join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', region, y, m, d);
  fs.mkdirSync(dir, { recursive: true });
  const name = options.name ?? `${ACCOUNT}_CloudTrail_${region}_${y}${m}${d}T1000Z_${String(++counter).padStart(16, 'a')}`;
  const body = JSON.stringify({ Records: records });
  const file = path.join(dir, `${name}.json${options.gzip === false ? '' : '.gz'}`);
  fs.writeFileSync(file, options.gzip === false ? body : gzipSync(body));
  return file;
}
