import { Testing } from 'cdktf';
import { TEST_SETTINGS, resourcesOf, synthObject } from '../../modules/lab-stack/testing';
import { parseSchemes } from './schemes-option';
import { kmsMystery } from './stack';

describe('kms-mystery scenario (seed 000)', () => {
  const stack = kmsMystery.build(Testing.app(), TEST_SETTINGS);

  it('records read and write management events (KMS included) and the three apps\' invocations', () => {
    const selectors = resourcesOf(stack, 'aws_cloudtrail')[0].advanced_event_selector as { name: string; field_selector: { field: string; equals?: string[]; not_equals?: string[] }[] }[];
    expect(selectors.map((s) => s.name)).toEqual(['Management events', 'Lambda invocations']);
    expect(selectors[0].field_selector).toEqual([{ field: 'eventCategory', equals: ['Management'] }]);
    const arns = selectors[1].field_selector.find((f) => f.field === 'resources.ARN')?.equals ?? [];
    expect(arns.map((a) => a.replace(/_[0-9A-F]{8}/, ''))).toEqual([1, 2, 3].map((i) => `\${aws_lambda_function.pipeline_lambda-app-${i}_function.arn}`));
  });

  it('outputs the buckets and functions a student needs, and the expected culprit for the instructor', () => {
    const outputs = synthObject(stack).output as Record<string, { value: unknown; sensitive?: boolean }>;
    expect(Object.keys(outputs).sort()).toEqual(
      ['app_functions', 'app_key_arn', 'athena_database', 'athena_workgroup', 'dispatcher_function', 'encrypted_bucket', 'expected_culprit', 'ingest_bucket', 'trail_bucket', 'trail_name'].sort(),
    );
    expect(outputs.expected_culprit).toMatchObject({ value: 'lambda-app-2', sensitive: true });
  });

  it('moves the culprit when the instructor reassigns the schemes', () => {
    const moved = kmsMystery.build(Testing.app(), { ...TEST_SETTINGS, kmsSchemes: 'lambda-app-3=chunked-encrypt,lambda-app-2=envelope' });
    expect((synthObject(moved).output as Record<string, { value: unknown }>).expected_culprit.value).toBe('lambda-app-3');
  });

  it('passes the policy checks with no finding', () => {
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([]);
  });
});

describe('CTLAB_KMS_SCHEMES', () => {
  it('reads app=scheme pairs', () => {
    expect(parseSchemes(' lambda-app-1=chunked-encrypt , lambda-app-2=envelope ')).toEqual({ 'lambda-app-1': 'chunked-encrypt', 'lambda-app-2': 'envelope' });
    expect(parseSchemes(undefined)).toEqual({});
  });

  it.each([
    ['lambda-app-1', /"lambda-app-1" is not app=scheme/],
    ['lambda-app-4=envelope', /unknown app "lambda-app-4"; the apps are lambda-app-1, lambda-app-2, lambda-app-3/],
    ['lambda-app-1=rot13', /unknown scheme "rot13" for lambda-app-1; the schemes are envelope, chunked-encrypt, envelope-self-check/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSchemes(text)).toThrow(message);
  });
});
