import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { bucketCreator, principalOf } from './creator';

const assumedRole = (role: string) =>
  JSON.stringify({
    eventName: 'CreateBucket',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::123456789012:assumed-role/${role}/i-0fe770cb48ec0c411`,
      sessionContext: { sessionIssuer: { type: 'Role', userName: role, arn: `arn:aws:iam::123456789012:role/${role}` } },
    },
  });

describe('who created a bucket, from CloudTrail', () => {
  it('reads the role of an assumed-role session, from the session issuer or the ARN', () => {
    expect(principalOf(assumedRole('ctlab-suspicious-api-cat-api'))).toBe('ctlab-suspicious-api-cat-api');
    expect(principalOf(JSON.stringify({ userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/team2-suspicious-api-cat-api/i-1' } }))).toBe(
      'team2-suspicious-api-cat-api',
    );
  });

  it('reads a user by name, and gives up on a record without identity or not JSON', () => {
    expect(principalOf(JSON.stringify({ userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice' } }))).toBe('alice');
    expect(principalOf(JSON.stringify({ eventName: 'CreateBucket' }))).toBeUndefined();
    expect(principalOf('<html>')).toBeUndefined();
  });

  it('looks the bucket up by resource name and takes the CreateBucket event', async () => {
    const send = jest.fn().mockResolvedValue({
      Events: [
        { EventName: 'PutBucketTagging', CloudTrailEvent: assumedRole('someone-else') },
        { EventName: 'CreateBucket', CloudTrailEvent: assumedRole('ctlab-suspicious-api-cat-api') },
      ],
    });
    expect(await bucketCreator({ send }, 'random-val-1')).toEqual({ known: true, principal: 'ctlab-suspicious-api-cat-api' });
    const command = send.mock.calls[0][0] as LookupEventsCommand;
    expect(command.input.LookupAttributes).toEqual([{ AttributeKey: 'ResourceName', AttributeValue: 'random-val-1' }]);
  });

  it('says why the creator is unknown: no event (older than 90 days), or the lookup failed', async () => {
    expect(await bucketCreator({ send: jest.fn().mockResolvedValue({ Events: [] }) }, 'random-val-1')).toEqual({
      known: false,
      reason: 'no CreateBucket event in the last 90 days of CloudTrail event history',
    });
    const denied = Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' });
    expect(await bucketCreator({ send: jest.fn().mockRejectedValue(denied) }, 'random-val-1')).toEqual({
      known: false,
      reason: 'CloudTrail LookupEvents failed: AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents',
    });
  });
});
