import { DeleteRuleCommand, ListRulesCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { projectTagVerdict, tagRecord } from '../match';
import { Kind, Listed, classifyByTags, removeEach } from '../resources';

/**
 * EventBridge rules of the default bus (ListRules; the labs create no other
 * bus), by their tags (ListTagsForResource). Rules managed by an AWS service
 * are skipped. Targets are removed first, then the rule.
 */
export const rules: Kind = {
  type: 'eventbridge-rule',
  async find(ctx) {
    const listed: Listed[] = [];
    let token: string | undefined;
    do {
      const page = await ctx.clients.events.send(new ListRulesCommand({ NextToken: token }));
      for (const rule of page.Rules ?? []) if (rule.Name && rule.Arn && !rule.ManagedBy) listed.push({ id: rule.Name, ref: rule.Arn });
      token = page.NextToken;
    } while (token);
    return classifyByTags(
      ctx,
      'eventbridge-rule',
      listed,
      async (rule) => tagRecord((await ctx.clients.events.send(new ListTagsForResourceCommand({ ResourceARN: rule.ref }))).Tags),
      (_rule, tags) => projectTagVerdict(tags, ctx.scope),
    );
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      let targets = 0;
      let token: string | undefined;
      do {
        const page = await ctx.clients.events.send(new ListTargetsByRuleCommand({ Rule: item.id, NextToken: token }));
        const ids = (page.Targets ?? []).flatMap((t) => (t.Id ? [t.Id] : []));
        if (ids.length > 0) {
          const out = await ctx.clients.events.send(new RemoveTargetsCommand({ Rule: item.id, Ids: ids }));
          if (out.FailedEntryCount) throw new Error(`${out.FailedEntryCount} target(s) not removed: ${out.FailedEntries?.[0]?.ErrorMessage ?? 'no reason given'}`);
          targets += ids.length;
        }
        token = page.NextToken;
      } while (token);
      await ctx.clients.events.send(new DeleteRuleCommand({ Name: item.id }));
      return targets > 0 ? `${targets} target${targets === 1 ? '' : 's'} removed first` : undefined;
    });
  },
};
