import {
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  Filter,
  Instance,
  TerminateInstancesCommand,
  paginateDescribeInstances,
  paginateDescribeSecurityGroups,
} from '@aws-sdk/client-ec2';
import { PROJECT_TAG } from '../../modules/lab-stack/lab-stack';
import { LAB_TAG, MINER_NAME } from '../../modules/suspicious-api/app/contract';
import { PROJECT_TAG_KEYS, instanceVerdict, projectTagVerdict, tagRecord } from '../match';
import { Candidate, CleanupContext, Kind, Outcome, describeError, isGone, removeEach, sortCandidates } from '../resources';

/** How long a security group still in use is retried. */
const SECURITY_GROUP_WAIT_MS = 120_000;

/** Every state but `terminated`: a shutting-down instance is still waited for. */
const NOT_TERMINATED = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

async function describe(ctx: CleanupContext, filters: Filter[]): Promise<Instance[]> {
  const instances: Instance[] = [];
  for await (const page of paginateDescribeInstances({ client: ctx.clients.ec2 }, { Filters: filters })) {
    for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
  }
  return instances;
}

/**
 * EC2 instances not yet terminated, found with server-side tag filters:
 * `Project=cloudtrail-labs` (the scenario's own, by the default tags) and
 * `Name=crypto-miner` + `lab=cloudtrail` (the cat API's miners, by
 * `launched-by`). Removed first, all at once, then waited for until terminated.
 */
export const instances: Kind = {
  type: 'ec2-instance',
  async find(ctx) {
    const state = { Name: 'instance-state-name', Values: NOT_TERMINATED };
    const [project, miners] = await Promise.all([
      describe(ctx, [{ Name: `tag:${PROJECT_TAG_KEYS.project}`, Values: [PROJECT_TAG] }, state]),
      describe(ctx, [{ Name: 'tag:Name', Values: [MINER_NAME] }, { Name: `tag:${LAB_TAG.key}`, Values: [LAB_TAG.value] }, state]),
    ]);
    const byId = new Map<string, Instance>();
    for (const instance of [...project, ...miners]) if (instance.InstanceId) byId.set(instance.InstanceId, instance);
    return sortCandidates([...byId.values()].map((i) => ({ type: 'ec2-instance', id: i.InstanceId!, verdict: instanceVerdict(tagRecord(i.Tags), ctx.scope) })));
  },
  async remove(ctx, items, report) {
    if (items.length === 0) return;
    const ids = items.map((i) => i.id);
    const failed = new Map<string, string>();
    try {
      await ctx.clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    } catch {
      // One bad id fails the whole call: terminate one by one to tell which.
      for (const id of ids) {
        try {
          await ctx.clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
        } catch (error) {
          if (!isGone(error)) failed.set(id, describeError(error));
        }
      }
    }
    const waiting = ids.filter((id) => !failed.has(id));
    const states = await waitUntilTerminated(ctx, waiting);
    for (const id of ids) {
      const state = states.get(id);
      if (failed.has(id)) report({ ok: false, type: 'ec2-instance', id, reason: failed.get(id)! });
      else if (state === 'terminated' || state === undefined) report({ ok: true, type: 'ec2-instance', id, note: 'terminated' });
      else report({ ok: false, type: 'ec2-instance', id, reason: `still ${state} after ${Math.round(ctx.instanceWaitMs / 1000)} s` });
    }
  },
};

/** Polls until every instance is terminated or the wait is over; returns each last state (absent: gone). */
async function waitUntilTerminated(ctx: CleanupContext, ids: string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  if (ids.length === 0) return states;
  const deadline = Date.now() + ctx.instanceWaitMs;
  for (;;) {
    states.clear();
    try {
      const out = await ctx.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
      for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId) states.set(i.InstanceId, i.State?.Name ?? 'unknown');
    } catch (error) {
      if (!isGone(error)) for (const id of ids) states.set(id, `unknown (${describeError(error)})`);
    }
    if ([...states.values()].every((s) => s === 'terminated') || Date.now() >= deadline) return states;
    await ctx.sleep(ctx.pollMs);
  }
}

/**
 * Security groups tagged with the project tags (the cat API's and the
 * miner's), found with a server-side `tag:Project` filter. Removed after the
 * instances; a group still attached to a network interface that is going away
 * is retried for up to two minutes.
 */
export const securityGroups: Kind = {
  type: 'security-group',
  async find(ctx) {
    const verdicts: Candidate[] = [];
    const filter = { Filters: [{ Name: `tag:${PROJECT_TAG_KEYS.project}`, Values: [PROJECT_TAG] }] };
    for await (const page of paginateDescribeSecurityGroups({ client: ctx.clients.ec2 }, filter)) {
      for (const group of page.SecurityGroups ?? []) {
        if (group.GroupId && group.GroupName !== 'default') {
          verdicts.push({ type: 'security-group', id: group.GroupId, verdict: projectTagVerdict(tagRecord(group.Tags), ctx.scope) });
        }
      }
    }
    return sortCandidates(verdicts);
  },
  async remove(ctx, items, report: (outcome: Outcome) => void) {
    await removeEach(items, report, async (item) => {
      // Network interfaces of just-terminated instances go within a minute or two; an instance still running keeps its group for good.
      const deadline = Date.now() + Math.min(ctx.instanceWaitMs, SECURITY_GROUP_WAIT_MS);
      for (;;) {
        try {
          await ctx.clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: item.id }));
          return undefined;
        } catch (error) {
          if (!(error instanceof Error && error.name === 'DependencyViolation') || Date.now() >= deadline) throw error;
          await ctx.sleep(ctx.pollMs);
        }
      }
    });
  },
};
