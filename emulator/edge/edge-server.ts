import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { IdentityRegistry } from './identities';
import { Operation, operationOf } from './operation';
import { CallOutcome, buildRecord } from './record';

export interface EdgeOptions {
  /** Where calls go: the moto endpoint. */
  readonly target: string;
  readonly accountId: string;
  readonly identities: IdentityRegistry;
  /**
   * Every call that passed through, as a CloudTrail record. The answer goes
   * back to the caller only after this settles, so a trail change (StopLogging)
   * applies from the very next call.
   */
  readonly onRecord: (record: Record<string, unknown>, op: Operation) => void | Promise<void>;
  /**
   * Answers a call locally instead of forwarding it (Lambda Invoke, which moto
   * cannot run). Return undefined to forward. @default - forward everything
   */
  readonly intercept?: (op: Operation, body: Buffer) => Promise<LocalReply | undefined>;
  /**
   * Runs after a call succeeded, before the caller gets the answer (S3 event
   * notifications, EventBridge and SNS deliveries), with the answer's body
   * (EC2's instance states, the ids that SNS and EventBridge gave). @default - nothing
   */
  readonly afterCall?: (op: Operation, status: number, requestBytes: number, responseBody: Buffer) => Promise<void>;
  /** Told about a call the edge could not complete (it answers 502). @default - ignored */
  readonly onError?: (error: Error) => void;
  /** Largest request body forwarded. @default 64 MiB */
  readonly maxBodyBytes?: number;
}

export interface LocalReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface Edge {
  readonly endpoint: string;
  stop(): Promise<void>;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`request body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Sends a call on to moto byte for byte and returns its answer byte for byte:
 * no decompression (a gzip object keeps its Content-Encoding and checksum), no
 * redirects followed. Only hop-by-hop headers are left out.
 */
function forward(target: string, view: { method: string; url: string; body: Buffer }, headers: http.IncomingHttpHeaders): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  const base = new URL(target);
  const outgoing: http.OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && !['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host'].includes(key)) outgoing[key] = value;
  }
  const hasBody = !['GET', 'HEAD'].includes(view.method.toUpperCase());
  if (hasBody) outgoing['content-length'] = String(view.body.length);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname: base.hostname, port: base.port, method: view.method, path: view.url, headers: { ...outgoing, host: base.host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const kept: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(response.headers)) {
          // A HEAD answer's content-length describes the object (HeadObject's ContentLength): keep it.
          if (value === undefined || ['connection', 'keep-alive', 'transfer-encoding'].includes(key)) continue;
          if (key === 'content-length' && view.method.toUpperCase() !== 'HEAD') continue;
          kept[key] = value;
        }
        resolve({ status: response.statusCode ?? 502, headers: kept, body: Buffer.concat(chunks) });
      });
    });
    request.on('error', reject);
    request.end(hasBody ? view.body : undefined);
  });
}

/** Error code and message from an AWS error body: JSON (`__type`, `message`) or XML (`<Code>`, `<Message>`). */
export function parseError(body: string): { code?: string; message?: string } {
  try {
    const json = JSON.parse(body) as Record<string, string>;
    const type = json.__type ?? json.code ?? json.Code;
    return { code: type?.split('#').pop(), message: json.message ?? json.Message };
  } catch {
    return { code: /<Code>([^<]+)<\/Code>/.exec(body)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1] };
  }
}

function accessDenied(op: Operation): { status: number; headers: Record<string, string>; body: string } {
  const message = `The security token included in the request is invalid: access key ${op.accessKeyId ?? '(none)'} is not known to the local emulator`;
  if (op.service === 's3' || /^(iam|sts|ec2|sns|sqs)$/.test(op.service)) {
    return { status: 403, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${message}</Message></Error>` };
  }
  return { status: 403, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: 'AccessDeniedException', message }) };
}

/**
 * The local AWS edge: an HTTP server on loopback in front of moto. Every call
 * is forwarded unchanged, and becomes a CloudTrail record: a call it cannot
 * parse is forwarded and recorded with what is known, never dropped; a call
 * signed with an unknown access key is refused with AccessDenied and recorded
 * with that errorCode, as AWS would.
 */
export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const limit = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const server = http.createServer(async (req, res) => {
    try {
      const body = await readBody(req, limit);
      const view = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
      const op = operationOf(view);
      const identity = options.identities.resolve(op.accessKeyId);
      const isHead = view.method.toUpperCase() === 'HEAD';
      let reply: { status: number; headers: Record<string, string | string[]>; body: Buffer };
      const local = identity || !op.accessKeyId ? await options.intercept?.(op, body) : undefined;
      if (!identity && op.accessKeyId) {
        const denied = accessDenied(op);
        reply = { status: denied.status, headers: denied.headers, body: Buffer.from(denied.body) };
      } else if (local) {
        reply = local;
      } else {
        reply = await forward(options.target, view, req.headers);
      }
      const text = reply.body.toString('utf8');
      const contentType = String(reply.headers['content-type'] ?? '');
      let json: Record<string, unknown> | undefined;
      if (contentType.includes('json') && text) {
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
      }
      const error = reply.status >= 400 ? parseError(text) : {};
      const outcome: CallOutcome = {
        status: reply.status,
        json,
        xml: contentType.includes('xml') || text.startsWith('<?xml') ? text : undefined,
        errorCode: error.code,
        errorMessage: error.message,
        requestId: String(reply.headers['x-amzn-requestid'] ?? reply.headers['x-amz-request-id'] ?? '') || undefined,
      };
      await options.onRecord(
        buildRecord(op, outcome, {
          accountId: options.accountId,
          identity,
          sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
          userAgent: req.headers['user-agent'],
          host: req.headers.host,
        }),
        op,
      );
      if (reply.status < 400) await options.afterCall?.(op, reply.status, body.length, reply.body);
      res.writeHead(reply.status, { ...reply.headers, ...(isHead && reply.headers['content-length'] ? {} : { 'content-length': String(reply.body.length) }) });
      res.end(isHead ? undefined : reply.body);
    } catch (error) {
      options.onError?.(error as Error);
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`local AWS edge: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
