import type { Clients } from './clients';
import { runCleanup } from './cleanup';
import { CleanupContext, Found, Kind, Outcome, ResourceType, removeEach } from './resources';

const scope = { prefix: 'ctlab', scenario: 'suspicious-api', region: 'us-east-1' };
const clients = {} as Clients;

/** A kind that finds what it is given and removes with `removeOne` (throwing = failing). */
function fakeKind(type: ResourceType, ids: string[], removed: string[], removeOne: (id: string) => string | undefined = () => undefined): Kind {
  return {
    type,
    async find() {
      return { found: ids.map((id) => ({ type, id, why: 'test' })), kept: ids.slice(0, 1).map((id) => ({ type, id: `${id}-other`, reason: 'prefix team2, not ctlab' })) };
    },
    async remove(_ctx: CleanupContext, items: readonly Found[], report: (o: Outcome) => void) {
      await removeEach(items, report, async (item) => {
        const note = removeOne(item.id);
        removed.push(`${type} ${item.id}`);
        return note;
      });
    },
  };
}

function run(kinds: Kind[], options: { dryRun?: boolean; confirm?: () => Promise<boolean>; verbose?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const summary = runCleanup({ scope, clients, kinds, dryRun: options.dryRun ?? false, confirm: options.confirm, verbose: options.verbose, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { summary, out, err };
}

describe('runCleanup', () => {
  it('removes kind by kind in order, one line each, with a summary', async () => {
    const removed: string[] = [];
    const { summary, out } = run([fakeKind('ec2-instance', ['i-1'], removed), fakeKind('s3-bucket', ['b-2', 'b-1'], removed, () => 'emptied'), fakeKind('kms-key', ['k-1'], removed)]);
    expect(await summary).toMatchObject({ found: 4, removed: 4, failed: 0, kept: 3, cancelled: false });
    expect(removed).toEqual(['ec2-instance i-1', 's3-bucket b-1', 's3-bucket b-2', 'kms-key k-1']);
    expect(out).toEqual([
      'found ec2-instance i-1 (test)',
      'found s3-bucket b-1 (test)',
      'found s3-bucket b-2 (test)',
      'found kms-key k-1 (test)',
      'removed ec2-instance i-1',
      'removed s3-bucket b-1 (emptied)',
      'removed s3-bucket b-2 (emptied)',
      'removed kms-key k-1',
      '4 removed, 0 failed, 3 kept (other deployments or scenarios; --verbose lists them)',
    ]);
  });

  it('reports a failed removal and goes on with the rest', async () => {
    const removed: string[] = [];
    const failing = (id: string) => {
      if (id === 'b-1') throw Object.assign(new Error('The bucket you tried to delete is not empty'), { name: 'BucketNotEmpty' });
      return undefined;
    };
    const { summary, out } = run([fakeKind('s3-bucket', ['b-1', 'b-2'], removed, failing), fakeKind('kms-key', ['k-1'], removed)]);
    expect(await summary).toMatchObject({ removed: 2, failed: 1 });
    expect(out.filter((l) => !l.startsWith('found '))).toEqual([
      'failed s3-bucket b-1: BucketNotEmpty: The bucket you tried to delete is not empty',
      'removed s3-bucket b-2',
      'removed kms-key k-1',
      '2 removed, 1 failed, 2 kept (other deployments or scenarios; --verbose lists them)',
    ]);
  });

  it('counts a resource already gone as removed', async () => {
    const gone = () => {
      throw Object.assign(new Error('no such bucket'), { name: 'NoSuchBucket' });
    };
    const { summary, out } = run([fakeKind('s3-bucket', ['b-1'], [], gone)]);
    expect(await summary).toMatchObject({ removed: 1, failed: 0 });
    expect(out).toContain('removed s3-bucket b-1 (already gone)');
  });

  it('reports a listing that failed, still removes what the others found, and counts it as a failure', async () => {
    const removed: string[] = [];
    const broken: Kind = { type: 'lambda-function', find: async () => Promise.reject(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' })), remove: async () => undefined };
    const { summary, out } = run([broken, fakeKind('s3-bucket', ['b-1'], removed)]);
    expect(await summary).toMatchObject({ removed: 1, failed: 1 });
    expect(out).toContain('failed lambda-function (listing): could not list: AccessDeniedException: not allowed');
    expect(removed).toEqual(['s3-bucket b-1']);
  });

  it('fails what a remover did not report when it gives up part-way', async () => {
    const halfway: Kind = {
      type: 'ec2-instance',
      find: async () => ({ found: [{ type: 'ec2-instance', id: 'i-1', why: 'test' }, { type: 'ec2-instance', id: 'i-2', why: 'test' }], kept: [] }),
      remove: async (_ctx, _items, report) => {
        report({ ok: true, type: 'ec2-instance', id: 'i-1' });
        throw new Error('throttled');
      },
    };
    const { summary, out } = run([halfway]);
    expect(await summary).toMatchObject({ removed: 1, failed: 1 });
    expect(out.slice(-3)).toEqual(['removed ec2-instance i-1', 'failed ec2-instance i-2: throttled', '1 removed, 1 failed, 0 kept']);
  });

  it('dry run: lists, and with --verbose the kept ones, and removes nothing', async () => {
    const removed: string[] = [];
    const { summary, out } = run([fakeKind('s3-bucket', ['b-1'], removed)], { dryRun: true, verbose: true });
    expect(await summary).toMatchObject({ found: 1, removed: 0, failed: 0, kept: 1 });
    expect(out).toEqual(['found s3-bucket b-1 (test)', 'kept s3-bucket b-1-other: prefix team2, not ctlab', 'dry run: 1 to remove, 0 failed, 1 kept; nothing removed']);
    expect(removed).toEqual([]);
  });

  it('removes nothing when the question is not answered yes, and asks nothing when nothing was found', async () => {
    const removed: string[] = [];
    const no = jest.fn().mockResolvedValue(false);
    const cancelled = run([fakeKind('s3-bucket', ['b-1'], removed)], { confirm: no });
    expect(await cancelled.summary).toMatchObject({ cancelled: true, removed: 0 });
    expect(cancelled.out.at(-1)).toMatch(/^cancelled: nothing removed \(1 found, 1 kept/);
    expect(removed).toEqual([]);

    const ask = jest.fn().mockResolvedValue(true);
    const empty = run([fakeKind('s3-bucket', [], removed)], { confirm: ask });
    expect(await empty.summary).toMatchObject({ found: 0, removed: 0 });
    expect(ask).not.toHaveBeenCalled();
  });
});
