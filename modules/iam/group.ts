import { Construct } from 'constructs';
import { IamGroup } from '@cdktf/provider-aws/lib/iam-group';
import { IamGroupPolicy } from '@cdktf/provider-aws/lib/iam-group-policy';
import { LabStack } from '../lab-stack/lab-stack';
import { Grantable } from './grantable';
import { PolicyDocument } from './policy-document';
import { PolicyStatement } from './policy-statement';

export interface GroupProps {
  /** Group name after the prefix and scenario: `<prefix>-<scenario>-<name>`. */
  readonly name: string;
}

/** An IAM group whose permissions are one inline policy built from the statements granted to it. */
export class Group extends Construct implements Grantable {
  public readonly group: IamGroup;
  public readonly groupName: string;
  public readonly grantName: string;
  private readonly permissions: PolicyDocument;

  constructor(scope: Construct, id: string, props: GroupProps) {
    super(scope, id);
    const name = LabStack.of(this).naming.name(props.name);
    if (name.length > 128) throw new Error(`IAM group name "${name}" is ${name.length} characters; IAM allows 128`);
    this.group = new IamGroup(this, 'group', { name });
    this.groupName = this.group.name;
    this.grantName = name;
    this.permissions = new PolicyDocument(this, 'permissions');
    new IamGroupPolicy(this, 'policy', { name: 'permissions', group: this.group.name, policy: this.permissions.json });
    this.node.addValidation({
      validate: () => (this.permissions.statementCount === 0 ? [`group ${name} has no permissions: grant it something or remove it`] : []),
    });
  }

  public addToPrincipalPolicy(statement: PolicyStatement): void {
    this.permissions.addStatements(statement);
  }
}
