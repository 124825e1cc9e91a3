import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { describeError } from './resources';

/** Who created a resource, according to the region's CloudTrail event history. */
export type Creator = { readonly known: true; readonly principal: string } | { readonly known: false; readonly reason: string };

/**
 * The principal in one CloudTrail record (the `CloudTrailEvent` JSON of
 * LookupEvents): for an assumed role, the role's name (the cat API's instance
 * role is `<prefix>-suspicious-api-cat-api`); otherwise the user name or ARN.
 */
export function principalOf(cloudTrailEvent: string): string | undefined {
  let record: { userIdentity?: { type?: string; arn?: string; userName?: string; sessionContext?: { sessionIssuer?: { userName?: string } } } };
  try {
    record = JSON.parse(cloudTrailEvent);
  } catch {
    return undefined;
  }
  const identity = record.userIdentity;
  if (!identity) return undefined;
  if (identity.type === 'AssumedRole') {
    return identity.sessionContext?.sessionIssuer?.userName ?? /:assumed-role\/([^/]+)\//.exec(identity.arn ?? '')?.[1] ?? identity.arn;
  }
  return identity.userName ?? identity.arn;
}

/**
 * Who created `bucket`: the `CreateBucket` event of the last 90 days of
 * management events (LookupEvents by resource name, in the region the client
 * is for). Unknown when there is none, or the lookup fails.
 */
export async function bucketCreator(cloudtrail: Pick<CloudTrailClient, 'send'>, bucket: string): Promise<Creator> {
  try {
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await cloudtrail.send(
        new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: bucket }], NextToken: token, MaxResults: 50 }),
      );
      for (const event of page.Events ?? []) {
        if (event.EventName !== 'CreateBucket' || !event.CloudTrailEvent) continue;
        const principal = principalOf(event.CloudTrailEvent);
        if (principal) return { known: true, principal };
      }
      token = page.NextToken;
    } while (token && ++pages < 5);
    return { known: false, reason: 'no CreateBucket event in the last 90 days of CloudTrail event history' };
  } catch (error) {
    return { known: false, reason: `CloudTrail LookupEvents failed: ${describeError(error).split('\n')[0]}` };
  }
}
