import { DeleteTopicCommand, ListTagsForResourceCommand, paginateListTopics } from '@aws-sdk/client-sns';
import { projectTagVerdict, tagRecord } from '../match';
import { Kind, Listed, classifyByTags, removeEach } from '../resources';

/** SNS topics of the region (ListTopics), by their tags (ListTagsForResource). DeleteTopic removes the subscriptions too. */
export const topics: Kind = {
  type: 'sns-topic',
  async find(ctx) {
    const listed: Listed[] = [];
    for await (const page of paginateListTopics({ client: ctx.clients.sns }, {})) {
      for (const topic of page.Topics ?? []) if (topic.TopicArn) listed.push({ id: topic.TopicArn.split(':').pop()!, ref: topic.TopicArn });
    }
    return classifyByTags(
      ctx,
      'sns-topic',
      listed,
      async (topic) => tagRecord((await ctx.clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: topic.ref }))).Tags),
      (_topic, tags) => projectTagVerdict(tags, ctx.scope),
    );
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      await ctx.clients.sns.send(new DeleteTopicCommand({ TopicArn: item.ref }));
      return undefined;
    });
  },
};
