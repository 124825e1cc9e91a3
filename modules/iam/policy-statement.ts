/**
 * A typed IAM policy statement. Policies in this project are built from these
 * objects and rendered by Terraform's `aws_iam_policy_document`, never written
 * as JSON strings, so policy checks can read them and plans show clean diffs.
 */
export interface PolicyStatement {
  /** Statement id, unique within one document. */
  readonly sid: string;
  /** @default "Allow" */
  readonly effect?: 'Allow' | 'Deny';
  /** IAM actions, e.g. `kms:Decrypt`. Exactly one of `actions` / `notActions` is required. */
  readonly actions?: string[];
  /** @default - none */
  readonly notActions?: string[];
  /**
   * Resource ARNs (or `*` where the action has no resource-level permissions).
   * @default - none: only valid in trust policies, which name principals instead
   */
  readonly resources?: string[];
  /**
   * Principals, for resource policies (bucket, key, topic policies).
   * @default - none (identity policy)
   */
  readonly principals?: PolicyPrincipal[];
  /** @default - no conditions */
  readonly conditions?: PolicyCondition[];
}

export interface PolicyPrincipal {
  /** `AWS`, `Service` or `*`. */
  readonly type: 'AWS' | 'Service' | '*';
  readonly identifiers: string[];
}

export interface PolicyCondition {
  /** Condition operator, e.g. `StringEquals`, `ArnLike`, `Bool`. */
  readonly test: string;
  /** Condition key, e.g. `aws:SourceArn`. */
  readonly variable: string;
  readonly values: string[];
}

/** The statement every secure bucket carries: refuse any request not made over TLS (CIS AWS 2.1.1). */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    actions: ['s3:*'],
    resources: [bucketArn, `${bucketArn}/*`],
    principals: [{ type: '*', identifiers: ['*'] }],
    conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  };
}

/** Checks a statement's shape early, with a message that names it. */
export function validateStatement(statement: PolicyStatement): void {
  const hasActions = (statement.actions?.length ?? 0) > 0;
  const hasNotActions = (statement.notActions?.length ?? 0) > 0;
  if (hasActions === hasNotActions) {
    throw new Error(`policy statement "${statement.sid}" needs exactly one of actions or notActions`);
  }
  const hasPrincipals = (statement.principals?.length ?? 0) > 0;
  if (statement.resources !== undefined ? statement.resources.length === 0 : !hasPrincipals) {
    throw new Error(`policy statement "${statement.sid}" needs at least one resource`);
  }
  if (!/^[A-Za-z0-9]+$/.test(statement.sid)) {
    throw new Error(`policy statement sid "${statement.sid}" may only contain letters and digits`);
  }
}
