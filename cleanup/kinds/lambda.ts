import { DeleteFunctionCommand, ListTagsCommand, paginateListFunctions } from '@aws-sdk/client-lambda';
import { projectTagVerdict } from '../match';
import { Kind, Listed, classifyByTags, removeEach } from '../resources';

/** Lambda functions of the region (ListFunctions), by their tags (ListTags). DeleteFunction removes every version. */
export const functions: Kind = {
  type: 'lambda-function',
  async find(ctx) {
    const listed: Listed[] = [];
    for await (const page of paginateListFunctions({ client: ctx.clients.lambda }, {})) {
      for (const fn of page.Functions ?? []) if (fn.FunctionName && fn.FunctionArn) listed.push({ id: fn.FunctionName, ref: fn.FunctionArn });
    }
    return classifyByTags(
      ctx,
      'lambda-function',
      listed,
      async (fn) => (await ctx.clients.lambda.send(new ListTagsCommand({ Resource: fn.ref }))).Tags ?? {},
      (_fn, tags) => projectTagVerdict(tags, ctx.scope),
    );
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      await ctx.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: item.id }));
      return undefined;
    });
  },
};
