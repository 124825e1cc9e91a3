import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { PolicyStatement, validateStatement } from './policy-statement';

export interface PolicyDocumentProps {
  /**
   * Statements present from the start. More can be added with `addStatements`
   * until synthesis.
   * @default - none
   */
  readonly statements?: PolicyStatement[];
}

/**
 * An IAM policy document rendered by Terraform's `aws_iam_policy_document`
 * data source. Statements are collected lazily, so constructs created later
 * (a trail, a reader) can add theirs.
 */
export class PolicyDocument extends Construct {
  /** The policy JSON, for `policy` arguments. */
  public readonly json: string;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: PolicyDocumentProps = {}) {
    super(scope, id);
    const document = new DataAwsIamPolicyDocument(this, 'document', {
      statement: Lazy.anyValue({ produce: () => this.statements.map(renderStatement) }),
    });
    this.json = document.json;
    this.addStatements(...(props.statements ?? []));
  }

  public addStatements(...statements: PolicyStatement[]): void {
    for (const statement of statements) {
      validateStatement(statement);
      if (this.statements.some((existing) => existing.sid === statement.sid)) {
        throw new Error(`policy ${this.node.path} already has a statement with sid "${statement.sid}"`);
      }
      this.statements.push(statement);
    }
  }

  /** How many statements the document holds now. */
  public get statementCount(): number {
    return this.statements.length;
  }
}

function renderStatement(statement: PolicyStatement) {
  return {
    sid: statement.sid,
    effect: statement.effect ?? 'Allow',
    actions: statement.actions,
    not_actions: statement.notActions,
    resources: statement.resources,
    principals: statement.principals?.map((p) => ({ type: p.type, identifiers: p.identifiers })),
    condition: statement.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: c.values })),
  };
}
