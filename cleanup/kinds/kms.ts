import {
  DeleteAliasCommand,
  DescribeKeyCommand,
  KeyState,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  paginateListAliases,
  paginateListKeys,
} from '@aws-sdk/client-kms';
import { Tags, kmsKeyVerdict, scopeAliases } from '../match';
import { FindFailure, Kind, Listed, classifyByTags, describeError, mapLimit, removeEach } from '../resources';

/** The shortest window KMS allows: a key scheduled by mistake can be cancelled for 7 days. */
export const KEY_DELETION_WINDOW_DAYS = 7;

const GONE_STATES: (KeyState | string)[] = ['PendingDeletion', 'PendingReplicaDeletion'];

async function keyTags(ctx: Parameters<Kind['find']>[0], keyId: string): Promise<Tags> {
  const tags: Record<string, string> = {};
  let marker: string | undefined;
  do {
    const page = await ctx.clients.kms.send(new ListResourceTagsCommand({ KeyId: keyId, Marker: marker }));
    for (const tag of page.Tags ?? []) if (tag.TagKey !== undefined) tags[tag.TagKey] = tag.TagValue ?? '';
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return tags;
}

/**
 * Customer-managed KMS keys not pending deletion (ListKeys, DescribeKey), by
 * their tags (ListResourceTags) or an alias `alias/<prefix>-<scenario>-*`
 * (ListAliases). Removed last, since everything else may use them: scheduled
 * for deletion with the minimum 7-day window, and their scenario aliases
 * deleted so a new deployment can create them again.
 */
export const keys: Kind = {
  type: 'kms-key',
  async find(ctx) {
    const aliases = new Map<string, string[]>();
    for await (const page of paginateListAliases({ client: ctx.clients.kms }, {})) {
      for (const alias of page.Aliases ?? []) {
        if (alias.TargetKeyId && alias.AliasName) aliases.set(alias.TargetKeyId, [...(aliases.get(alias.TargetKeyId) ?? []), alias.AliasName]);
      }
    }
    const keyIds: string[] = [];
    for await (const page of paginateListKeys({ client: ctx.clients.kms }, {})) {
      for (const key of page.Keys ?? []) if (key.KeyId) keyIds.push(key.KeyId);
    }
    const failures: FindFailure[] = [];
    const described = await mapLimit(keyIds, 8, async (keyId): Promise<Listed | undefined> => {
      const listed = { id: keyId, extra: aliases.get(keyId) ?? [] };
      try {
        const meta = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
        return meta && meta.KeyManager === 'CUSTOMER' && !GONE_STATES.includes(meta.KeyState ?? '') ? listed : undefined;
      } catch (error) {
        if (scopeAliases(listed.extra, ctx.scope).length > 0) failures.push({ type: 'kms-key', id: keyId, reason: `could not describe it: ${describeError(error)}` });
        return undefined;
      }
    });
    const listed = described.filter((k): k is Listed => k !== undefined);
    const sorted = await classifyByTags(
      ctx,
      'kms-key',
      listed,
      (key) => keyTags(ctx, key.id),
      (key, tags) => kmsKeyVerdict(tags, key.extra ?? [], ctx.scope),
      (key) => scopeAliases(key.extra ?? [], ctx.scope).length > 0,
    );
    return { ...sorted, failures: [...failures, ...sorted.failures] };
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      const out = await ctx.clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: item.id, PendingWindowInDays: KEY_DELETION_WINDOW_DAYS }));
      const deleted: string[] = [];
      for (const alias of scopeAliases(item.extra ?? [], ctx.scope)) {
        try {
          await ctx.clients.kms.send(new DeleteAliasCommand({ AliasName: alias }));
          deleted.push(alias);
        } catch (error) {
          throw new Error(`deletion scheduled, but alias ${alias} not deleted (it goes with the key in ${KEY_DELETION_WINDOW_DAYS} days): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const day = out.DeletionDate ? out.DeletionDate.toISOString().slice(0, 10) : `in ${KEY_DELETION_WINDOW_DAYS} days`;
      return `pending deletion, deleted on ${day}${deleted.length ? `; alias ${deleted.join(', ')} deleted` : ''}`;
    });
  },
};
