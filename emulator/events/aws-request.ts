import { createHash, createHmac } from 'node:crypto';
import { parseError } from '../edge/edge-server';

/**
 * Signed calls to the JSON and Query APIs that the project has no SDK client
 * for (EventBridge, SNS, EC2): the local event bus reads moto with them, and
 * tests make calls through the edge with them. Signature Version 4, as the
 * SDKs sign: the edge reads the caller's access key from it, moto the service.
 */
export interface AwsTarget {
  /** moto or the edge. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsTarget['credentials'];
  /** @default - now */
  readonly date?: Date;
}

/** An AWS API error answer, with its code. */
export class AwsApiError extends Error {
  constructor(readonly operation: string, readonly status: number, readonly code: string | undefined, message: string | undefined) {
    super(`${operation} failed (HTTP ${status}${code ? `, ${code}` : ''}): ${message ?? 'no message'}`);
    this.name = 'AwsApiError';
  }
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The headers to send, `authorization` and `x-amz-date` added. */
export function signRequest(input: SignInput): Record<string, string> {
  const amzDate = (input.date ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...lowerKeys(input.headers), host: input.url.host, 'x-amz-date': amzDate };
  const names = Object.keys(headers).sort();
  const query = [...input.url.searchParams.entries()]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const canonical = [input.method, input.url.pathname || '/', query, ...names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}`), '', names.join(';'), sha256(input.body)].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = [input.region, input.service, 'aws4_request'].reduce<Buffer>((k, part) => hmac(k, part), hmac(`AWS4${input.credentials.secretAccessKey}`, day));
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

async function send(target: AwsTarget, service: string, operation: string, headers: Record<string, string>, body: string): Promise<string> {
  const url = new URL('/', target.endpoint);
  const signed = signRequest({ method: 'POST', url, headers, body, service, region: target.region, credentials: target.credentials });
  const { host: _host, ...sent } = signed;
  const response = await fetch(url, { method: 'POST', headers: sent, body });
  const text = await response.text();
  if (response.status >= 400) {
    const error = parseError(text);
    throw new AwsApiError(`${service} ${operation}`, response.status, error.code, error.message ?? text.slice(0, 200));
  }
  return text;
}

/** A JSON-protocol call (`X-Amz-Target: <prefix>.<operation>`), e.g. EventBridge's `AWSEvents.ListRules`. */
export async function jsonCall<T = Record<string, unknown>>(target: AwsTarget, service: string, targetPrefix: string, operation: string, body: object): Promise<T> {
  const text = await send(target, service, operation, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${targetPrefix}.${operation}` }, JSON.stringify(body));
  return (text ? JSON.parse(text) : {}) as T;
}

/** A Query-protocol call (form-encoded `Action`), e.g. SNS `Publish` or EC2 `RunInstances`; the XML answer as text. */
export function queryCall(target: AwsTarget, service: string, version: string, action: string, params: Record<string, string | number | undefined> = {}): Promise<string> {
  const form = new URLSearchParams({ Action: action, Version: version });
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, String(v));
  return send(target, service, action, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, form.toString());
}

/** XML text with its five entities and character references decoded. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|quot|apos|lt|gt|amp);/gi, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' } as Record<string, string>)[e.toLowerCase()];
  });
}

/** The decoded text of each `<tag>...</tag>` element (no nesting of the same tag), in order. */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => unescapeXml(m[1]));
}

/** The raw inner XML of each `<tag>...</tag>` block, for reading fields of list members. */
export function xmlBlocks(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
}
