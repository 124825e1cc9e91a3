/** Progress of a run: a redrawn bar on a terminal, plain lines otherwise (CI logs, pipes). */
export interface Progress {
  update(done: number, failed: number, total: number, detail: string): void;
  finish(): void;
}

export function createProgress(stream: NodeJS.WriteStream, label: string, now = () => Date.now()): Progress {
  const started = now();
  const tty = Boolean(stream.isTTY);
  let drawn = false;
  return {
    update(done, failed, total, detail) {
      const elapsed = (now() - started) / 1000;
      const finished = done + failed;
      const rate = elapsed > 0 ? finished / elapsed : 0;
      const eta = rate > 0 ? Math.max(0, (total - finished) / rate) : undefined;
      const stats = `${finished}/${total} ${label}, ${failed} failed, ${rate.toFixed(1)}/s, ETA ${eta === undefined ? '?' : `${Math.ceil(eta)} s`}`;
      if (tty) {
        const width = 24;
        const filled = total > 0 ? Math.round((finished / total) * width) : width;
        stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${stats}\x1b[K`);
        drawn = true;
      } else {
        stream.write(`${stats}: ${detail}\n`);
      }
    },
    finish() {
      if (tty && drawn) stream.write('\n');
    },
  };
}
