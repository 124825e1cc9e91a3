import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { EMULATOR_CREDENTIALS, MotoServer, motoAvailable, startMoto } from '../emulator/moto-server';
import { byUser, writeDelivered } from '../query/testing/fixtures';
import { daysBetween } from './logs';
import { lookupViaCloudTrail } from './lookup';
import { main } from './main';
import { captureIo } from './testing';

const capture = captureIo;

describe('cloudtrail-lab logs and lookup', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-logs-cli-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('lists the days of a range and refuses a reversed or huge one', () => {
    expect(daysBetween('2026-02-27', '2026-03-01')).toEqual(['2026/02/27', '2026/02/28', '2026/03/01']);
    expect(() => daysBetween('2026-03-02', '2026-03-01')).toThrow('--from 2026-03-02 is after --to 2026-03-01');
    expect(() => daysBetween('2020-01-01', '2026-01-01')).toThrow(/spans more than 366 days/);
  });

  it('lookup --engine local lists events of one name with user, time and resources, newest first', async () => {
    const logs = newDir();
    writeDelivered(logs, '2026-11-20', [
      byUser('alice', { eventName: 'CreateBucket', eventTime: '2026-11-20T10:00:00Z', resources: [{ ARN: 'arn:aws:s3:::alice-notes', type: 'AWS::S3::Bucket' }] }),
      byUser('bob', { eventName: 'CreateBucket', eventTime: '2026-11-20T11:00:00Z', resources: [{ ARN: 'arn:aws:s3:::random-val-1', type: 'AWS::S3::Bucket' }] }),
      byUser('bob', { eventName: 'ListBuckets', eventTime: '2026-11-20T11:30:00Z' }),
    ]);
    const { io, out } = capture({ CTLAB_CACHE_DIR: newDir() });
    expect(await main(['node', 'cloudtrail-lab', 'lookup', '--event-name', 'CreateBucket', '--engine', 'local', '--logs', logs, '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(out[0]).map((r: { username: string; resources: string[] }) => [r.username, r.resources])).toEqual([
      ['bob', ['arn:aws:s3:::random-val-1']],
      ['alice', ['arn:aws:s3:::alice-notes']],
    ]);
  });

  it('lookup --engine cloudtrail pages LookupEvents by event name up to --max', async () => {
    const inputs: { LookupAttributes?: unknown; NextToken?: string; MaxResults?: number }[] = [];
    const pages = [
      { Events: [{ Username: 'bob', EventTime: new Date('2026-11-20T11:00:00Z'), Resources: [{ ResourceName: 'random-val-1' }], EventId: 'e2' }], NextToken: 't1' },
      { Events: [{ Username: 'alice', EventTime: new Date('2026-11-20T10:00:00Z'), Resources: [], EventId: 'e1' }, { Username: 'carol', EventId: 'e0' }], NextToken: 't2' },
    ];
    const client = { send: async (command: { input: (typeof inputs)[number] }) => (inputs.push(command.input), pages[inputs.length - 1]) };
    const rows = await lookupViaCloudTrail(client as never, 'CreateBucket', 2);
    expect(rows).toEqual([
      { username: 'bob', eventtime: '2026-11-20T11:00:00.000Z', resources: ['random-val-1'], eventid: 'e2' },
      { username: 'alice', eventtime: '2026-11-20T10:00:00.000Z', resources: [], eventid: 'e1' },
    ]);
    expect(inputs.map((i) => [i.LookupAttributes, i.NextToken, i.MaxResults])).toEqual([
      [[{ AttributeKey: 'EventName', AttributeValue: 'CreateBucket' }], undefined, 2],
      [[{ AttributeKey: 'EventName', AttributeValue: 'CreateBucket' }], 't1', 1],
    ]);
  });

  it('lookup rejects an event name that is not one', async () => {
    const { io, err } = capture();
    expect(await main(['node', 'cloudtrail-lab', 'lookup', '--event-name', "x' OR 1=1", '--engine', 'local', '--logs', '/tmp'], io)).toBe(1);
    expect(err[0]).toMatch(/is not an event name/);
  });

  describe('logs pull against moto', () => {
    let moto: MotoServer | undefined;
    beforeAll(async () => {
      if (!(await motoAvailable())) return;
      moto = await startMoto();
      Object.assign(process.env, EMULATOR_CREDENTIALS, { AWS_REGION: 'us-east-1' });
    }, 60_000);
    afterAll(async () => moto?.stop());

    it('downloads the days asked for, in the delivered layout, and skips files already there', async () => {
      if (!moto) return;
      const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'trail-bucket' }));
      const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: 'trail-bucket', Key: key, Body: gzipSync(JSON.stringify({ Records: [] })) }));
      await put('AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/19/a.json.gz');
      await put('AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/b.json.gz');
      await put('AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/20/c.json.gz');
      await put('AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/outside.json.gz');
      const out = newDir();
      const args = ['node', 'cloudtrail-lab', 'logs', 'pull', 'kms-mystery', '--bucket', 'trail-bucket', '--from', '2026-11-19', '--to', '2026-11-21', '--out', out, '--endpoint', moto.endpoint];
      const first = capture();
      expect(await main(args, first.io)).toBe(0);
      expect(first.out[0]).toMatch(/^3 file\(s\) downloaded \([\d.]+ MiB\), 0 already present, into /);
      expect(fs.existsSync(path.join(out, 'AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/20/c.json.gz'))).toBe(true);
      expect(fs.existsSync(path.join(out, 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/outside.json.gz'))).toBe(false);
      const again = capture();
      expect(await main(args, again.io)).toBe(0);
      expect(again.out[0]).toMatch(/^0 file\(s\) downloaded .*, 3 already present/);
    });

    it('says what to check when the bucket holds no CloudTrail logs', async () => {
      if (!moto) return;
      const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'empty-bucket' }));
      const { io, err } = capture();
      expect(await main(['node', 'cloudtrail-lab', 'logs', 'pull', 'x', '--bucket', 'empty-bucket', '--from', '2026-11-19', '--to', '2026-11-19', '--out', newDir(), '--endpoint', moto.endpoint], io)).toBe(1);
      expect(err[0]).toMatch(/s3:\/\/empty-bucket\/AWSLogs\/ holds no CloudTrail logs; check --bucket and --prefix/);
    });
  });
});
