import * as fs from 'node:fs';
import * as path from 'node:path';
import { newTestStack, ref, resourcesOf, statementWithSid } from '../lab-stack/testing';
import { bundleApp, bundleHandler } from './bundle';
import { LAMBDA_SRC, NodejsFunction } from './nodejs-function';

describe('NodejsFunction', () => {
  function build(props: Partial<ConstructorParameters<typeof NodejsFunction>[2]> = {}) {
    const stack = newTestStack();
    const fn = new NodejsFunction(stack, 'app', { name: 'app', handler: 'kms-app', ...props });
    return { stack, fn };
  }

  it('runs the bundled handler on Node.js 20 with source maps, and tracks the code by content hash', () => {
    const { stack, fn } = build();
    const [lambda] = resourcesOf(stack, 'aws_lambda_function');
    expect(lambda).toMatchObject({
      function_name: 'ctlab-test-lab-app',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      timeout: 30,
      memory_size: 256,
      source_code_hash: bundleHandler(path.join(LAMBDA_SRC, 'kms-app', 'index.ts')).hash,
      environment: { variables: { NODE_OPTIONS: '--enable-source-maps' } },
      filename: expect.stringMatching(/^assets\/app_code_[0-9A-F]+\/[0-9A-F]+\/archive\.zip$/),
    });
    expect(fn.bundleBytes).toBeLessThan(20 * 1024);
  });

  it('bundles deterministically: the same source gives the same hash and folder', () => {
    const entry = path.join(LAMBDA_SRC, 'random-lambda-call', 'index.ts');
    const first = bundleHandler(entry);
    fs.rmSync(first.dir, { recursive: true, force: true });
    const { hash } = bundleHandler(entry);
    expect(hash).toBe(first.hash);
    expect(fs.readdirSync(first.dir).sort()).toEqual(['index.js', 'index.js.map']);
  });

  it('keeps the AWS SDK out of the bundle (the runtime provides it)', () => {
    const { dir } = bundleHandler(path.join(LAMBDA_SRC, 'kms-app', 'index.ts'));
    const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    expect(code).toContain('require("@aws-sdk/client-kms")');
    expect(code).toContain('require("@aws-sdk/client-s3")');
  });

  it('bundles an app for a plain Node.js host with the AWS SDK inside, in its own folder', () => {
    const app = bundleApp(path.join(__dirname, '..', 'suspicious-api', 'app', 'server.ts'));
    const code = fs.readFileSync(path.join(app.dir, 'index.js'), 'utf8');
    // Only the optional CRT signer (SigV4a, multi-region access points) stays out, loaded in a try.
    expect((code.match(/require\("@aws-sdk\/[^"]+"\)/g) ?? []).every((r) => r === 'require("@aws-sdk/signature-v4-crt")')).toBe(true);
    expect(code).toContain('RunInstancesCommand');
    expect(app.dir).toMatch(/[/\\]\.build[/\\]app[/\\][0-9a-f]{16}$/);
    expect(() => bundleApp('modules/missing/app.ts')).toThrow(/app entry .*modules\/missing\/app.ts does not exist/);
  });

  it('creates its log group first, with a retention', () => {
    const { stack } = build({ logRetentionDays: 14 });
    expect(resourcesOf(stack, 'aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/aws/lambda/ctlab-test-lab-app', retention_in_days: 14 });
    expect(resourcesOf(stack, 'aws_lambda_function')[0].depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\.app_logs_/)]);
  });

  it('has its own role that may only write its logs and report failed events', () => {
    const { stack } = build();
    expect(statementWithSid(stack, 'AssumedByService').principals).toEqual([{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }]);
    expect(statementWithSid(stack, 'WriteOwnLogs')).toMatchObject({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [ref('aws_cloudwatch_log_group', 'app_logs', 'arn', ':*')] });
    expect(statementWithSid(stack, 'ReportFailedEvents')).toMatchObject({ actions: ['sqs:SendMessage'], resources: [ref('aws_sqs_queue', 'app_failures', 'arn')] });
  });

  it('retries async invocations a bounded number of times, then sends the event to an encrypted queue', () => {
    const { stack } = build({ asyncRetryAttempts: 1 });
    expect(resourcesOf(stack, 'aws_lambda_function_event_invoke_config')[0]).toMatchObject({
      maximum_retry_attempts: 1,
      destination_config: { on_failure: { destination: ref('aws_sqs_queue', 'app_failures', 'arn') } },
    });
    expect(resourcesOf(stack, 'aws_sqs_queue')[0]).toMatchObject({ sqs_managed_sse_enabled: true, name: 'ctlab-test-lab-app-failures' });
  });

  it('passes environment, timeout, memory and reserved concurrency through', () => {
    const { stack } = build({ environment: { MODE: 'x' }, timeoutSeconds: 60, memoryMiB: 512, reservedConcurrency: 2 });
    expect(resourcesOf(stack, 'aws_lambda_function')[0]).toMatchObject({
      timeout: 60,
      memory_size: 512,
      reserved_concurrent_executions: 2,
      environment: { variables: { MODE: 'x', NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  it.each([
    [{ timeoutSeconds: 0 }, 'timeoutSeconds must be a whole number from 1 to 900, got 0'],
    [{ memoryMiB: 64 }, 'memoryMiB must be a whole number from 128 to 10240, got 64'],
    [{ asyncRetryAttempts: 3 }, "asyncRetryAttempts must be 0, 1 or 2 (Lambda's limit), got 3"],
    [{ logRetentionDays: 10 }, /logRetentionDays must be one of 1, 3, 5/],
    [{ handler: '../etc' }, /must be a folder name under lambda-src/],
    [{ handler: 'missing-handler' }, /lambda-src\/missing-handler\/index.ts does not exist/],
  ])('rejects %p', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
