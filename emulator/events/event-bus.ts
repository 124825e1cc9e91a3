import { LocalReply } from '../edge/edge-server';
import { Operation } from '../edge/operation';
import { changesInstanceState, ec2StateChangeEvents } from './ec2-state-changes';
import { EventPattern, EventPatternError, matchesEventPattern, parseEventPattern } from './event-pattern';
import { BusRule, MotoDirectory, ResourceDirectory, RuleTarget, regionOf } from './moto-directory';
import { evaluateResourcePolicy } from './resource-policy';
import { putEventsEvents } from './put-events';
import { SnsFanout, publishedMessage } from './sns-fanout';
import { NotDelivered, inputFor } from './target-input';
import { AsyncInvoker, EventBridgeEvent, FailedDelivery } from './types';

export interface LocalEventBusOptions {
  /** moto: rules, topics and policies are read there, and the bus publishes there (not through the edge). */
  readonly motoEndpoint: string;
  readonly accountId: string;
  /** Runs Lambda targets and subscribers: the local Lambda runtime. */
  readonly invoker: AsyncInvoker;
  readonly onLog?: (line: string) => void;
  /** @default - moto's own APIs at motoEndpoint */
  readonly directory?: ResourceDirectory;
}

/** An event delivered to a target. */
export interface Delivery {
  readonly rule: string;
  readonly target: string;
  readonly eventId: string;
}

interface LoadedRule {
  readonly rule: BusRule;
  readonly pattern: EventPattern;
}

/** Calls after which the bus reads the rules again. */
const RULE_CHANGES = new Set(['PutRule', 'PutTargets', 'RemoveTargets', 'DeleteRule', 'EnableRule', 'DisableRule']);

/**
 * The local EventBridge default bus: rules and targets are read from moto
 * (and read again after a call changes them); events — EC2 instance state
 * changes and PutEvents entries from clients — are matched against the
 * enabled rules and delivered to SNS topic targets (published to moto, then
 * fanned out to the topic's Lambda subscribers) and Lambda function targets
 * (asynchronous invocations). As in AWS, a delivery that the topic's access
 * policy, the topic's KMS key policy or the function's resource policy does
 * not allow is not made: it is logged and counted in failedDeliveries.
 * Deliveries run one after another, in the order the calls were made.
 */
export class LocalEventBus {
  readonly failedDeliveries: FailedDelivery[] = [];
  readonly deliveries: Delivery[] = [];
  /** SNS delivery to Lambda subscribers, for Publish calls and for the bus's own publishes. */
  readonly sns: SnsFanout;
  private readonly directory: ResourceDirectory;
  private readonly rules = new Map<string, Promise<LoadedRule[]>>();
  private readonly pending = new Set<Promise<void>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: LocalEventBusOptions) {
    this.directory = options.directory ?? new MotoDirectory(options.motoEndpoint);
    this.sns = new SnsFanout({ directory: this.directory, invoker: options.invoker, accountId: options.accountId, onFailure: (f) => void this.failedDeliveries.push(f), onLog: options.onLog });
  }

  private log(line: string): void {
    this.options.onLog?.(line);
  }

  /** Answers a call instead of moto: a PutRule whose pattern EventBridge would refuse gets its InvalidEventPatternException. */
  intercept(op: Operation): LocalReply | undefined {
    if (op.service !== 'events' || op.name !== 'PutRule' || typeof op.params.EventPattern !== 'string') return undefined;
    try {
      parseEventPattern(op.params.EventPattern);
      return undefined;
    } catch (error) {
      if (!(error instanceof EventPatternError)) throw error;
      return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Buffer.from(JSON.stringify({ __type: 'InvalidEventPatternException', message: error.message })) };
    }
  }

  /** After a successful call through the edge: rule changes, PutEvents, EC2 state changes, SNS Publish. Deliveries run in the background. */
  afterCall(op: Operation, response: Buffer): void {
    if (op.service === 'events' && RULE_CHANGES.has(op.name)) this.rules.delete(op.region);
    if (op.service === 'events' && op.name === 'PutEvents') {
      const events = putEventsEvents(op, response.toString('utf8'), this.options.accountId, (l) => this.log(l));
      if (events.length) this.enqueue(() => this.put(events));
    }
    if (op.service === 'ec2' && changesInstanceState(op.name)) {
      const events = ec2StateChangeEvents(op.name, response.toString('utf8'), { accountId: this.options.accountId, region: op.region });
      if (events.length) this.enqueue(() => this.put(events));
    }
    if (op.service === 'sns' && op.name === 'Publish') {
      const message = publishedMessage(op, response.toString('utf8'));
      if (message) this.enqueue(async () => void (await this.sns.deliver(message)));
    }
  }

  /** Matches the events against the enabled rules of their region and delivers them, one event after another. */
  async put(events: readonly EventBridgeEvent[]): Promise<void> {
    for (const event of events) {
      for (const { rule } of (await this.rulesOf(event.region)).filter((r) => r.rule.state === 'ENABLED' && matchesEventPattern(r.pattern, event))) {
        for (const target of rule.targets) await this.deliver(rule, target, event);
      }
    }
  }

  /** True while deliveries are queued or running. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves when no delivery is queued or running (the Lambda invocations they start are the runtime's to wait for). */
  async idle(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      if (Date.now() > deadline) throw new Error(`local event bus deliveries still running after ${timeoutMs / 1000} s`);
      await Promise.race([Promise.all(this.pending), new Promise((r) => setTimeout(r, 200))]);
    }
  }

  private enqueue(work: () => Promise<void>): void {
    const run = this.queue.then(work).catch((error) => this.log(`events: delivery failed in the emulator: ${(error as Error).stack ?? error}`));
    this.queue = run;
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
    this.options.invoker.track?.(run);
  }

  private rulesOf(region: string): Promise<LoadedRule[]> {
    let loaded = this.rules.get(region);
    if (!loaded) {
      loaded = this.directory.rules(region).then((rules) =>
        rules.flatMap((rule) => {
          if (!rule.eventPattern) return [];
          try {
            return [{ rule, pattern: parseEventPattern(rule.eventPattern) }];
          } catch (error) {
            this.log(`events: rule ${rule.arn} skipped: ${(error as Error).message}`);
            return [];
          }
        }),
      );
      loaded.catch(() => this.rules.delete(region));
      this.rules.set(region, loaded);
    }
    return loaded;
  }

  private async deliver(rule: BusRule, target: RuleTarget, event: EventBridgeEvent): Promise<void> {
    const service = target.Arn.split(':')[2];
    try {
      const input = inputFor(target, event);
      if (service === 'sns') await this.toTopic(rule, target.Arn, input.text);
      else if (service === 'lambda') await this.toFunction(rule, target.Arn, input.json);
      else return this.log(`events: rule ${rule.name}: ${service} target ${target.Arn} is not emulated by the local event bus (moto delivers SQS and Logs targets of PutEvents itself)`);
      this.deliveries.push({ rule: rule.arn, target: target.Arn, eventId: event.id });
    } catch (error) {
      // An emulator fault (moto not answering) is counted too, rather than losing the events after it.
      const reason = error instanceof NotDelivered ? error.message : `the local event bus could not deliver: ${(error as Error).message}`;
      this.log(`events: not delivered from rule ${rule.name} to ${target.Arn}: ${reason}`);
      this.failedDeliveries.push({ source: rule.arn, target: target.Arn, reason, messageId: event.id, time: new Date().toISOString() });
    }
  }

  private request(action: string, resource: string, rule: BusRule) {
    return { principal: 'events.amazonaws.com', action, resource, context: { 'aws:SourceArn': rule.arn, 'aws:SourceAccount': this.options.accountId } };
  }

  /** AWS requires the topic policy, and for an encrypted topic the key policy, to let EventBridge in. */
  private async toTopic(rule: BusRule, topicArn: string, message: string): Promise<void> {
    const attributes = await this.directory.topicAttributes(topicArn).catch((error: Error) => {
      throw new NotDelivered(`could not read the topic's attributes: ${error.message}`);
    });
    const decision = evaluateResourcePolicy(attributes.Policy, this.request('sns:Publish', topicArn, rule));
    if (!decision.allowed) throw new NotDelivered(`the topic's access policy does not let EventBridge publish: ${decision.reason}`);
    const keyId = attributes.KmsMasterKeyId;
    if (keyId) await this.checkKey(rule, keyId, regionOf(topicArn));
    const messageId = await this.directory.publish(topicArn, message);
    await this.sns.deliver({ topicArn, messageId, message });
  }

  private async checkKey(rule: BusRule, keyId: string, region: string): Promise<void> {
    const managed = `the topic is encrypted with an AWS managed key (${keyId}), whose key policy cannot let EventBridge use it; use a customer managed key`;
    if (keyId === 'alias/aws/sns') throw new NotDelivered(managed);
    const key = await this.directory.keyPolicy(keyId, region).catch((error: Error) => {
      throw new NotDelivered(`could not read the policy of the topic's KMS key ${keyId}: ${error.message}`);
    });
    if (key.awsManaged) throw new NotDelivered(managed);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const decision = evaluateResourcePolicy(key.policy, this.request(action, key.keyArn, rule));
      if (!decision.allowed) throw new NotDelivered(`the key policy of the topic's KMS key does not let EventBridge use it: ${decision.reason}`);
    }
  }

  private async toFunction(rule: BusRule, target: string, event: unknown): Promise<void> {
    const [, , , region, account, , name] = target.split(':');
    const functionArn = `arn:aws:lambda:${region}:${account}:function:${name}`;
    const policy = await this.directory.functionPolicy(functionArn).catch((error: Error) => {
      throw new NotDelivered(`could not read the function's resource policy: ${error.message}`);
    });
    const decision = evaluateResourcePolicy(policy, this.request('lambda:InvokeFunction', functionArn, rule));
    if (!decision.allowed) throw new NotDelivered(`the function's resource policy does not let EventBridge invoke it: ${decision.reason}`);
    this.options.invoker.invokeAsync(name, event);
  }
}
