import { newTestStack, ref, resourcesOf, statementWithSid } from '../lab-stack/testing';
import { Trail } from '../trail/trail';
import { AuditAccess } from './audit-access';

describe('AuditAccess', () => {
  function build(props: { consoleAccess?: boolean; accessKey?: boolean } = {}) {
    const stack = newTestStack();
    const trail = new Trail(stack, 'trail');
    const audit = new AuditAccess(stack, 'audit', { trail, ...props });
    return { stack, trail, audit };
  }

  it('creates group-audit and an auditor user in it', () => {
    const { stack } = build();
    expect(resourcesOf(stack, 'aws_iam_group')[0].name).toBe('ctlab-test-lab-group-audit');
    expect(resourcesOf(stack, 'aws_iam_user')[0].name).toBe('ctlab-test-lab-auditor');
    expect(resourcesOf(stack, 'aws_iam_user_group_membership')[0]).toMatchObject({ groups: [ref('aws_iam_group', 'audit_group', 'name')] });
  });

  it('grants CloudTrail read, account-wide only for the actions without resource-level permissions', () => {
    const { stack } = build();
    expect(statementWithSid(stack, 'CloudTrailAccountRead')).toMatchObject({
      actions: ['cloudtrail:DescribeTrails', 'cloudtrail:ListTrails', 'cloudtrail:LookupEvents', 'cloudtrail:ListPublicKeys'],
      resources: ['*'],
    });
    expect((statementWithSid(stack, 'CloudTrailTrailRead').resources as string[])[0]).toMatch(/:trail\/ctlab-test-lab-trail$/);
  });

  it('grants what reading the log files takes: the objects and kms:Decrypt on the trail key', () => {
    const { stack } = build();
    expect(statementWithSid(stack, 'ReadTrailLogsTrail').actions).toEqual(['s3:GetObject']);
    expect(statementWithSid(stack, 'ListTrailBucketTrail').actions).toEqual(['s3:ListBucket']);
    expect(statementWithSid(stack, 'DecryptTrail')).toMatchObject({ actions: ['kms:Decrypt'], resources: [ref('aws_kms_key', 'trail_key', 'arn')] });
  });

  it('gives the user no console password and no access key unless asked', () => {
    const quiet = build().stack;
    expect(resourcesOf(quiet, 'aws_iam_user_login_profile')).toHaveLength(0);
    expect(resourcesOf(quiet, 'aws_iam_access_key')).toHaveLength(0);
    const loud = build({ consoleAccess: true, accessKey: true }).stack;
    expect(resourcesOf(loud, 'aws_iam_user_login_profile')[0].password_reset_required).toBe(true);
    expect(resourcesOf(loud, 'aws_iam_access_key')).toHaveLength(1);
  });
});
