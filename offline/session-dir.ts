import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalCredentials } from './local-target';

/** What a background session writes when it is up: how the step commands reach it. */
export interface SessionInfo {
  readonly scenario: string;
  readonly pid: number;
  /** The session's control API (loopback), called with `token`. */
  readonly controlUrl: string;
  readonly token: string;
  readonly edgeEndpoint: string;
  readonly motoEndpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly operator: LocalCredentials;
  readonly startedAt: string;
}

/** What `deploy --local` chose, so later steps rebuild the same stack. */
export interface DeploymentRecord {
  readonly settingsEnv: Record<string, string>;
  readonly deployedAt: string;
}

/** The folders and files of one scenario's local session. */
export interface SessionPaths {
  readonly dir: string;
  readonly info: string;
  readonly deployment: string;
  readonly simulation: string;
  readonly daemonLog: string;
  readonly work: string;
  readonly logs: string;
}

/** Where local sessions live: `CTLAB_LOCAL_DIR`, or `.cloudtrail-lab/local` in the current folder. */
export function localRoot(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.CTLAB_LOCAL_DIR || path.join('.cloudtrail-lab', 'local'));
}

/** The key pair that signs local digest files: one for all sessions, so logs can be verified after a session ended. */
export function digestKeyDir(root: string): string {
  return path.join(root, 'digest-key');
}

export function sessionPaths(root: string, scenario: string): SessionPaths {
  const dir = path.join(root, scenario);
  return {
    dir,
    info: path.join(dir, 'session.json'),
    deployment: path.join(dir, 'deployment.json'),
    simulation: path.join(dir, 'simulation.json'),
    daemonLog: path.join(dir, 'daemon.log'),
    work: path.join(dir, 'work'),
    logs: path.join(dir, 'logs'),
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is a running local-session process, not just any process
 * that reused the number of one that ended (after a reboot, say). Where
 * /proc is not there to ask, a live pid is taken for the session.
 */
export function isSessionProcess(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`offline${path.sep}daemon.ts`);
  } catch {
    return !fs.existsSync('/proc/self');
  }
}

export function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); remove the folder ${path.dirname(file)} to start over`);
  }
}

/** Writes JSON atomically (write, then rename), readable by the owner only: it holds the session's keys. */
export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/**
 * The running session of a scenario, or an error saying what to do: deploy
 * first, or clean up after a session whose process is gone.
 */
export function runningSession(root: string, scenario: string): { info: SessionInfo; paths: SessionPaths } {
  const paths = sessionPaths(root, scenario);
  const info = readJson<SessionInfo>(paths.info);
  if (!info) {
    throw new Error(`no local session for ${scenario} in ${root}: start one with \`cloudtrail-lab deploy ${scenario} --local\``);
  }
  if (!isSessionProcess(info.pid)) {
    throw new Error(
      `the local session for ${scenario} (process ${info.pid}) is no longer running; its log is ${paths.daemonLog}. ` +
        `Clean up with \`cloudtrail-lab destroy ${scenario} --local\`, then deploy again`,
    );
  }
  return { info, paths };
}
