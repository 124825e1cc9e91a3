import { DeleteQueueCommand, ListQueueTagsCommand, paginateListQueues } from '@aws-sdk/client-sqs';
import { projectTagVerdict } from '../match';
import { Kind, Listed, classifyByTags, removeEach } from '../resources';

/** SQS queues of the region (ListQueues), by their tags (ListQueueTags): the functions' failure queues. */
export const queues: Kind = {
  type: 'sqs-queue',
  async find(ctx) {
    const listed: Listed[] = [];
    for await (const page of paginateListQueues({ client: ctx.clients.sqs }, { MaxResults: 1000 })) {
      for (const url of page.QueueUrls ?? []) listed.push({ id: url.split('/').pop()!, ref: url });
    }
    return classifyByTags(
      ctx,
      'sqs-queue',
      listed,
      async (queue) => (await ctx.clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: queue.ref }))).Tags ?? {},
      (_queue, tags) => projectTagVerdict(tags, ctx.scope),
    );
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      await ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: item.ref }));
      return undefined;
    });
  },
};
