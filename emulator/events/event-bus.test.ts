import { Operation } from '../edge/operation';
import { LocalEventBus } from './event-bus';
import { BusRule, ResourceDirectory, RuleTarget } from './moto-directory';
import { EventBridgeEvent } from './types';

// The bus with a directory standing in for moto: what it does with the rules and targets it reads.
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:handler';
const ALLOW_EVENTS = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN }] });
const EVENT: EventBridgeEvent = { version: '0', id: 'e-1', 'detail-type': 'Order', source: 'lab.orders', account: '123456789012', time: '2024-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { order: { 'order-id': 'o-7', amount: 250 } } };
const rule = (name: string, target: Partial<RuleTarget> = {}, extra: Partial<BusRule> = {}): BusRule => ({
  name,
  arn: `arn:aws:events:us-east-1:123456789012:rule/${name}`,
  state: 'ENABLED',
  eventPattern: '{"source":["lab.orders"]}',
  targets: [{ Id: 't', Arn: FN, ...target }],
  ...extra,
});

function setup(rules: BusRule[]) {
  const invocations: unknown[] = [];
  const log: string[] = [];
  let reads = 0;
  const directory = { rules: async () => (reads++, rules), functionPolicy: async () => ALLOW_EVENTS } as unknown as ResourceDirectory;
  const bus = new LocalEventBus({ motoEndpoint: 'http://unused', accountId: '123456789012', directory, invoker: { invokeAsync: (_name, event) => void invocations.push(event) }, onLog: (l) => void log.push(l) });
  return { bus, invocations, log, reads: () => reads };
}

const op = (service: string, name: string, params: Record<string, unknown> = {}): Operation => ({ service, name, region: 'us-east-1', params });

describe('local event bus: rules and targets', () => {
  it('delivers the whole event, the InputPath part of it, or the constant Input', async () => {
    const { bus, invocations } = setup([rule('whole'), rule('path', { InputPath: "$.detail.order['order-id']" }), rule('constant', { Input: '{"fixed":true}' })]);
    await bus.put([EVENT]);
    expect(invocations).toEqual([EVENT, 'o-7', { fixed: true }]);
    expect(bus.deliveries.map((d) => d.rule.split('/').pop())).toEqual(['whole', 'path', 'constant']);
  });

  it('fails a target with an InputTransformer instead of delivering the event unchanged', async () => {
    const { bus, invocations } = setup([rule('transformed', { InputTransformer: { InputTemplate: '"<state>"' } })]);
    await bus.put([EVENT]);
    expect(invocations).toEqual([]);
    expect(bus.failedDeliveries).toEqual([expect.objectContaining({ target: FN, messageId: 'e-1', reason: expect.stringContaining('InputTransformer is not supported by the local event bus') })]);
  });

  it('ignores disabled rules, rules that do not match and scheduled rules', async () => {
    const { bus, invocations } = setup([rule('disabled', {}, { state: 'DISABLED' }), rule('other', {}, { eventPattern: '{"source":["lab.billing"]}' }), rule('scheduled', {}, { eventPattern: undefined })]);
    await bus.put([EVENT]);
    expect(invocations).toEqual([]);
  });

  it('skips a stored rule whose pattern is not valid, saying which and why', async () => {
    const { bus, invocations, log } = setup([rule('broken', {}, { eventPattern: '{"source":"lab.orders"}' }), rule('fine')]);
    await bus.put([EVENT]);
    expect(invocations).toHaveLength(1);
    expect(log).toContainEqual(expect.stringMatching(/rule arn:aws:events:.*rule\/broken skipped: Event pattern is not valid\. Reason: "source" must be an object or an array/));
  });

  it('reads the rules once, and again after a call that changes them', async () => {
    const { bus, reads } = setup([rule('r')]);
    await bus.put([EVENT]);
    await bus.put([EVENT]);
    expect(reads()).toBe(1);
    bus.afterCall(op('events', 'PutTargets'), Buffer.alloc(0));
    await bus.put([EVENT]);
    expect(reads()).toBe(2);
  });

  it('answers a PutRule with an invalid pattern itself, and lets every other call through', () => {
    const { bus } = setup([]);
    const reply = bus.intercept(op('events', 'PutRule', { Name: 'r', EventPattern: '{"source":[]}' }));
    expect(reply?.status).toBe(400);
    expect(JSON.parse(reply!.body.toString())).toEqual({ __type: 'InvalidEventPatternException', message: 'Event pattern is not valid. Reason: "source": empty arrays are not allowed' });
    expect(bus.intercept(op('events', 'PutRule', { Name: 'r', EventPattern: '{"source":["a"]}' }))).toBeUndefined();
    expect(bus.intercept(op('events', 'ListRules'))).toBeUndefined();
  });

  it('puts PutEvents entries of the default bus only, with the ids EventBridge answered', async () => {
    const { bus, invocations, log } = setup([rule('r')]);
    const entries = [
      { Source: 'lab.orders', DetailType: 'Order', Detail: '{"n":1}', Time: 1704067200 },
      { Source: 'lab.orders', DetailType: 'Order', Detail: '{"n":2}', EventBusName: 'orders' },
    ];
    bus.afterCall(op('events', 'PutEvents', { Entries: entries }), Buffer.from(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'id-1' }, { EventId: 'id-2' }] })));
    await bus.idle();
    expect(invocations).toEqual([expect.objectContaining({ id: 'id-1', time: '2024-01-01T00:00:00Z', detail: { n: 1 }, account: '123456789012', region: 'us-east-1' })]);
    expect(log).toContainEqual('events: event id-2 went to bus orders; the local event bus delivers the default bus only');
  });
});
