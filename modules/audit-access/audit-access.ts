import { Construct } from 'constructs';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserGroupMembership } from '@cdktf/provider-aws/lib/iam-user-group-membership';
import { IamUserLoginProfile } from '@cdktf/provider-aws/lib/iam-user-login-profile';
import { Group } from '../iam/group';
import { LabStack } from '../lab-stack/lab-stack';
import { Trail } from '../trail/trail';

/** CloudTrail reads with no resource-level permissions: they must name `*`. */
export const CLOUDTRAIL_ACCOUNT_READ_ACTIONS = ['cloudtrail:DescribeTrails', 'cloudtrail:ListTrails', 'cloudtrail:LookupEvents', 'cloudtrail:ListPublicKeys'];
/** CloudTrail reads scoped to the trail. */
export const CLOUDTRAIL_TRAIL_READ_ACTIONS = [
  'cloudtrail:GetTrail',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:GetEventSelectors',
  'cloudtrail:GetInsightSelectors',
  'cloudtrail:ListTags',
];

export interface AuditAccessProps {
  /** The trail the auditors read. */
  readonly trail: Trail;
  /** @default "group-audit" (seed 004), i.e. `<prefix>-<scenario>-group-audit` */
  readonly groupName?: string;
  /** @default "auditor" */
  readonly userName?: string;
  /**
   * Give the user a console password (generated, reset at first sign-in).
   * The initial password is stored in Terraform state.
   * @default false
   */
  readonly consoleAccess?: boolean;
  /**
   * Give the user an access key. Its secret is stored in Terraform state: use
   * only with an encrypted remote state.
   * @default false
   */
  readonly accessKey?: boolean;
}

/**
 * The audit function of seed 004: a group and a user that can read CloudTrail
 * and the trail's log files. Reading the files takes both S3 read on the log
 * objects and `kms:Decrypt` on the trail key; a user with CloudTrail read alone
 * cannot open them.
 */
export class AuditAccess extends Construct {
  public readonly group: Group;
  public readonly user: IamUser;
  public readonly accessKey?: IamAccessKey;
  public readonly loginProfile?: IamUserLoginProfile;

  constructor(scope: Construct, id: string, props: AuditAccessProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    this.group = new Group(this, 'group', { name: props.groupName ?? 'group-audit' });
    this.group.addToPrincipalPolicy({ sid: 'CloudTrailAccountRead', actions: CLOUDTRAIL_ACCOUNT_READ_ACTIONS, resources: ['*'] });
    this.group.addToPrincipalPolicy({ sid: 'CloudTrailTrailRead', actions: CLOUDTRAIL_TRAIL_READ_ACTIONS, resources: [props.trail.trailArn] });
    props.trail.grantRead(this.group);

    this.user = new IamUser(this, 'user', { name: stack.naming.name(props.userName ?? 'auditor') });
    new IamUserGroupMembership(this, 'membership', { user: this.user.name, groups: [this.group.groupName] });
    if (props.consoleAccess) {
      this.loginProfile = new IamUserLoginProfile(this, 'login', { user: this.user.name, passwordResetRequired: true });
    }
    if (props.accessKey) {
      this.accessKey = new IamAccessKey(this, 'access-key', { user: this.user.name });
    }
  }
}
