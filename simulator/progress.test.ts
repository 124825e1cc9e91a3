import { createProgress } from './progress';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (s: string) => void written.push(s) } as unknown as NodeJS.WriteStream, written };
}

describe('progress', () => {
  it('redraws one bar with count, rate and ETA on a terminal', () => {
    let now = 0;
    const { stream, written } = fakeStream(true);
    const progress = createProgress(stream, 'uploads', () => now);
    now = 2000;
    progress.update(4, 0, 10, 'ignored on a terminal');
    progress.finish();
    expect(written[0]).toBe('\r[##########--------------] 4/10 uploads, 0 failed, 2.0/s, ETA 3 s\x1b[K');
    expect(written[1]).toBe('\n');
  });

  it('prints plain lines with the detail when not a terminal', () => {
    let now = 0;
    const { stream, written } = fakeStream(false);
    const progress = createProgress(stream, 'uploads', () => now);
    now = 1000;
    progress.update(1, 1, 4, 'failed uploads/x: SlowDown');
    progress.finish();
    expect(written).toEqual(['2/4 uploads, 1 failed, 2.0/s, ETA 1 s: failed uploads/x: SlowDown\n']);
  });
});
