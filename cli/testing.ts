import type { Io } from './main';

/** An Io that records what a command prints, for tests. */
export function captureIo(env: NodeJS.ProcessEnv = {}): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), env }, out, err };
}
