import { randomUUID } from 'node:crypto';
import { EventBridgeEvent, eventTime } from './types';
import { xmlValues } from '../xml';

/** The states an instance passes through after each call, as EventBridge reports them. */
const TRANSITIONS: Readonly<Record<string, readonly [string, string]>> = {
  RunInstances: ['pending', 'running'],
  StartInstances: ['pending', 'running'],
  StopInstances: ['stopping', 'stopped'],
  TerminateInstances: ['shutting-down', 'terminated'],
};

export const EC2_STATE_CHANGE = 'EC2 Instance State-change Notification';

export interface StateChangeContext {
  readonly accountId: string;
  readonly region: string;
  /** @default - now */
  readonly now?: Date;
}

/** Whether an EC2 operation changes instance states (and so its answer should be read). */
export function changesInstanceState(operation: string): boolean {
  return operation in TRANSITIONS;
}

/**
 * Each instance's id and state before the call, from the XML answer of an EC2
 * call: RunInstances lists `instancesSet` items without a previous state; the
 * others list `instanceId`, `currentState` and `previousState` per instance.
 */
function instancesOf(responseXml: string): { id: string; previous?: string }[] {
  const pieces = responseXml.split('<instanceId>').slice(1);
  const seen = new Set<string>();
  const instances: { id: string; previous?: string }[] = [];
  for (const piece of pieces) {
    const id = piece.slice(0, piece.indexOf('</instanceId>'));
    if (!/^i-[0-9a-f]+$/.test(id) || seen.has(id)) continue;
    seen.add(id);
    const previous = /<previousState>([\s\S]*?)<\/previousState>/.exec(piece)?.[1];
    instances.push({ id, previous: previous ? xmlValues(previous, 'name')[0] : undefined });
  }
  return instances;
}

/**
 * The "EC2 Instance State-change Notification" events EventBridge emits after
 * a successful RunInstances, StartInstances, StopInstances or
 * TerminateInstances: one per instance and state passed through, in order
 * (RunInstances: every instance pending, then every instance running). An
 * instance already in the final state (stopping a stopped instance) changes
 * nothing and emits nothing.
 */
export function ec2StateChangeEvents(operation: string, responseXml: string, context: StateChangeContext): EventBridgeEvent[] {
  const states = TRANSITIONS[operation];
  if (!states) return [];
  const time = eventTime(context.now);
  const changed = instancesOf(responseXml).filter((instance) => instance.previous !== states[1]);
  return states.flatMap((state) =>
    changed.map((instance) => ({
      version: '0' as const,
      id: randomUUID(),
      'detail-type': EC2_STATE_CHANGE,
      source: 'aws.ec2',
      account: context.accountId,
      time,
      region: context.region,
      resources: [`arn:aws:ec2:${context.region}:${context.accountId}:instance/${instance.id}`],
      detail: { 'instance-id': instance.id, state },
    })),
  );
}
