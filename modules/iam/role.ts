import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LabStack } from '../lab-stack/lab-stack';
import { Grantable } from './grantable';
import { PolicyDocument } from './policy-document';
import { PolicyCondition, PolicyStatement } from './policy-statement';

export interface RoleProps {
  /** Role name after the prefix and scenario: `<prefix>-<scenario>-<name>`. */
  readonly name: string;
  /** Service principal allowed to assume the role, e.g. `lambda.amazonaws.com`. */
  readonly assumedBy: string;
  /**
   * Conditions on the trust statement (`aws:SourceArn`, `aws:SourceAccount`) against the confused deputy problem.
   * @default - none
   */
  readonly assumeConditions?: PolicyCondition[];
  /** @default - "<name>, managed by cloudtrail-labs" */
  readonly description?: string;
}

/**
 * An IAM role assumed by one AWS service, whose permissions are one inline
 * policy built from the statements granted to it. A role with no statement
 * fails synth validation: every role here exists to do something.
 */
export class Role extends Construct implements Grantable {
  public readonly role: IamRole;
  public readonly roleArn: string;
  public readonly roleName: string;
  public readonly grantName: string;
  /** The inline policy, for resources that need the permissions in place first. */
  public readonly policy: IamRolePolicy;
  private readonly permissions: PolicyDocument;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    const name = stack.naming.name(props.name);
    if (name.length > 64) {
      throw new Error(`IAM role name "${name}" is ${name.length} characters; IAM allows 64: shorten the prefix or the role name`);
    }
    const trust = new PolicyDocument(this, 'trust', {
      statements: [
        {
          sid: 'AssumedByService',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: [props.assumedBy] }],
          conditions: props.assumeConditions,
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name,
      description: props.description ?? `${name}, managed by cloudtrail-labs`,
      assumeRolePolicy: trust.json,
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.grantName = name;
    this.permissions = new PolicyDocument(this, 'permissions');
    this.policy = new IamRolePolicy(this, 'policy', { name: 'permissions', role: this.role.id, policy: this.permissions.json });
    this.node.addValidation({
      validate: () => (this.permissions.statementCount === 0 ? [`role ${name} has no permissions: grant it something or remove it`] : []),
    });
  }

  public addToPrincipalPolicy(statement: PolicyStatement): void {
    this.permissions.addStatements(statement);
  }
}
