/** Who holds an access key in the local emulator: the operator, or a role session. */
export type Identity =
  | { readonly type: 'IAMUser'; readonly userName: string; readonly accountId: string; readonly principalId: string }
  | {
      readonly type: 'AssumedRole';
      readonly roleName: string;
      /** A Lambda function's session is its name; an EC2 instance's is its instance id. */
      readonly sessionName: string;
      readonly accountId: string;
      readonly roleId: string;
    };

/** Access key -> identity, as IAM and STS would answer for real keys. */
export class IdentityRegistry {
  private readonly byKey = new Map<string, Identity>();

  register(accessKeyId: string, identity: Identity): void {
    this.byKey.set(accessKeyId, identity);
  }

  /** A deleted key: calls signed with it are refused from now on, as IAM would. */
  forget(accessKeyId: string): void {
    this.byKey.delete(accessKeyId);
  }

  resolve(accessKeyId: string | undefined): Identity | undefined {
    return accessKeyId ? this.byKey.get(accessKeyId) : undefined;
  }
}

/** The `userIdentity` element CloudTrail writes for an identity. */
export function userIdentityOf(identity: Identity, accessKeyId: string): Record<string, unknown> {
  if (identity.type === 'IAMUser') {
    return {
      type: 'IAMUser',
      principalId: identity.principalId,
      arn: `arn:aws:iam::${identity.accountId}:user/${identity.userName}`,
      accountId: identity.accountId,
      accessKeyId,
      userName: identity.userName,
    };
  }
  const roleArn = `arn:aws:iam::${identity.accountId}:role/${identity.roleName}`;
  return {
    type: 'AssumedRole',
    principalId: `${identity.roleId}:${identity.sessionName}`,
    arn: `arn:aws:sts::${identity.accountId}:assumed-role/${identity.roleName}/${identity.sessionName}`,
    accountId: identity.accountId,
    accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: identity.roleId, arn: roleArn, accountId: identity.accountId, userName: identity.roleName },
      attributes: { creationDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), mfaAuthenticated: 'false' },
    },
  };
}
