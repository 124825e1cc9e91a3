import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { EC2Client } from '@aws-sdk/client-ec2';
import { clientConfig } from '../../../lambda-src/shared/clients';
import { createLogger } from '../../../lambda-src/shared/log';
import { CatApi, createApp } from './app';
import { AppConfig, readConfig } from './config';

/**
 * The cat API's HTTP server (node:http, no framework) and its entry point:
 * `node index.js` reads the configuration from the environment (see
 * config.ts), creates the SDK clients once, and serves until SIGTERM.
 */

/** An HTTP server that hands every request to the app. */
export function createServer(app: CatApi): http.Server {
  return http.createServer((req, res) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : randomUUID();
    // The API takes no request bodies: anything sent is drained and ignored.
    req.resume();
    app.handle({ method: req.method ?? 'GET', path: req.url ?? '/', requestId }).then(
      (response) => {
        res.writeHead(response.status, { ...response.headers, 'x-request-id': requestId });
        res.end(response.body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal error\n');
      },
    );
  });
}

/** SDK clients for the configuration: AWS, or the endpoint in AWS_ENDPOINT_URL (path-style S3). */
export function createClients(config: AppConfig): { s3: S3Client; ec2: EC2Client } {
  const base = { ...clientConfig(), region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) };
  return { s3: new S3Client({ ...base, forcePathStyle: base.forcePathStyle ?? Boolean(config.endpoint) }), ec2: new EC2Client(base) };
}

/** Starts the server; resolves once it listens. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<http.Server> {
  const config = readConfig(env);
  const app = createApp({ ...createClients(config), config });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const log = createLogger('startup', 'suspicious-api');
  log.info('listening', {
    address: typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address),
    region: config.region,
    endpoint: config.endpoint,
    minerLifetimeMinutes: config.minerLifetimeMinutes,
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}

if (require.main === module) {
  main().catch((error) => {
    createLogger('startup', 'suspicious-api').error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
