import { Group } from '../iam/group';
import { newTestStack, ref, resourcesOf, statementWithSid } from '../lab-stack/testing';
import { KmsKey } from './kms-key';

describe('KmsKey', () => {
  it('creates a rotating symmetric key with a prefixed alias and a 30-day deletion window', () => {
    const stack = newTestStack();
    const key = new KmsKey(stack, 'key', { alias: 'data' });
    const [resource] = resourcesOf(stack, 'aws_kms_key');
    expect(resource).toMatchObject({ enable_key_rotation: true, customer_master_key_spec: 'SYMMETRIC_DEFAULT', deletion_window_in_days: 30 });
    expect(resourcesOf(stack, 'aws_kms_alias')[0].name).toBe('alias/ctlab-test-lab-data');
    expect(key.aliasName).toBe('alias/ctlab-test-lab-data');
  });

  it('keeps the account root as key administrator so IAM policies apply', () => {
    const stack = newTestStack();
    new KmsKey(stack, 'key', { alias: 'data' });
    const admin = statementWithSid(stack, 'EnableAccountAdministration');
    expect(admin.principals).toEqual([{ type: 'AWS', identifiers: ['arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.caller.account_id}:root'] }]);
  });

  it('grants each use of the key to a principal with exactly its action, on this key only', () => {
    const stack = newTestStack();
    const key = new KmsKey(stack, 'data-key', { alias: 'data' });
    const group = new Group(stack, 'readers', { name: 'readers' });
    key.grantEncrypt(group);
    key.grantDecrypt(group);
    key.grantGenerateDataKey(group);
    for (const [sid, action] of [['EncryptData', 'kms:Encrypt'], ['DecryptData', 'kms:Decrypt'], ['GenerateDataKeyData', 'kms:GenerateDataKey']]) {
      expect(statementWithSid(stack, sid)).toMatchObject({ actions: [action], resources: [ref('aws_kms_key', 'data-key', 'arn')] });
    }
  });

  it.each([6, 31, 7.5])('rejects a deletion window of %s days with the valid range', (days) => {
    expect(() => new KmsKey(newTestStack(), 'key', { alias: 'a', deletionWindowInDays: days })).toThrow(
      `deletionWindowInDays must be a whole number from 7 to 30, got ${days}`,
    );
  });

  it('rejects an alias with characters KMS refuses', () => {
    expect(() => new KmsKey(newTestStack(), 'key', { alias: 'bad alias!' })).toThrow(/may only contain letters, digits/);
  });

  it('fails synth when rotation is turned off without an acknowledgement (CIS 3.6)', () => {
    const stack = newTestStack();
    new KmsKey(stack, 'key', { alias: 'a', enableKeyRotation: false });
    expect(() => resourcesOf(stack, 'aws_kms_key')).toThrow(/\[CIS\.3\.6\] aws_kms_key\.key_[0-9A-F]+: Symmetric customer-managed KMS keys rotate/);
  });
});
