import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isSessionProcess, localRoot, readJson, runningSession, sessionPaths, writeJson } from './session-dir';

describe('local session folders', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-sessdir-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lives in CTLAB_LOCAL_DIR when set, else in .cloudtrail-lab/local of the current folder', () => {
    expect(localRoot({ CTLAB_LOCAL_DIR: root })).toBe(root);
    expect(localRoot({})).toBe(path.resolve('.cloudtrail-lab', 'local'));
  });

  it('writes session files readable by their owner only (they hold the session keys)', () => {
    const file = path.join(root, 'a', 'session.json');
    writeJson(file, { token: 'x' });
    expect(readJson(file)).toEqual({ token: 'x' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rejects a corrupt session file, saying which and how to start over', () => {
    const file = path.join(root, 'session.json');
    fs.writeFileSync(file, '{not json');
    expect(() => readJson(file)).toThrow(`${file} is not valid JSON`);
  });

  it('fails without a session, saying how to start one', () => {
    expect(() => runningSession(root, 'kms-mystery')).toThrow(`no local session for kms-mystery in ${root}: start one with \`cloudtrail-lab deploy kms-mystery --local\``);
  });

  it('treats a live process that is not a local session (a reused pid) as gone', () => {
    const paths = sessionPaths(root, 'audit-trail');
    writeJson(paths.info, { scenario: 'audit-trail', pid: process.pid });
    expect(isSessionProcess(process.pid)).toBe(false);
    expect(() => runningSession(root, 'audit-trail')).toThrow(/is no longer running/);
  });

  it('fails when the session process is gone, pointing at its log and at destroy', () => {
    const paths = sessionPaths(root, 'kms-mystery');
    // A pid that cannot be running: above the kernel's pid_max.
    writeJson(paths.info, { scenario: 'kms-mystery', pid: 2 ** 22 + 1 });
    expect(() => runningSession(root, 'kms-mystery')).toThrow(/is no longer running; its log is .*daemon\.log\. Clean up with `cloudtrail-lab destroy kms-mystery --local`/);
  });
});
