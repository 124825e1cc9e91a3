import { GetUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { IdentityRegistry } from './identities';
import { Operation } from './operation';
import { directMotoConfig } from '../moto-server';

export interface IamKeysOptions {
  /** moto, asked directly (nothing recorded) for the user's keys. */
  readonly motoEndpoint: string;
  readonly accountId: string;
  readonly identities: IdentityRegistry;
}

/**
 * Access keys created through IAM become identities the edge knows, so a lab
 * can act as its IAM users (the audit user, say) and be recorded as them; a
 * deleted key is refused again. Reads the keys back from moto after
 * `CreateAccessKey` and `DeleteAccessKey` pass through.
 */
export class IamKeys {
  private readonly iam: IAMClient;

  constructor(private readonly options: IamKeysOptions) {
    this.iam = new IAMClient(directMotoConfig(options.motoEndpoint, 'us-east-1', 'AKIALOCALIAMKEYS0001'));
  }

  /** Call after a successful IAM call. */
  async after(op: Operation): Promise<void> {
    if (op.service !== 'iam') return;
    if (op.name === 'DeleteAccessKey' && typeof op.params.AccessKeyId === 'string') {
      this.options.identities.forget(op.params.AccessKeyId);
      return;
    }
    if (op.name !== 'CreateAccessKey') return;
    const caller = this.options.identities.resolve(op.accessKeyId);
    const userName = typeof op.params.UserName === 'string' ? op.params.UserName : caller?.type === 'IAMUser' ? caller.userName : undefined;
    if (!userName) return;
    const [user, keys] = await Promise.all([
      this.iam.send(new GetUserCommand({ UserName: userName })),
      this.iam.send(new ListAccessKeysCommand({ UserName: userName })),
    ]);
    for (const key of keys.AccessKeyMetadata ?? []) {
      if (!key.AccessKeyId || this.options.identities.resolve(key.AccessKeyId)) continue;
      this.options.identities.register(key.AccessKeyId, { type: 'IAMUser', userName, accountId: this.options.accountId, principalId: user.User?.UserId ?? userName });
    }
  }
}
