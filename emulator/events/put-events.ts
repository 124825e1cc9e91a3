import { Operation } from '../edge/operation';
import { EventBridgeEvent, eventTime } from './types';

/**
 * The events a successful `PutEvents` call put on the default bus, with the
 * ids EventBridge answered; entries for other buses are logged and left out.
 */
export function putEventsEvents(op: Operation, response: string, accountId: string, log: (line: string) => void): EventBridgeEvent[] {
  const entries = (op.params.Entries ?? []) as Record<string, unknown>[];
  let results: { EventId?: string }[] = [];
  try {
    results = (JSON.parse(response) as { Entries?: { EventId?: string }[] }).Entries ?? [];
  } catch {
    return [];
  }
  const events: EventBridgeEvent[] = [];
  entries.forEach((entry, i) => {
    const id = results[i]?.EventId;
    if (!id) return;
    const bus = String(entry.EventBusName ?? 'default');
    if (bus !== 'default' && !bus.endsWith(':event-bus/default')) return log(`events: event ${id} went to bus ${bus}; the local event bus delivers the default bus only`);
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(String(entry.Detail ?? '{}')) as Record<string, unknown>;
    } catch {
      return;
    }
    const given = entry.Time === undefined ? undefined : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : String(entry.Time));
    const time = given && !Number.isNaN(given.getTime()) ? given : new Date();
    events.push({ version: '0', id, 'detail-type': String(entry.DetailType), source: String(entry.Source), account: accountId, time: eventTime(time), region: op.region, resources: (entry.Resources ?? []) as string[], detail });
  });
  return events;
}
