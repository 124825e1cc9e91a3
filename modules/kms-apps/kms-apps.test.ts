import { newTestStack, ref, resourcesOf, synthObject } from '../lab-stack/testing';
import { DEFAULT_SCHEMES, KmsApps } from './kms-apps';

type Statement = { sid: string; actions: string[]; resources: string[]; condition?: { variable: string; values: string[] }[] };

/** The statements of the permissions policy of one function's role (construct path pipeline/<fn>/role/permissions). */
function roleStatements(stack: ReturnType<typeof newTestStack>, fn: string): Statement[] {
  const documents = synthObject(stack).data.aws_iam_policy_document as Record<string, { statement?: Statement[] }>;
  const id = Object.keys(documents).find((key) => key.startsWith(`pipeline_${fn}_role_permissions_document_`));
  if (!id) throw new Error(`no permissions document for ${fn}`);
  return documents[id].statement ?? [];
}

function grants(statements: Statement[]): string[] {
  return statements.map((s) => `${s.actions.join('+')} on ${s.resources.join(',').replace(/_[0-9A-F]{8}/g, '')}`).sort();
}

describe('KmsApps', () => {
  function build(props: ConstructorParameters<typeof KmsApps>[2] = {}) {
    const stack = newTestStack();
    const apps = new KmsApps(stack, 'pipeline', props);
    return { stack, apps };
  }

  it('deploys the dispatcher and three apps, each on its own role', () => {
    const { stack } = build();
    expect(resourcesOf(stack, 'aws_lambda_function').map((f) => f.function_name).sort()).toEqual([
      'ctlab-test-lab-lambda-app-1',
      'ctlab-test-lab-lambda-app-2',
      'ctlab-test-lab-lambda-app-3',
      'ctlab-test-lab-random-lambda-call',
    ]);
    expect(resourcesOf(stack, 'aws_iam_role')).toHaveLength(4);
  });

  it('triggers the dispatcher on every object created in the ingest bucket, allowed for that bucket only', () => {
    const { stack } = build();
    expect(resourcesOf(stack, 'aws_s3_bucket_notification')[0]).toMatchObject({
      bucket: ref('aws_s3_bucket', 'pipeline_ingest_bucket', 'id'),
      lambda_function: [{ lambda_function_arn: ref('aws_lambda_function', 'pipeline_random-lambda-call_function', 'arn'), events: ['s3:ObjectCreated:*'] }],
    });
    expect(resourcesOf(stack, 'aws_lambda_permission')[0]).toMatchObject({
      principal: 's3.amazonaws.com',
      source_arn: ref('aws_s3_bucket', 'pipeline_ingest_bucket', 'arn'),
      source_account: '${data.aws_caller_identity.caller.account_id}',
    });
  });

  it('lets the dispatcher invoke exactly the three apps', () => {
    const { stack } = build();
    expect(grants(roleStatements(stack, 'random-lambda-call'))).toEqual([
      'lambda:InvokeFunction on ${aws_lambda_function.pipeline_lambda-app-1_function.arn}',
      'lambda:InvokeFunction on ${aws_lambda_function.pipeline_lambda-app-2_function.arn}',
      'lambda:InvokeFunction on ${aws_lambda_function.pipeline_lambda-app-3_function.arn}',
      'logs:CreateLogStream+logs:PutLogEvents on ${aws_cloudwatch_log_group.pipeline_random-lambda-call_logs.arn}:*',
      'sqs:SendMessage on ${aws_sqs_queue.pipeline_random-lambda-call_failures.arn}',
    ]);
  });

  it('gives each app exactly the KMS calls of its scheme, on the key, for ingest objects only', () => {
    const { stack } = build();
    const kmsOf = (app: string) => roleStatements(stack, app).filter((s) => s.actions[0].startsWith('kms:'));
    expect(kmsOf('lambda-app-1').map((s) => s.actions[0])).toEqual(['kms:GenerateDataKey']);
    expect(kmsOf('lambda-app-2').map((s) => s.actions[0])).toEqual(['kms:Encrypt']);
    expect(kmsOf('lambda-app-3').map((s) => s.actions[0]).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    for (const statement of kmsOf('lambda-app-3')) {
      expect(statement.resources).toEqual([ref('aws_kms_key', 'pipeline_key', 'arn')]);
      expect(statement.condition).toEqual([
        expect.objectContaining({ variable: 'kms:EncryptionContext:cloudtrail-labs:object', values: [expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.pipeline_ingest_bucket_[0-9A-F]+\.bucket\}\/\*$/)] }),
      ]);
    }
    expect(grants(roleStatements(stack, 'lambda-app-1').filter((s) => s.actions[0].startsWith('s3:')))).toEqual([
      's3:GetObject on ${aws_s3_bucket.pipeline_ingest_bucket.arn}/*',
      's3:PutObject on ${aws_s3_bucket.pipeline_encrypted_bucket.arn}/*',
    ]);
  });

  it('lets the instructor choose the culprit', () => {
    const { stack, apps } = build({ schemes: { 'lambda-app-1': 'chunked-encrypt', 'lambda-app-2': 'envelope' } });
    expect(apps.culpritFor(16 * 1024)).toBe('lambda-app-1');
    const scheme = (name: string) =>
      (resourcesOf(stack, 'aws_lambda_function').find((f) => f.function_name === `ctlab-test-lab-${name}`)!.environment as { variables: Record<string, string> }).variables.SCHEME;
    expect([scheme('lambda-app-1'), scheme('lambda-app-2'), scheme('lambda-app-3')]).toEqual(['chunked-encrypt', 'envelope', 'envelope-self-check']);
  });

  it('names lambda-app-2 the culprit by default for objects over 8 KiB, and lambda-app-3 for tiny ones', () => {
    const { apps } = build();
    expect(apps.schemes).toEqual(DEFAULT_SCHEMES);
    expect(apps.culpritFor(16 * 1024)).toBe('lambda-app-2');
    expect(apps.culpritFor(100)).toBe('lambda-app-3');
  });

  it('passes the dispatcher uniform weights by default, and the given ones otherwise', () => {
    const appFunctions = (stack: ReturnType<typeof newTestStack>) =>
      JSON.parse((resourcesOf(stack, 'aws_lambda_function').find((f) => String(f.function_name).endsWith('random-lambda-call'))!.environment as { variables: { APP_FUNCTIONS: string } }).variables.APP_FUNCTIONS);
    expect(appFunctions(build().stack).map((a: { weight: number }) => a.weight)).toEqual([1, 1, 1]);
    expect(appFunctions(build({ weights: { 'lambda-app-3': 5 } }).stack).map((a: { weight: number }) => a.weight)).toEqual([1, 1, 5]);
  });

  it.each([
    [{ schemes: { 'lambda-app-9': 'envelope' } as never }, /schemes: unknown app "lambda-app-9"/],
    [{ schemes: { 'lambda-app-1': 'rot13' } as never }, /"rot13" for lambda-app-1 is not one of envelope, chunked-encrypt, envelope-self-check/],
    [{ weights: { 'lambda-app-1': 0 } }, /weights: lambda-app-1 must be a number above 0, got 0/],
    [{ maxObjectBytes: 0 }, /maxObjectBytes must be a whole number from 1 to 52428800/],
  ])('rejects %p', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
