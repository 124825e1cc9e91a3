import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey as KmsKeyResource } from '@cdktf/provider-aws/lib/kms-key';
import { Grantable } from '../iam/grantable';
import { PolicyDocument } from '../iam/policy-document';
import { PolicyCondition, PolicyStatement } from '../iam/policy-statement';
import { LabStack } from '../lab-stack/lab-stack';
import { statementId } from '../iam/statement-id';

export interface KmsKeyProps {
  /**
   * Alias name after the deployment prefix and scenario: `alias/<prefix>-<scenario>-<alias>`.
   */
  readonly alias: string;
  /** @default - "<prefix>-<scenario>-<alias> key, managed by cloudtrail-labs" */
  readonly description?: string;
  /**
   * Days KMS waits before deleting the key after `terraform destroy` (7..30).
   * @default 30 - the longest window, so a mistaken destroy can be undone
   */
  readonly deletionWindowInDays?: number;
  /**
   * Yearly automatic rotation of the key material. Turning it off is a CIS 3.6
   * finding that must be acknowledged.
   * @default true
   */
  readonly enableKeyRotation?: boolean;
}

/**
 * A symmetric customer-managed KMS key with rotation, an alias, and a key
 * policy that keeps the account root as administrator, so IAM policies
 * (written by the `grantXxx` helpers) decide who may use it.
 *
 * @example
 * const key = new KmsKey(this, 'key', { alias: 'data' });
 * key.grantDecrypt(auditGroup);
 */
export class KmsKey extends Construct {
  public readonly key: KmsKeyResource;
  public readonly keyArn: string;
  public readonly keyId: string;
  /** `alias/<prefix>-<scenario>-<alias>` */
  public readonly aliasName: string;
  private readonly aliasPurpose: string;
  private readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    const deletionWindow = props.deletionWindowInDays ?? 30;
    if (!Number.isInteger(deletionWindow) || deletionWindow < 7 || deletionWindow > 30) {
      throw new Error(`deletionWindowInDays must be a whole number from 7 to 30, got ${deletionWindow}`);
    }
    if (!/^[a-zA-Z0-9/_-]+$/.test(props.alias)) {
      throw new Error(`KMS alias "${props.alias}" may only contain letters, digits, "/", "_" and "-"`);
    }
    const fullName = stack.naming.name(props.alias);
    this.aliasName = `alias/${fullName}`;
    this.aliasPurpose = props.alias;

    this.policy = new PolicyDocument(this, 'policy', {
      statements: [
        {
          sid: 'EnableAccountAdministration',
          principals: [{ type: 'AWS', identifiers: [`arn:${stack.partition}:iam::${stack.accountId}:root`] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
      ],
    });

    this.key = new KmsKeyResource(this, 'key', {
      description: props.description ?? `${fullName} key, managed by cloudtrail-labs`,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      enableKeyRotation: props.enableKeyRotation ?? true,
      deletionWindowInDays: deletionWindow,
      policy: this.policy.json,
    });
    new KmsAlias(this, 'alias', { name: this.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }

  /** Adds a statement to the key policy (for AWS service principals such as CloudTrail). */
  public addToResourcePolicy(statement: PolicyStatement): void {
    this.policy.addStatements(statement);
  }

  /** `kms:Encrypt` on this key. */
  public grantEncrypt(grantee: Grantable, conditions?: PolicyCondition[]): void {
    this.grant(grantee, 'Encrypt', ['kms:Encrypt'], conditions);
  }

  /** `kms:Decrypt` on this key. */
  public grantDecrypt(grantee: Grantable, conditions?: PolicyCondition[]): void {
    this.grant(grantee, 'Decrypt', ['kms:Decrypt'], conditions);
  }

  /** `kms:GenerateDataKey` on this key (envelope encryption). */
  public grantGenerateDataKey(grantee: Grantable, conditions?: PolicyCondition[]): void {
    this.grant(grantee, 'GenerateDataKey', ['kms:GenerateDataKey'], conditions);
  }

  private grant(grantee: Grantable, verb: string, actions: string[], conditions?: PolicyCondition[]): void {
    grantee.addToPrincipalPolicy({
      // Aliases are unique in an account, so the statement id is unique in the grantee's policy.
      sid: statementId(verb, this.aliasPurpose),
      actions,
      resources: [this.keyArn],
      conditions,
    });
  }
}
