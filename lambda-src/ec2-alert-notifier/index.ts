import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../shared/clients';
import { HandlerError, Logger, createLogger, requireEnv } from '../shared/log';

/**
 * ec2-alert-notifier (seed 002, part 5): EventBridge sends EC2 state changes
 * to an SNS topic, which invokes this function. For each change it looks up
 * the instance's Name tag and type and posts a Slack-compatible message
 * (`{"text": ...}`) to a webhook. The webhook URL is a secret: it lives in an
 * SSM SecureString parameter whose NAME is in WEBHOOK_PARAMETER_NAME, is read
 * at run time (and cached), and never appears in a log line.
 */

export const clients: { ec2: Pick<EC2Client, 'send'>; ssm: Pick<SSMClient, 'send'> } = {
  ec2: new EC2Client(clientConfig()),
  ssm: new SSMClient(clientConfig()),
};

/** Webhook delivery: attempts in all, the first backoff (doubled each time), the timeout of one POST. */
export const delivery = { attempts: 3, baseDelayMs: 1000, timeoutMs: 5000 };

/** How long the webhook URL read from SSM is reused before it is read again (a rotated URL takes effect). */
export const WEBHOOK_CACHE_MS = 5 * 60 * 1000;

const EC2_STATE_CHANGE = 'EC2 Instance State-change Notification';

/** One EC2 state change, from the EventBridge event carried in an SNS message. */
export interface StateChange {
  readonly instanceId: string;
  readonly state: string;
  readonly region?: string;
  readonly account?: string;
  readonly time?: string;
}

export interface InstanceDetails {
  readonly name?: string;
  readonly type?: string;
}

/**
 * The state changes of an SNS event. Anything else (not SNS, a message that
 * is not an EventBridge EC2 state-change event) rejects the whole event.
 */
export function stateChanges(event: unknown): StateChange[] {
  const records = (event as { Records?: unknown })?.Records;
  if (!Array.isArray(records) || records.length === 0) {
    throw new HandlerError('event has no Records: expected an SNS event carrying EventBridge EC2 state-change events');
  }
  return records.map((record, index) => {
    const r = record as { EventSource?: string; Sns?: { Message?: unknown } };
    if (r.EventSource !== 'aws:sns' || typeof r.Sns?.Message !== 'string') {
      throw new HandlerError(`record ${index} is not an SNS notification (EventSource ${r.EventSource})`);
    }
    let message: { source?: unknown; 'detail-type'?: unknown; detail?: { 'instance-id'?: unknown; state?: unknown }; region?: unknown; account?: unknown; time?: unknown };
    try {
      message = JSON.parse(r.Sns.Message);
    } catch {
      throw new HandlerError(`record ${index}: the SNS message is not JSON; expected an EventBridge event`);
    }
    if (message?.source !== 'aws.ec2' || message['detail-type'] !== EC2_STATE_CHANGE) {
      throw new HandlerError(`record ${index} is not an "${EC2_STATE_CHANGE}" from aws.ec2 (source ${String(message?.source)}, detail-type ${String(message?.['detail-type'])})`);
    }
    const instanceId = message.detail?.['instance-id'];
    const state = message.detail?.state;
    if (typeof instanceId !== 'string' || !/^i-[0-9a-f]{8,17}$/.test(instanceId) || typeof state !== 'string' || state === '') {
      throw new HandlerError(`record ${index} has no valid detail.instance-id and detail.state`);
    }
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { instanceId, state, region: text(message.region), account: text(message.account), time: text(message.time) };
  });
}

/** The instance's Name tag and type; unknown fields when EC2 no longer knows it (a quick termination). */
export async function describeInstance(instanceId: string, log: Logger): Promise<InstanceDetails> {
  try {
    const out = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = out.Reservations?.[0]?.Instances?.[0];
    if (!instance) return {};
    return { name: instance.Tags?.find((t) => t.Key === 'Name')?.Value, type: instance.InstanceType };
  } catch (error) {
    log.warn('could not describe the instance; the alert goes out without its name and type', { instanceId, error: (error as Error)?.name });
    return {};
  }
}

/** The Slack-compatible message: one line naming the instance id, name, type and new state. */
export function formatMessage(change: StateChange, details: InstanceDetails): { text: string } {
  const where = [change.region && `in ${change.region}`, change.account && `(account ${change.account})`].filter(Boolean).join(' ');
  const name = details.name ? `"${details.name}"` : '(no Name tag)';
  return {
    text: `:rotating_light: EC2 instance ${change.instanceId} ${name}, type ${details.type ?? 'unknown'}, is now *${change.state}*${where ? ` ${where}` : ''}`,
  };
}

let cachedWebhook: { readonly name: string; readonly url: string; readonly readAt: number } | undefined;

/** Forget the cached webhook URL (tests, or a parameter known to have changed). */
export function clearWebhookCache(): void {
  cachedWebhook = undefined;
}

/** The webhook URL from the SecureString parameter, decrypted; cached for WEBHOOK_CACHE_MS. */
export async function webhookUrl(parameterName: string, now = Date.now()): Promise<string> {
  if (cachedWebhook && cachedWebhook.name === parameterName && now - cachedWebhook.readAt < WEBHOOK_CACHE_MS) return cachedWebhook.url;
  let value: string | undefined;
  try {
    const out = await clients.ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = out.Parameter?.Value;
  } catch (error) {
    if ((error as Error)?.name === 'ParameterNotFound') {
      throw new HandlerError(
        `SSM parameter ${parameterName} does not exist: create it with the webhook URL, e.g. ` +
          `aws ssm put-parameter --name ${parameterName} --type SecureString --value "<webhook URL>"`,
      );
    }
    throw new HandlerError(`could not read SSM parameter ${parameterName}: ${(error as Error)?.name ?? 'error'}`);
  }
  if (!value || !isAllowedWebhookUrl(value)) {
    throw new HandlerError(`SSM parameter ${parameterName} does not hold an https:// URL (plain http:// only to a loopback address, for local tests)`);
  }
  cachedWebhook = { name: parameterName, url: value, readAt: now };
  return value;
}

/** The webhook URL is a bearer secret and alerts name instances: https only, except to loopback (the offline lab's sink). */
export function isAllowedWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Removes a secret (the URL, and its path, which is the secret part of a Slack webhook) from a text. */
export function redact(text: string, url: string): string {
  let out = text.split(url).join('<webhook>');
  try {
    const { pathname, search } = new URL(url);
    const secret = `${pathname}${search}`;
    if (secret.length > 1) out = out.split(secret).join('<webhook path>');
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

/** Why a POST failed, in words that never include the URL. */
function failureReason(error: unknown, url: string): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${delivery.timeoutMs} ms`;
  const detail = e?.cause?.code ?? e?.message ?? String(error);
  return redact(`${e?.name ?? 'Error'}: ${detail}`, url);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs the message, retrying network errors, timeouts, 429 and 5xx answers
 * with exponential backoff (`delivery`). Another 4xx is final: the webhook
 * refuses the message, and sending it again would not change that.
 */
export async function postWithRetry(url: string, message: { text: string }, log: Logger): Promise<{ attempts: number; status: number }> {
  let lastReason = '';
  for (let attempt = 1; attempt <= delivery.attempts; attempt++) {
    let retryable = true;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(delivery.timeoutMs),
      });
      await response.text().catch(() => '');
      if (response.ok) return { attempts: attempt, status: response.status };
      lastReason = `the webhook answered ${response.status}`;
      retryable = response.status === 429 || response.status >= 500;
    } catch (error) {
      lastReason = failureReason(error, url);
    }
    if (!retryable) break;
    if (attempt < delivery.attempts) {
      const delayMs = delivery.baseDelayMs * 2 ** (attempt - 1);
      log.warn('webhook post failed; retrying', { attempt, of: delivery.attempts, reason: lastReason, retryInMs: delayMs });
      await sleep(delayMs);
    }
  }
  throw new HandlerError(`could not post the alert to the webhook: ${lastReason}`, { attempts: delivery.attempts });
}

export async function handler(event: unknown, context: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<{ posted: { instanceId: string; state: string }[] }> {
  const log = createLogger(context.awsRequestId, context.functionName);
  let url: string | undefined;
  try {
    const parameterName = requireEnv('WEBHOOK_PARAMETER_NAME');
    const changes = stateChanges(event);
    url = await webhookUrl(parameterName);
    const posted: { instanceId: string; state: string }[] = [];
    for (const change of changes) {
      const details = await describeInstance(change.instanceId, log);
      const result = await postWithRetry(url, formatMessage(change, details), log);
      log.info('alert posted', { instanceId: change.instanceId, state: change.state, name: details.name, type: details.type, attempts: result.attempts, status: result.status });
      posted.push({ instanceId: change.instanceId, state: change.state });
    }
    return { posted };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const details = error instanceof HandlerError ? error.details : { name: (error as Error)?.name };
    log.error(url ? redact(message, url) : message, details);
    throw error;
  }
}
