import { cleanupCommand } from './cleanup';
import { main } from './main';
import { captureIo } from './testing';

// Errors found before any AWS call; the runs themselves are in cleanup/cleanup.moto.test.ts.
describe('cloudtrail-lab cleanup: bad input', () => {
  const cleanup = (...args: string[]) => ['node', 'cloudtrail-lab', 'cleanup', ...args];

  it('rejects an unknown scenario, listing the valid ones', async () => {
    const { io, err } = captureIo();
    expect(await main(cleanup('suspicious-apu', '--dry-run'), io)).toBe(1);
    expect(err).toEqual(['cloudtrail-lab: unknown scenario "suspicious-apu"; valid scenarios: kms-mystery, audit-trail, sse-kms-bucket, suspicious-api']);
  });

  it('rejects the state-backend stack: its bucket is never cleaned up', async () => {
    const { io, err } = captureIo();
    expect(await main(cleanup('state-backend', '--dry-run'), io)).toBe(1);
    expect(err[0]).toMatch(/^cloudtrail-lab: unknown scenario "state-backend"/);
  });

  it('rejects an endpoint that is not an http(s) URL', async () => {
    const { io, err } = captureIo();
    expect(await main(cleanup('suspicious-api', '--dry-run', '--endpoint', 'localhost:4566'), io)).toBe(1);
    expect(err[0]).toBe(`error: option '--endpoint <url>' argument 'localhost:4566' is invalid. --endpoint must be an http(s) URL such as http://127.0.0.1:4566, got "localhost:4566"`);
  });

  it('rejects a region that is not a region code', async () => {
    const { io, err } = captureIo();
    expect(await main(cleanup('suspicious-api', '--dry-run', '--region', 'US-East'), io)).toBe(1);
    expect(err[0]).toMatch(/^error: option '--region <region>' argument 'US-East' is invalid\. invalid --region "US-East": expected an AWS region code such as us-east-1/);
  });

  it('rejects an invalid CTLAB_PREFIX, saying why', async () => {
    const { io, err } = captureIo({ CTLAB_PREFIX: 'My_Lab' });
    expect(await main(cleanup('suspicious-api', '--dry-run'), io)).toBe(1);
    expect(err[0]).toMatch(/^cloudtrail-lab: invalid prefix "My_Lab"/);
  });

  it('refuses to remove without --yes when stdin is not a terminal, creating no client', async () => {
    const { io, out } = captureIo();
    const clients = jest.fn();
    const command = cleanupCommand(io, { terminal: { interactive: false, ask: jest.fn() }, clients });
    await expect(command.parseAsync(['suspicious-api'], { from: 'user' })).rejects.toThrow(
      'cleanup removes resources and asks first, but stdin is not a terminal: pass --yes to remove without asking, or --dry-run to list what would be removed',
    );
    expect(clients).not.toHaveBeenCalled();
    expect(out).toEqual([]);
  });

  it('is listed in the help', async () => {
    const { io, out } = captureIo();
    await main(['node', 'cloudtrail-lab', '--help'], io);
    expect(out.join('\n')).toMatch(/cleanup \[options\] <scenario> +find what a scenario left behind/);
  });
});
