import { DeleteWorkGroupCommand, paginateListWorkGroups } from '@aws-sdk/client-athena';
import { nameVerdict } from '../match';
import { Candidate, Kind, removeEach, sortCandidates } from '../resources';

/**
 * Athena workgroups of the region (ListWorkGroups) named
 * `<prefix>-<scenario>-*` (AthenaCloudTrail's `investigate`): by name, since
 * reading a workgroup's tags takes its ARN and so the account id. Deleted
 * with their saved queries. (The Glue database beside it is not covered.)
 */
export const workgroups: Kind = {
  type: 'athena-workgroup',
  async find(ctx) {
    const candidates: Candidate[] = [];
    for await (const page of paginateListWorkGroups({ client: ctx.clients.athena }, {})) {
      for (const group of page.WorkGroups ?? []) {
        if (group.Name) candidates.push({ type: 'athena-workgroup', id: group.Name, verdict: nameVerdict(group.Name, undefined, ctx.scope) });
      }
    }
    return sortCandidates(candidates);
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      await ctx.clients.athena.send(new DeleteWorkGroupCommand({ WorkGroup: item.id, RecursiveDeleteOption: true }));
      return undefined;
    });
  },
};
