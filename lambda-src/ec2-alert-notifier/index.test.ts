import * as http from 'node:http';
import { clearWebhookCache, clients, delivery, handler, isAllowedWebhookUrl, redact, stateChanges } from './index';

// The notifier against a local HTTP server standing in for the Slack webhook.
const SECRET_PATH = '/services/T0000LAB/B0000LAB/s3cr3tT0k3nThatMustNotLeak';

function snsEvent(...changes: { id: string; state: string; detailType?: string }[]) {
  return {
    Records: changes.map((c) => ({
      EventSource: 'aws:sns',
      Sns: {
        Message: JSON.stringify({
          version: '0',
          source: 'aws.ec2',
          'detail-type': c.detailType ?? 'EC2 Instance State-change Notification',
          account: '123456789012',
          region: 'us-east-1',
          time: '2026-11-25T10:00:00Z',
          detail: { 'instance-id': c.id, state: c.state },
        }),
      },
    })),
  };
}

const context = { awsRequestId: 'req-1', functionName: 'ec2-alert-notifier' };

describe('ec2-alert-notifier', () => {
  let server: http.Server;
  let url: string;
  let received: { body: Record<string, unknown>; contentType?: string }[];
  /** Status codes the webhook answers, in order; 200 once they run out. */
  let answers: number[];
  let logs: string[];
  let ssmCalls: Record<string, unknown>[];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ body: JSON.parse(body), contentType: req.headers['content-type'] });
        const status = answers.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : 'no_service');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}${SECRET_PATH}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received = [];
    answers = [];
    logs = [];
    ssmCalls = [];
    clearWebhookCache();
    delivery.baseDelayMs = 5;
    delivery.timeoutMs = 2000;
    process.env.WEBHOOK_PARAMETER_NAME = '/ctlab/suspicious-api/webhook-url';
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
    clients.ssm = {
      send: async (command: { input: Record<string, unknown> }) => {
        ssmCalls.push(command.input);
        return { Parameter: { Name: command.input.Name, Type: 'SecureString', Value: url } };
      },
    } as unknown as typeof clients.ssm;
    clients.ec2 = {
      send: async (command: { input: { InstanceIds: string[] } }) => ({
        Reservations: [
          { Instances: command.input.InstanceIds.map((id) => ({ InstanceId: id, InstanceType: 't3.micro', Tags: [{ Key: 'Name', Value: 'crypto-miner' }] })) },
        ],
      }),
    } as unknown as typeof clients.ec2;
  });

  afterEach(() => {
    jest.restoreAllMocks();
    // The secret never reaches a log line, whatever the test did.
    const all = logs.join('\n');
    expect(all).not.toContain(url);
    expect(all).not.toContain(SECRET_PATH);
    expect(all).not.toContain('s3cr3tT0k3n');
  });

  it('posts one Slack-compatible message per state change, naming the instance id, name, type and state', async () => {
    const result = await handler(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }), context);
    expect(result).toEqual({ posted: [{ instanceId: 'i-0abc1234def567890', state: 'running' }] });
    expect(received).toHaveLength(1);
    expect(received[0].contentType).toBe('application/json');
    expect(Object.keys(received[0].body)).toEqual(['text']);
    const text = received[0].body.text as string;
    expect(text).toContain('i-0abc1234def567890');
    expect(text).toContain('"crypto-miner"');
    expect(text).toContain('t3.micro');
    expect(text).toContain('*running*');
    expect(text).toContain('us-east-1');
    expect(ssmCalls).toEqual([{ Name: '/ctlab/suspicious-api/webhook-url', WithDecryption: true }]);
    expect(JSON.parse(logs[logs.length - 1])).toMatchObject({ level: 'info', message: 'alert posted', requestId: 'req-1', instanceId: 'i-0abc1234def567890', attempts: 1 });
  });

  it('retries a webhook that fails twice, then succeeds', async () => {
    answers = [503, 500];
    await handler(snsEvent({ id: 'i-0abc1234def567890', state: 'stopped' }), context);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const warnings = logs.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warnings.map((w) => [w.message, w.attempt, w.reason])).toEqual([
      ['webhook post failed; retrying', 1, 'the webhook answered 503'],
      ['webhook post failed; retrying', 2, 'the webhook answered 500'],
    ]);
  });

  it('gives up after three attempts and fails the invocation (Lambda then retries it), without the URL in the error', async () => {
    answers = [500, 500, 500];
    await expect(handler(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }), context)).rejects.toThrow(
      'could not post the alert to the webhook: the webhook answered 500',
    );
    expect(received).toHaveLength(3);
  });

  it('does not retry a webhook that refuses the message (404)', async () => {
    answers = [404];
    await expect(handler(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }), context)).rejects.toThrow('the webhook answered 404');
    expect(received).toHaveLength(1);
  });

  it('retries when the webhook cannot be reached, and never logs its address', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    url = `http://127.0.0.1:${port}${SECRET_PATH}`;
    try {
      await expect(handler(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }), context)).rejects.toThrow(/could not post the alert to the webhook: TypeError: ECONNREFUSED/);
      expect(logs.filter((l) => JSON.parse(l).level === 'warn')).toHaveLength(2);
      // Checked here: the URL is reset below, before afterEach looks at the logs.
      expect(logs.join('\n')).not.toContain(`127.0.0.1:${port}`);
      expect(logs.join('\n')).not.toContain(SECRET_PATH);
    } finally {
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}${SECRET_PATH}`;
    }
  });

  it('reads the parameter once and reuses it for later invocations', async () => {
    await handler(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }), context);
    await handler(snsEvent({ id: 'i-0abc1234def567890', state: 'stopped' }), context);
    expect(ssmCalls).toHaveLength(1);
    expect(received).toHaveLength(2);
  });

  it('still alerts when the instance is already gone, with unknown name and type', async () => {
    clients.ec2 = { send: async () => Promise.reject(Object.assign(new Error('gone'), { name: 'InvalidInstanceID.NotFound' })) } as unknown as typeof clients.ec2;
    await handler(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }), context);
    expect(received[0].body.text).toContain('(no Name tag), type unknown');
  });

  it('says how to create a missing parameter', async () => {
    clients.ssm = { send: async () => Promise.reject(Object.assign(new Error('not found'), { name: 'ParameterNotFound' })) } as unknown as typeof clients.ssm;
    await expect(handler(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }), context)).rejects.toThrow(
      'SSM parameter /ctlab/suspicious-api/webhook-url does not exist: create it with the webhook URL, e.g. aws ssm put-parameter --name /ctlab/suspicious-api/webhook-url --type SecureString --value "<webhook URL>"',
    );
    expect(received).toHaveLength(0);
  });

  it.each([
    [{}, /event has no Records/],
    [{ Records: [{ EventSource: 'aws:sqs', body: '{}' }] }, /record 0 is not an SNS notification/],
    [snsEvent({ id: 'i-0abc1234def567890', state: 'running', detailType: 'AWS API Call via CloudTrail' }), /is not an "EC2 Instance State-change Notification" from aws.ec2/],
    [snsEvent({ id: 'not-an-instance', state: 'running' }), /record 0 has no valid detail.instance-id and detail.state/],
  ])('rejects a malformed event %#, logs it with the request id, and posts nothing', async (event, message) => {
    await expect(handler(event, context)).rejects.toThrow(message);
    expect(received).toHaveLength(0);
    expect(JSON.parse(logs[0])).toMatchObject({ level: 'error', requestId: 'req-1', message: expect.stringMatching(message) });
  });
});

describe('isAllowedWebhookUrl', () => {
  it('takes https URLs, and plain http only to loopback (the offline sink)', () => {
    expect(isAllowedWebhookUrl('https://hooks.slack.com/services/T0/B0/x')).toBe(true);
    expect(isAllowedWebhookUrl('http://127.0.0.1:8080/services/local/x')).toBe(true);
    expect(isAllowedWebhookUrl('http://localhost:8080/x')).toBe(true);
  });

  it('rejects plain http to anywhere else, other schemes and non-URLs', () => {
    expect(isAllowedWebhookUrl('http://hooks.slack.com/services/T0/B0/x')).toBe(false);
    expect(isAllowedWebhookUrl('http://127.0.0.1.evil.example/x')).toBe(false);
    expect(isAllowedWebhookUrl('ftp://hooks.slack.com/x')).toBe(false);
    expect(isAllowedWebhookUrl('hooks.slack.com/services')).toBe(false);
  });
});

describe('stateChanges and redact', () => {
  it('reads every record of an SNS event', () => {
    expect(stateChanges(snsEvent({ id: 'i-0abc1234def567890', state: 'running' }, { id: 'i-0abc1234def567891', state: 'stopped' }))).toEqual([
      { instanceId: 'i-0abc1234def567890', state: 'running', region: 'us-east-1', account: '123456789012', time: '2026-11-25T10:00:00Z' },
      { instanceId: 'i-0abc1234def567891', state: 'stopped', region: 'us-east-1', account: '123456789012', time: '2026-11-25T10:00:00Z' },
    ]);
  });

  it('hides the URL and its path', () => {
    expect(redact('failed for https://hooks.example.com/services/A/B/C and /services/A/B/C', 'https://hooks.example.com/services/A/B/C')).toBe(
      'failed for <webhook> and <webhook path>',
    );
  });
});
