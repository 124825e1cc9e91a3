import { changesInstanceState, ec2StateChangeEvents } from './ec2-state-changes';

// Answers as moto 5.2.1 gives them (trimmed to what matters).
const RUN = `<?xml version="1.0" encoding="utf-8"?>
<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationId>r-d3159c6e1fce6d784</reservationId><instancesSet>
<item><networkInterfaceSet><item><attachment><attachmentId>eni-attach-f69d2c4d24aa97079</attachmentId></attachment></item></networkInterfaceSet><instanceId>i-3d6e180c7b20e8b92</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item>
<item><instanceId>i-92acaf77324733f31</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item>
</instancesSet></RunInstancesResponse>`;
const change = (operation: string, items: [string, string, string][]) =>
  `<${operation}Response><instancesSet>${items
    .map(([id, current, previous]) => `<item><instanceId>${id}</instanceId><currentState><code>0</code><name>${current}</name></currentState><previousState><code>16</code><name>${previous}</name></previousState></item>`)
    .join('')}</instancesSet><requestId>request-id</requestId></${operation}Response>`;

const context = { accountId: '123456789012', region: 'eu-west-1', now: new Date('2024-05-01T10:20:30.456Z') };
const summary = (operation: string, xml: string) => ec2StateChangeEvents(operation, xml, context).map((e) => `${e.detail['instance-id']}:${e.detail.state}`);

describe('EC2 instance state-change events', () => {
  it('RunInstances: every instance pending, then every instance running', () => {
    expect(summary('RunInstances', RUN)).toEqual(['i-3d6e180c7b20e8b92:pending', 'i-92acaf77324733f31:pending', 'i-3d6e180c7b20e8b92:running', 'i-92acaf77324733f31:running']);
  });

  it.each([
    ['StopInstances', 'stopping', 'running', ['stopping', 'stopped']],
    ['StartInstances', 'pending', 'stopped', ['pending', 'running']],
    ['TerminateInstances', 'shutting-down', 'running', ['shutting-down', 'terminated']],
  ])('%s: %s then the final state', (operation, current, previous, states) => {
    expect(summary(operation, change(operation, [['i-0abc', current, previous]]))).toEqual(states.map((s) => `i-0abc:${s}`));
  });

  it('an instance already in the final state emits nothing (stopping a stopped instance)', () => {
    expect(summary('StopInstances', change('StopInstances', [['i-0abc', 'stopping', 'stopped'], ['i-0def', 'stopping', 'running']]))).toEqual(['i-0def:stopping', 'i-0def:stopped']);
  });

  it('writes the documented event shape', () => {
    const [event] = ec2StateChangeEvents('RunInstances', RUN, context);
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2024-05-01T10:20:30Z',
      region: 'eu-west-1',
      resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-3d6e180c7b20e8b92'],
      detail: { 'instance-id': 'i-3d6e180c7b20e8b92', state: 'pending' },
    });
    expect(new Set(ec2StateChangeEvents('RunInstances', RUN, context).map((e) => e.id)).size).toBe(4);
  });

  it('other EC2 operations change no state', () => {
    expect(changesInstanceState('DescribeInstances')).toBe(false);
    expect(ec2StateChangeEvents('DescribeInstances', RUN, context)).toEqual([]);
    expect(changesInstanceState('RunInstances')).toBe(true);
  });
});
