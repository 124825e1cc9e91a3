import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, IAMClient } from '@aws-sdk/client-iam';
import { MotoServer, motoAvailable, startMoto } from '../moto-server';
import { IdentityRegistry } from './identities';
import { IamKeys } from './iam-keys';
import { Operation } from './operation';

describe('access keys created through IAM', () => {
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    if (await motoAvailable()) moto = await startMoto();
  }, 60_000);
  afterAll(() => moto?.stop());

  it('become identities the edge knows, and are refused again once deleted', async () => {
    if (!moto) return;
    const identities = new IdentityRegistry();
    const keys = new IamKeys({ motoEndpoint: moto.endpoint, accountId: '123456789012', identities });
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASETUP', secretAccessKey: 'x' } });
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    const call = (name: string, params: Record<string, unknown>): Operation => ({ service: 'iam', region: 'us-east-1', accessKeyId: 'AKIAOPERATOR', name, params });
    expect(identities.resolve(key.AccessKeyId)).toBeUndefined();
    await keys.after(call('CreateAccessKey', { UserName: 'auditor' }));
    expect(identities.resolve(key.AccessKeyId)).toMatchObject({ type: 'IAMUser', userName: 'auditor', accountId: '123456789012' });
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'auditor', AccessKeyId: key.AccessKeyId }));
    await keys.after(call('DeleteAccessKey', { UserName: 'auditor', AccessKeyId: key.AccessKeyId }));
    expect(identities.resolve(key.AccessKeyId)).toBeUndefined();
  });
});
