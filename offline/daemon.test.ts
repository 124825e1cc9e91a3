import { serveControl } from './daemon';
import { remoteTarget } from './daemon-client';
import { LocalTarget } from './local-target';
import { SessionInfo } from './session-dir';

describe('the local session control API', () => {
  const calls: string[] = [];
  const target: LocalTarget = {
    edgeEndpoint: 'http://127.0.0.1:1',
    motoEndpoint: 'http://127.0.0.1:2',
    region: 'us-east-1',
    accountId: '123456789012',
    operator: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    setBundles: async (bundles) => void calls.push(`bundles ${Object.keys(bundles).join(',')}`),
    refreshTrails: async () => void calls.push('refresh'),
    idle: async () => [{ function: 'f', error: 'boom' }],
    flush: async () => 7,
    startInstanceApp: async (spec) => ({ instanceId: spec.instanceId, url: 'http://127.0.0.1:3', roleName: 'role' }),
    webhook: async () => ({ url: 'http://127.0.0.1:4/hook', messages: [{ receivedAt: 't', body: { text: 'hi' } }] }),
  };
  let control: { url: string; close(): Promise<void> };
  let stopped = 0;
  beforeAll(async () => (control = await serveControl(target, 'good-token', async () => void stopped++)));
  afterAll(() => control.close());
  const info = (token: string) => ({ ...target, scenario: 'kms-mystery', pid: process.pid, controlUrl: control.url, token, startedAt: '' }) as SessionInfo;

  it('passes each step through to the session', async () => {
    const remote = remoteTarget(info('good-token'));
    await remote.setBundles({ 'ctlab-fn': '/tmp/bundle' });
    await remote.refreshTrails();
    expect(await remote.idle()).toEqual([{ function: 'f', error: 'boom' }]);
    expect(await remote.flush()).toBe(7);
    expect(await remote.startInstanceApp({ instanceId: 'i-1', entry: '/app.js', env: {} })).toEqual({ instanceId: 'i-1', url: 'http://127.0.0.1:3', roleName: 'role' });
    expect((await remote.webhook()).messages).toEqual([{ receivedAt: 't', body: { text: 'hi' } }]);
    expect(calls).toEqual(['bundles ctlab-fn', 'refresh']);
  });

  it('refuses a caller without the session token', async () => {
    await expect(remoteTarget(info('wrong')).flush()).rejects.toThrow('the local session refused "flush": wrong or missing session token');
  });

  it('rejects an unknown action, listing the valid ones', async () => {
    const response = await fetch(`${control.url}/explode`, { method: 'POST', headers: { 'x-ctlab-token': 'good-token' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'unknown action "explode"; actions: bundles, refresh-trails, idle, flush, instance-app, webhook, stop' });
    expect(stopped).toBe(0);
  });

  it('answers stop first, then stops the session', async () => {
    const response = await fetch(`${control.url}/stop`, { method: 'POST', headers: { 'x-ctlab-token': 'good-token' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(1);
  });

  it('says which session did not answer when it is gone', async () => {
    const gone = { ...info('good-token'), controlUrl: 'http://127.0.0.1:9' };
    await expect(remoteTarget(gone).flush()).rejects.toThrow(`the local session for kms-mystery (process ${process.pid}) did not answer "flush"`);
  });
});
