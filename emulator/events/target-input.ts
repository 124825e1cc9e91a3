import { RuleTarget } from './moto-directory';
import { EventBridgeEvent } from './types';

/** A delivery AWS would not make: the reason goes to failedDeliveries. */
export class NotDelivered extends Error {}

/** The value at a JSONPath such as `$.detail` or `$.detail['instance-id']` (undefined when absent). */
export function valueAtPath(event: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new NotDelivered(`InputPath "${path}" does not start with $`);
  let value: unknown = event;
  for (const step of path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step[1] ?? step[2] ?? step[3] ?? step[4]];
  }
  return value;
}

/** What a target receives: the event, its `InputPath` part, or the constant `Input`; as JSON and as text. */
export function inputFor(target: RuleTarget, event: EventBridgeEvent): { json: unknown; text: string } {
  if (target.InputTransformer) throw new NotDelivered('InputTransformer is not supported by the local event bus (Input and InputPath are)');
  if (target.Input !== undefined) {
    try {
      return { json: JSON.parse(target.Input), text: target.Input };
    } catch {
      throw new NotDelivered(`the target's Input is not valid JSON: ${target.Input.slice(0, 80)}`);
    }
  }
  const json = target.InputPath ? (valueAtPath(event, target.InputPath) ?? null) : event;
  return { json, text: JSON.stringify(json) };
}
