import { DeleteLogGroupCommand, ListTagsForResourceCommand, paginateDescribeLogGroups } from '@aws-sdk/client-cloudwatch-logs';
import { projectTagVerdict } from '../match';
import { Kind, Listed, classifyByTags, removeEach } from '../resources';

/**
 * CloudWatch log groups of the region (DescribeLogGroups), by their tags
 * (ListTagsForResource). Removed after the functions writing to them, so
 * they are not created again.
 */
export const logGroups: Kind = {
  type: 'log-group',
  async find(ctx) {
    const listed: Listed[] = [];
    for await (const page of paginateDescribeLogGroups({ client: ctx.clients.logs }, {})) {
      for (const group of page.logGroups ?? []) {
        const arn = group.logGroupArn ?? group.arn?.replace(/:\*$/, '');
        if (group.logGroupName && arn) listed.push({ id: group.logGroupName, ref: arn });
      }
    }
    return classifyByTags(
      ctx,
      'log-group',
      listed,
      async (group) => (await ctx.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: group.ref }))).tags ?? {},
      (_group, tags) => projectTagVerdict(tags, ctx.scope),
    );
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      await ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: item.id }));
      return undefined;
    });
  },
};
