import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A deterministic synthetic CloudTrail corpus for `npm run bench:query`:
 * `files` gzipped files of `perFile` records, spread over 10 days, in the
 * delivered layout. Records are realistic in size (~1.5 KB of JSON) and in
 * mix: data-plane calls (KMS, S3 objects, EC2 describes) dominate, while the
 * events an investigation looks for (ConsoleLogin, CreateBucket, RunInstances,
 * decrypts with the trail key) are rare, as in a real account.
 */
export function generateCorpus(dir: string, files = 200, perFile = 5000, log: (line: string) => void = () => undefined): void {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const roles = ['ctlab-kms-mystery-lambda-app-1', 'ctlab-kms-mystery-lambda-app-2', 'ctlab-kms-mystery-lambda-app-3', 'ctlab-kms-mystery-random-lambda-call', 'cat-api-role'];
  // [source, name, weight per 10,000 records, key]
  const APP_KEY = 'arn:aws:kms:us-east-1:123456789012:key/0d5c2ab8-0000-4000-8000-000000000000';
  const TRAIL_KEY = 'arn:aws:kms:us-east-1:123456789012:key/7a680baa-0000-4000-8000-000000000000';
  const weighted: [string, string, number, string][] = [
    ['kms.amazonaws.com', 'GenerateDataKey', 2500, APP_KEY],
    ['kms.amazonaws.com', 'Encrypt', 2500, APP_KEY],
    ['kms.amazonaws.com', 'Decrypt', 1990, APP_KEY],
    ['kms.amazonaws.com', 'Decrypt', 10, TRAIL_KEY],
    ['s3.amazonaws.com', 'GetObject', 1200, APP_KEY],
    ['s3.amazonaws.com', 'PutObject', 1200, APP_KEY],
    ['ec2.amazonaws.com', 'DescribeInstances', 570, APP_KEY],
    ['s3.amazonaws.com', 'CreateBucket', 10, APP_KEY],
    ['ec2.amazonaws.com', 'RunInstances', 10, APP_KEY],
    ['signin.amazonaws.com', 'ConsoleLogin', 10, APP_KEY],
  ];
  const pickEvent = () => {
    let point = random() * 10000;
    for (const event of weighted) if ((point -= event[2]) < 0) return event;
    return weighted[0];
  };
  for (let f = 0; f < files; f++) {
    const day = `2026/11/${String(10 + (f % 10)).padStart(2, '0')}`;
    const folder = path.join(dir, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', ...day.split('/'));
    const file = path.join(folder, `123456789012_CloudTrail_us-east-1_${day.replace(/\//g, '')}T1000Z_${String(f).padStart(16, '0')}.json.gz`);
    if (fs.existsSync(file)) continue;
    const records = [];
    for (let r = 0; r < perFile; r++) {
      const role = pick(roles);
      const [source, name, , key] = pickEvent();
      const second = String(Math.floor(random() * 86400));
      records.push({
        eventVersion: '1.11',
        userIdentity: {
          type: 'AssumedRole',
          principalId: `AROAEXAMPLE:${role}`,
          arn: `arn:aws:sts::123456789012:assumed-role/${role}/${role}`,
          accountId: '123456789012',
          accessKeyId: 'ASIAEXAMPLEEXAMPLE',
          sessionContext: {
            sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::123456789012:role/${role}`, accountId: '123456789012', userName: role },
            attributes: { creationDate: `${day.replace(/\//g, '-')}T00:00:00Z`, mfaAuthenticated: 'false' },
          },
        },
        eventTime: `${day.replace(/\//g, '-')}T${new Date(Number(second) * 1000).toISOString().slice(11, 19)}Z`,
        eventSource: source,
        eventName: name,
        awsRegion: 'us-east-1',
        sourceIPAddress: `203.0.113.${Math.floor(random() * 255)}`,
        userAgent: `aws-sdk-js/3.600.0 ua/2.0 os/linux lang/js md/nodejs#20.11.0 api/${source.split('.')[0]}#3.600.0 cloudtrail-labs/run-${f % 7}`,
        requestParameters: { keyId: key, encryptionContext: { 'cloudtrail-labs:object': `s3://ctlab-kms-mystery-ingest-123456789012/uploads/run-${f}/dummy-${String(r).padStart(6, '0')}.txt` }, keySpec: 'AES_256' },
        responseElements: null,
        requestID: `${f}-${r}-${Math.floor(random() * 1e9)}`,
        eventID: `00000000-0000-4000-8000-${String(f * perFile + r).padStart(12, '0')}`,
        readOnly: name.startsWith('Describe') || name === 'Decrypt' || name === 'GetObject',
        resources: [{ accountId: '123456789012', type: 'AWS::KMS::Key', ARN: key }],
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: '123456789012',
        eventCategory: 'Management',
        tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${source.split('.')[0]}.us-east-1.amazonaws.com` },
      });
    }
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(`${file}.part`, gzipSync(JSON.stringify({ Records: records }), { level: 6 }));
    fs.renameSync(`${file}.part`, file);
    if ((f + 1) % 20 === 0) log(`generated ${f + 1}/${files} files`);
  }
}
