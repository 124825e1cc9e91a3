import { newTestStack, resourcesOf, statementWithSid, synthObject } from '../lab-stack/testing';
import { Group } from './group';
import { PolicyDocument } from './policy-document';
import { denyInsecureTransport, validateStatement } from './policy-statement';
import { Role } from './role';
import { statementId } from './statement-id';

describe('iam helpers', () => {
  it('builds statement ids from words', () => {
    expect(statementId('Decrypt', 'trail-key')).toBe('DecryptTrailKey');
    expect(statementId('Read', 'whiz_kms key')).toBe('ReadWhizKmsKey');
  });

  it.each([
    [{ sid: 'A', resources: ['*'] }, /needs exactly one of actions or notActions/],
    [{ sid: 'A', actions: ['s3:GetObject'], notActions: ['s3:PutObject'], resources: ['*'] }, /needs exactly one of actions or notActions/],
    [{ sid: 'A', actions: ['s3:GetObject'], resources: [] }, /needs at least one resource/],
    [{ sid: 'A', actions: ['s3:GetObject'] }, /needs at least one resource/],
    [{ sid: 'Bad-Sid', actions: ['s3:GetObject'], resources: ['*'] }, /may only contain letters and digits/],
  ])('rejects a malformed statement %#', (statement, message) => {
    expect(() => validateStatement(statement)).toThrow(message);
  });

  it('accepts a trust statement that names principals and no resources', () => {
    expect(() => validateStatement({ sid: 'Trust', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] })).not.toThrow();
  });

  it('renders statements added after creation, and refuses a duplicate sid', () => {
    const stack = newTestStack();
    const document = new PolicyDocument(stack, 'doc', { statements: [denyInsecureTransport('arn:aws:s3:::b')] });
    document.addStatements({ sid: 'Later', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] });
    expect(statementWithSid(stack, 'Later').actions).toEqual(['s3:GetObject']);
    expect(() => document.addStatements({ sid: 'Later', actions: ['s3:PutObject'], resources: ['*'] })).toThrow(/already has a statement with sid "Later"/);
  });

  it('creates a role only its service can assume, with conditions against the confused deputy', () => {
    const stack = newTestStack();
    const role = new Role(stack, 'role', {
      name: 'worker',
      assumedBy: 'lambda.amazonaws.com',
      assumeConditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }],
    });
    role.addToPrincipalPolicy({ sid: 'Read', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] });
    expect(resourcesOf(stack, 'aws_iam_role')[0].name).toBe('ctlab-test-lab-worker');
    expect(statementWithSid(stack, 'AssumedByService')).toMatchObject({
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }],
    });
    expect(statementWithSid(stack, 'AssumedByService').resources).toBeUndefined();
  });

  it('fails synth validation for a role or group that was granted nothing', () => {
    const stack = newTestStack();
    new Role(stack, 'idle', { name: 'idle', assumedBy: 'lambda.amazonaws.com' });
    new Group(stack, 'empty', { name: 'empty' });
    expect(() => synthObject(stack)).toThrow(/role ctlab-test-lab-idle has no permissions[\s\S]*group ctlab-test-lab-empty has no permissions/);
  });

  it('rejects a role name IAM would find too long', () => {
    expect(() => new Role(newTestStack(), 'r', { name: 'x'.repeat(60), assumedBy: 'lambda.amazonaws.com' })).toThrow(/IAM allows 64/);
  });
});
