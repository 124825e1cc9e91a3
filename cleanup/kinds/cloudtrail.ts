import { DeleteTrailCommand, ListTagsCommand, paginateListTrails } from '@aws-sdk/client-cloudtrail';
import { projectTagVerdict, tagRecord } from '../match';
import { Kind, Listed, classifyByTags, removeEach } from '../resources';

/**
 * CloudTrail trails whose home region is the region (ListTrails also lists
 * other regions' multi-region trails), by their tags (ListTags). Removed
 * before the buckets they deliver to.
 */
export const trails: Kind = {
  type: 'cloudtrail-trail',
  async find(ctx) {
    const listed: Listed[] = [];
    for await (const page of paginateListTrails({ client: ctx.clients.cloudtrail }, {})) {
      for (const trail of page.Trails ?? []) {
        if (trail.Name && trail.TrailARN && (trail.HomeRegion === undefined || trail.HomeRegion === ctx.scope.region)) listed.push({ id: trail.Name, ref: trail.TrailARN });
      }
    }
    return classifyByTags(
      ctx,
      'cloudtrail-trail',
      listed,
      async (trail) => {
        const out = await ctx.clients.cloudtrail.send(new ListTagsCommand({ ResourceIdList: [trail.ref!] }));
        return tagRecord(out.ResourceTagList?.find((r) => r.ResourceId === trail.ref)?.TagsList);
      },
      (_trail, tags) => projectTagVerdict(tags, ctx.scope),
    );
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      await ctx.clients.cloudtrail.send(new DeleteTrailCommand({ Name: item.ref }));
      return undefined;
    });
  },
};
