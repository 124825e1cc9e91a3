/** An event as EventBridge delivers it to targets. */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 to the second, e.g. 2017-10-02T16:24:49Z. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/**
 * A delivery AWS would not make: a policy that does not let the service in,
 * an unsupported target setting. AWS drops it silently and counts it
 * (EventBridge's FailedInvocations, SNS's NumberOfNotificationsFailed).
 */
export interface FailedDelivery {
  /** What was delivering: the rule's or the topic's ARN. */
  readonly source: string;
  /** The target: a topic or function ARN. */
  readonly target: string;
  readonly reason: string;
  /** The EventBridge event id or SNS message id. */
  readonly messageId: string;
  readonly time: string;
}

/** What deliveries need of the local Lambda runtime (LocalLambda has it). */
export interface AsyncInvoker {
  /** An asynchronous (Event) invocation, with the function's retries. */
  invokeAsync(name: string, event: unknown): void;
  /** Counts work started elsewhere as in flight, so the runtime's idle() waits for it. @default - not counted */
  track?(work: Promise<unknown>): void;
}

/** EventBridge's time format: ISO 8601 without milliseconds. */
export function eventTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
