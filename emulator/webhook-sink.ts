import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** One message a webhook sink received. */
export interface WebhookMessage {
  readonly receivedAt: string;
  readonly contentType?: string;
  /** The body, parsed when it is JSON (a Slack-style `{"text": ...}`), else the text. */
  readonly body: unknown;
}

export interface WebhookSink {
  /** Where to post: give it to the alerting function as its webhook URL. */
  readonly url: string;
  readonly messages: readonly WebhookMessage[];
  /** Answer the next `count` posts with HTTP 500, to exercise retries. */
  failNext(count: number): void;
  stop(): Promise<void>;
}

/**
 * A stand-in for a Slack incoming webhook on loopback: every POST to its URL
 * is kept (and answered `ok`, as Slack does), so an offline run can show the
 * alerts its functions sent. The path holds a random token, like a real
 * webhook URL, so only the configured URL is accepted.
 */
export async function startWebhookSink(token = Math.random().toString(36).slice(2)): Promise<WebhookSink> {
  const messages: WebhookMessage[] = [];
  let failures = 0;
  const path = `/services/local/${token}`;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== path) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no_service');
        return;
      }
      if (failures > 0) {
        failures--;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal_error');
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      messages.push({ receivedAt: new Date().toISOString(), contentType: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    messages,
    failNext: (count) => void (failures = count),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
