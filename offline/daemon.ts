import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { InstanceAppSpec } from '../emulator/instance-apps';
import { inProcessTarget, LocalTarget } from './local-target';
import { LOCAL_ACCOUNT, LocalSession, startLocalSession } from './session';
import { SessionInfo, digestKeyDir, sessionPaths, writeJson } from './session-dir';

/** The actions of the control API, each a POST with a JSON body and answer. */
export type ControlAction = 'bundles' | 'refresh-trails' | 'idle' | 'flush' | 'instance-app' | 'webhook' | 'stop';

async function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * Serves a session's control API on loopback: the step commands register
 * Lambda bundles, wait for invocations, flush delivery and stop the session
 * through it. Every call needs the session's token.
 */
export async function serveControl(target: LocalTarget, token: string, stop: () => Promise<void>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-ctlab-token'] !== token) return reply(403, { error: 'wrong or missing session token' });
    const action = (req.url ?? '').replace(/^\//, '') as ControlAction;
    try {
      const body = await readJsonBody(req);
      switch (action) {
        case 'bundles':
          await target.setBundles(body.bundles as Record<string, string>);
          return reply(200, {});
        case 'refresh-trails':
          await target.refreshTrails();
          return reply(200, {});
        case 'idle':
          return reply(200, { failures: await target.idle() });
        case 'flush':
          return reply(200, { delivered: await target.flush() });
        case 'instance-app':
          return reply(200, await target.startInstanceApp(body.spec as unknown as InstanceAppSpec));
        case 'webhook':
          return reply(200, await target.webhook());
        case 'stop':
          // Stop once the answer is out: closing connections first could cut it off.
          res.on('finish', () => void stop());
          return reply(200, {});
        default:
          return reply(404, { error: `unknown action "${action}"; actions: bundles, refresh-trails, idle, flush, instance-app, webhook, stop` });
      }
    } catch (error) {
      return reply(500, { error: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The background process of a local session (`deploy --local` starts it):
 * moto, the edge, CloudTrail delivery and the Lambda runtime, until `stop`
 * through the control API, SIGTERM or SIGINT. It writes session.json when it
 * is up; everything it prints goes to daemon.log.
 */
export async function runDaemon(root: string, scenario: string, region: string): Promise<void> {
  const paths = sessionPaths(root, scenario);
  const bundles = new Map<string, string>();
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  let session: LocalSession | undefined;
  let control: { url: string; close(): Promise<void> } | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log('stopping: delivering what is left, then stopping the emulator');
      await control?.close();
      await session?.stop();
      log('stopped');
      process.exit(0);
    })());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());

  session = await startLocalSession({ region, bundles, deliveryIntervalSeconds: 5, onLog: log, digestKeyDir: digestKeyDir(root) });
  const token = randomBytes(16).toString('hex');
  control = await serveControl(inProcessTarget(session, bundles), token, stop);
  const info: SessionInfo = {
    scenario,
    pid: process.pid,
    controlUrl: control.url,
    token,
    edgeEndpoint: session.edge.endpoint,
    motoEndpoint: session.moto.endpoint,
    region,
    accountId: LOCAL_ACCOUNT,
    operator: session.operator,
    startedAt: new Date().toISOString(),
  };
  writeJson(paths.info, info);
  log(`up: edge ${info.edgeEndpoint}, moto ${info.motoEndpoint}, control ${info.controlUrl}`);
}

if (require.main === module) {
  const [root, scenario, region] = process.argv.slice(2);
  runDaemon(root, scenario, region).catch((error: Error) => {
    process.stderr.write(`local session failed to start: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
