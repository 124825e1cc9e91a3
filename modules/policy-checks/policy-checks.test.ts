import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { newTestStack, synthObject } from '../lab-stack/testing';
import { SecureBucket } from '../secure-bucket/secure-bucket';
import { Trail } from '../trail/trail';
import { acknowledgeFinding } from './acknowledgements';

function openGroup(stack: ReturnType<typeof newTestStack>) {
  return new SecurityGroup(stack, 'web', { ingress: [{ fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }] });
}

describe('PolicyChecks aspect', () => {
  it('passes a stack of secure constructs with no findings', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail');
    new SecureBucket(stack, 'data', { purpose: 'data' });
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([]);
  });

  it('fails synth on an error finding, naming the rule, the resource and how to accept it', () => {
    const stack = newTestStack();
    openGroup(stack);
    expect(() => synthObject(stack)).toThrow(
      /policy checks failed for stack "test-lab":\n {2}\[CTL\.EC2\.1\] aws_security_group\.web: Security groups allow no ingress from the whole internet: ingress is open to 0\.0\.0\.0\/0[^\n]*\nFix the resource, or accept the finding with acknowledgeFinding/,
    );
  });

  it('accepts an acknowledged finding and keeps it, with its reason, in the findings', () => {
    const stack = newTestStack();
    const group = openGroup(stack);
    acknowledgeFinding(group, 'CTL.EC2.1', 'public classroom demo with no data behind it');
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([
      expect.objectContaining({ ruleId: 'CTL.EC2.1', address: 'aws_security_group.web', acknowledged: 'public classroom demo with no data behind it' }),
    ]);
  });

  it('lets a warning pass synth and records it', () => {
    const stack = newTestStack();
    const bucket = new SecureBucket(stack, 'logs', { purpose: 'logs' });
    new Trail(stack, 'trail', { bucket });
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([expect.objectContaining({ ruleId: 'CIS.3.4', severity: 'warning', acknowledged: undefined })]);
  });

  it('rejects an acknowledgement without a real reason', () => {
    const stack = newTestStack();
    expect(() => acknowledgeFinding(openGroup(stack), 'CTL.EC2.1', 'ok')).toThrow(/needs a reason of at least 10 characters/);
  });

  it('rejects an acknowledgement of something that is not a rule id', () => {
    expect(() => acknowledgeFinding(newTestStack(), 'open-ingress', 'a perfectly fine reason')).toThrow(/is not a rule id/);
  });

  it('rejects an acknowledgement of a rule that does not exist, listing the rules', () => {
    expect(() => acknowledgeFinding(newTestStack(), 'CIS.3.66', 'a perfectly fine reason')).toThrow(/no rule has the id "CIS\.3\.66"; the rules are CIS\.3\.1, CIS\.3\.2/);
  });
});
