import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from './main';
import { captureIo } from './testing';

describe('the separate offline steps: bad input', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-steps-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const run = async (...args: string[]) => {
    const { io, err, out } = captureIo({ CTLAB_LOCAL_DIR: root });
    const code = await main(['node', 'cloudtrail-lab', ...args], io);
    return { code, err, out };
  };

  it('rejects deploy and destroy without --local, pointing at cdktf for AWS', async () => {
    expect((await run('deploy', 'kms-mystery')).err).toEqual(['cloudtrail-lab: deploy needs --local (the emulator); in AWS, use `npx cdktf deploy kms-mystery`']);
    expect((await run('destroy', 'audit-trail')).err).toEqual(['cloudtrail-lab: destroy needs --local (the emulator); in AWS, use `npx cdktf destroy audit-trail`']);
  });

  it('rejects an unknown scenario, listing the valid ones', async () => {
    const { code, err } = await run('deploy', 'kms-mistery', '--local');
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^cloudtrail-lab: unknown scenario "kms-mistery"; valid scenarios: kms-mystery, /);
  });

  it('says to deploy first when simulate, query or destroy find no session', async () => {
    const hint = `no local session for kms-mystery in ${root}: start one with \`cloudtrail-lab deploy kms-mystery --local\``;
    expect((await run('simulate', 'kms-mystery', '--local')).err).toEqual([`cloudtrail-lab: ${hint}`]);
    expect((await run('query', 'kms-mystery', '--local')).err).toEqual([`cloudtrail-lab: ${hint}`]);
    expect((await run('destroy', 'kms-mystery', '--local')).err).toEqual([`cloudtrail-lab: no local session for kms-mystery to destroy in ${path.join(root, 'kms-mystery')}`]);
  });

  it('rejects options that --local decides itself', async () => {
    expect((await run('simulate', 'kms-mystery', '--local', '--bucket', 'b', '--endpoint', 'http://localhost:1')).err).toEqual([
      'cloudtrail-lab: --local decides these itself; drop --bucket (the bucket comes from the local stack), --endpoint (the session is the endpoint)',
    ]);
    expect((await run('query', 'kms-mystery', '--local', '--logs', '/tmp')).err).toEqual(['cloudtrail-lab: --local reads the logs the local session delivers; drop --logs']);
  });

  it('refuses to deploy over a session folder whose process is gone', async () => {
    fs.mkdirSync(path.join(root, 'kms-mystery'));
    fs.writeFileSync(path.join(root, 'kms-mystery', 'session.json'), JSON.stringify({ pid: 2 ** 22 + 1 }));
    expect((await run('deploy', 'kms-mystery', '--local')).err).toEqual([
      `cloudtrail-lab: ${path.join(root, 'kms-mystery')} holds a local session that is no longer running; remove it with \`cloudtrail-lab destroy kms-mystery --local\` first`,
    ]);
    const destroyed = await run('destroy', 'kms-mystery', '--local');
    expect(destroyed.code).toBe(0);
    expect(destroyed.err).toEqual(['the local session for kms-mystery was not running: nothing to destroy, removing its folder']);
    expect(fs.existsSync(path.join(root, 'kms-mystery'))).toBe(false);
  });
});
