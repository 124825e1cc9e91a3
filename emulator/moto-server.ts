import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

/** A moto_server process on a loopback port, with our compatibility shims. */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** @default 30000 */
  readonly startTimeoutMs?: number;
  /** @default "python3", or CTLAB_PYTHON */
  readonly python?: string;
}

const LAUNCHER = path.join(__dirname, 'moto_compat.py');

/** Credentials the emulator accepts; never real ones. */
export const EMULATOR_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: '',
};

/**
 * Client settings for calls straight to moto, which the edge does not see
 * and so does not record (reading configuration, delivering logs). Each part
 * of the emulator signs with its own made-up key, which names it in moto's log.
 */
export function directMotoConfig(endpoint: string, region: string, accessKeyId: string): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { endpoint, region, credentials: { accessKeyId, secretAccessKey: 'local' } };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function isUp(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Ends a child process: SIGTERM, then SIGKILL after 3 s; resolves once it has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/**
 * Starts moto on a free loopback port and waits until it answers. Fails with
 * a message naming the cause when Python or moto is missing.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const python = options.python ?? process.env.CTLAB_PYTHON ?? 'python3';
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(python, [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + (options.startTimeoutMs ?? 30000);
  while (Date.now() < deadline) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(() => r(undefined), 200))]);
    if (failed) throw new Error(`could not start ${python} for moto_server: ${failed.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited (${child.exitCode ?? child.signalCode}) before answering; is moto installed (pip install "moto[server]")?\n${log}`);
    }
    if (await isUp(endpoint)) {
      return { endpoint, port, stop: () => stopProcess(child) };
    }
  }
  await stopProcess(child);
  throw new Error(`moto_server did not answer on ${endpoint} within ${(options.startTimeoutMs ?? 30000) / 1000} s:\n${log}`);
}

/**
 * True when python3 can import moto (the emulator tiers need it). With
 * CTLAB_REQUIRE_EMULATOR=1 (CI sets it), a missing moto is an error instead
 * of a skipped tier, so a green run always means the tiers ran.
 */
export async function motoAvailable(python = process.env.CTLAB_PYTHON ?? 'python3'): Promise<boolean> {
  const available = await new Promise<boolean>((resolve) => {
    const child = spawn(python, ['-c', 'import moto.server'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
  if (!available && process.env.CTLAB_REQUIRE_EMULATOR === '1') {
    throw new Error(`${python} cannot import moto, and CTLAB_REQUIRE_EMULATOR=1 says the emulator tiers must run: pip install "moto[server]==5.2.1"`);
  }
  return available;
}
