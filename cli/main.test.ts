import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from './main';
import { captureIo } from './testing';

const capture = captureIo;

describe('cloudtrail-lab CLI', () => {
  it('lists every scenario with a one-line description', async () => {
    const { io, out } = capture();
    expect(await main(['node', 'cloudtrail-lab', 'list'], io)).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(/^kms-mystery +An uploader, a dispatcher Lambda/),
      expect.stringMatching(/^audit-trail +All-region trail/),
      expect.stringMatching(/^sse-kms-bucket +A bucket encrypted/),
      expect.stringMatching(/^suspicious-api +A cat API on EC2/),
    ]);
  });

  it('synthesizes one scenario into the given folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-cli-'));
    try {
      const { io, out, err } = capture({ CTLAB_PREFIX: 'cli-test' });
      expect(await main(['node', 'cloudtrail-lab', 'synth', 'sse-kms-bucket', '--out', dir], io)).toBe(0);
      const file = path.join(dir, 'stacks', 'sse-kms-bucket', 'cdk.tf.json');
      expect(out).toEqual([`sse-kms-bucket: ${file}`]);
      expect(err.at(-1)).toMatch(/^synthesized 1 stack\(s\) with prefix "cli-test" in \d+ ms$/);
      const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(Object.values(stack.resource.aws_cloudtrail as Record<string, { name: string }>)[0].name).toBe('cli-test-sse-kms-bucket-trail');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown scenario, listing the valid ones', async () => {
    const { io, err } = capture();
    expect(await main(['node', 'cloudtrail-lab', 'synth', 'kms-mistery', '--out', os.tmpdir()], io)).toBe(1);
    expect(err).toEqual([
      'cloudtrail-lab: unknown scenario "kms-mistery"; valid scenarios: kms-mystery, audit-trail, sse-kms-bucket, suspicious-api (or state-backend for the state bucket)',
    ]);
  });

  it('rejects an invalid prefix before synthesizing anything, saying why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-cli-'));
    try {
      const { io, err } = capture({ CTLAB_PREFIX: 'My_Lab' });
      expect(await main(['node', 'cloudtrail-lab', 'synth', '--out', dir], io)).toBe(1);
      expect(err[0]).toMatch(/^cloudtrail-lab: invalid prefix "My_Lab": a prefix is 2 to 16 characters: lowercase letters/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a prefix too long for S3 names', async () => {
    const { io, err } = capture({ CTLAB_PREFIX: 'a-much-too-long-prefix' });
    expect(await main(['node', 'cloudtrail-lab', 'synth', '--out', os.tmpdir()], io)).toBe(1);
    expect(err[0]).toMatch(/it is 22 characters long; a prefix is 2 to 16 characters/);
  });

  it('answers an unknown command with usage help and a non-zero code', async () => {
    const { io, err } = capture();
    expect(await main(['node', 'cloudtrail-lab', 'deploi'], io)).not.toBe(0);
    expect(err.join('\n')).toMatch(/unknown command 'deploi'/);
  });
});

describe('cloudtrail-lab run', () => {
  it('asks for --local, and says how to run a lab in AWS instead', async () => {
    const { io, err } = capture();
    expect(await main(['node', 'cloudtrail-lab', 'run', 'kms-mystery'], io)).toBe(1);
    expect(err[0]).toMatch(/run needs --local: in AWS, deploy with `npx cdktf deploy`/);
  });

  it('rejects an unknown scenario before starting anything, listing the valid ones', async () => {
    const { io, err } = capture();
    expect(await main(['node', 'cloudtrail-lab', 'run', 'audit-trial', '--local'], io)).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^cloudtrail-lab: unknown scenario "audit-trial"; valid scenarios: kms-mystery, audit-trail, sse-kms-bucket/)]);
  });
});

describe('cloudtrail-lab CLI: bad option values of subcommands', () => {
  it('reports a bad option value with an error instead of exiting the process', async () => {
    const { io, err } = captureIo();
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    try {
      const code = await main(['node', 'cloudtrail-lab', 'logs', 'pull', 'kms-mystery', '--endpoint', 'not-a-url'], io);
      expect(code).toBe(1);
      expect(exit).not.toHaveBeenCalled();
      expect(err.join('\n')).toMatch(/--endpoint/);
    } finally {
      exit.mockRestore();
    }
  });
});
