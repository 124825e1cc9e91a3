import { evaluateResourcePolicy } from './resource-policy';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const RULE = 'arn:aws:events:us-east-1:123456789012:rule/ec2-state';
const publish = { principal: 'events.amazonaws.com', action: 'sns:Publish', resource: TOPIC, context: { 'aws:SourceArn': RULE, 'aws:SourceAccount': '123456789012' } };
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allowEvents = { Sid: 'AllowEvents', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: TOPIC };

describe('resource policies: what a service principal may do', () => {
  it('allows a service named in an Allow statement', () => {
    expect(evaluateResourcePolicy(policy(allowEvents), publish)).toEqual({ allowed: true, reason: 'statement "AllowEvents" allows events.amazonaws.com to sns:Publish on ' + TOPIC });
  });

  it('rejects a policy without the service: the default topic policy (AWS:SourceOwner is not in a service\'s request)', () => {
    // moto's default topic policy, as GetTopicAttributes answers it
    const defaults = policy({ Effect: 'Allow', Sid: '__default_statement_ID', Principal: { AWS: '*' }, Action: ['SNS:GetTopicAttributes', 'SNS:Publish'], Resource: TOPIC, Condition: { StringEquals: { 'AWS:SourceOwner': '123456789012' } } });
    const decision = evaluateResourcePolicy(defaults, publish);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('no statement allows events.amazonaws.com to sns:Publish');
  });

  it('rejects when there is no policy at all', () => {
    expect(evaluateResourcePolicy(undefined, publish)).toMatchObject({ allowed: false, reason: expect.stringContaining('no resource policy') });
  });

  it('rejects another service, action or resource', () => {
    expect(evaluateResourcePolicy(policy(allowEvents), { ...publish, principal: 'sns.amazonaws.com' }).allowed).toBe(false);
    expect(evaluateResourcePolicy(policy(allowEvents), { ...publish, action: 'sns:Subscribe' }).allowed).toBe(false);
    expect(evaluateResourcePolicy(policy(allowEvents), { ...publish, resource: `${TOPIC}-other` }).allowed).toBe(false);
  });

  it('matches actions without regard to case and with wildcards, as IAM does', () => {
    expect(evaluateResourcePolicy(policy({ ...allowEvents, Action: 'SNS:publish' }), publish).allowed).toBe(true);
    const key = policy({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' });
    const use = (action: string) => evaluateResourcePolicy(key, { ...publish, action, resource: 'arn:aws:kms:us-east-1:123456789012:key/1' }).allowed;
    expect([use('kms:GenerateDataKey'), use('kms:Decrypt'), use('kms:Encrypt')]).toEqual([true, true, false]);
  });

  it('honours a SourceArn condition: the right rule only', () => {
    const scoped = policy({ ...allowEvents, Condition: { ArnEquals: { 'aws:SourceArn': RULE } } });
    expect(evaluateResourcePolicy(scoped, publish).allowed).toBe(true);
    expect(evaluateResourcePolicy(scoped, { ...publish, context: { 'aws:SourceArn': `${RULE}-other` } }).allowed).toBe(false);
    // Lambda AddPermission writes AWS:SourceArn with ArnLike
    const lambda = policy({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/ec2-*' } } });
    expect(evaluateResourcePolicy(lambda, { ...publish, action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' }).allowed).toBe(true);
  });

  it('an explicit Deny wins over an Allow; a negated condition on a missing key applies', () => {
    const denied = policy(allowEvents, { Sid: 'OnlyOurOrg', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: TOPIC, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-123' } } });
    expect(evaluateResourcePolicy(denied, publish)).toEqual({ allowed: false, reason: 'statement "OnlyOurOrg" denies events.amazonaws.com to sns:Publish on ' + TOPIC });
    const tlsOnly = policy(allowEvents, { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: '*', Resource: TOPIC, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(evaluateResourcePolicy(tlsOnly, { ...publish, context: { ...publish.context, 'aws:SecureTransport': 'true' } }).allowed).toBe(true);
  });

  it('rejects a policy that is not JSON, saying so', () => {
    expect(evaluateResourcePolicy('{not json', publish).reason).toContain('the resource policy is not JSON');
  });
});
