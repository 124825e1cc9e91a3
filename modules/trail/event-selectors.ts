import { CloudtrailAdvancedEventSelector, CloudtrailAdvancedEventSelectorFieldSelector } from '@cdktf/provider-aws/lib/cloudtrail';
import { SecureBucket } from '../secure-bucket/secure-bucket';

/** Which events of a kind to record. */
export type ReadWrite = 'All' | 'ReadOnly' | 'WriteOnly';

/** S3 object-level events for one bucket. */
export interface S3DataEvents {
  readonly bucket: SecureBucket;
  /** @default 'All' */
  readonly access?: ReadWrite;
}

/** A Lambda function whose `Invoke` calls a trail records. */
export interface DataEventFunction {
  readonly functionArn: string;
}

function readOnlySelector(access: ReadWrite): CloudtrailAdvancedEventSelectorFieldSelector[] {
  if (access === 'All') return [];
  return [{ field: 'readOnly', equalTo: [access === 'ReadOnly' ? 'true' : 'false'] }];
}

/** The advanced selector for management events, or none when they are not wanted. */
export function managementEventSelector(access: ReadWrite | 'None', excludedSources: string[]): CloudtrailAdvancedEventSelector | undefined {
  if (access === 'None') return undefined;
  return {
    name: 'Management events',
    fieldSelector: [
      { field: 'eventCategory', equalTo: ['Management'] },
      ...readOnlySelector(access),
      ...(excludedSources.length > 0 ? [{ field: 'eventSource', notEquals: excludedSources }] : []),
    ],
  };
}

/** One selector per S3 access mode (buckets grouped), and one for the Lambda functions. */
export function dataEventSelectors(s3: S3DataEvents[], functions: DataEventFunction[]): CloudtrailAdvancedEventSelector[] {
  const selectors: CloudtrailAdvancedEventSelector[] = [];
  for (const access of ['All', 'ReadOnly', 'WriteOnly'] as ReadWrite[]) {
    const buckets = s3.filter((b) => (b.access ?? 'All') === access);
    if (buckets.length === 0) continue;
    selectors.push({
      name: `S3 object events (${access})`,
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
        { field: 'resources.ARN', startsWith: buckets.map((b) => `${b.bucket.bucketArn}/`) },
        ...readOnlySelector(access),
      ],
    });
  }
  if (functions.length > 0) {
    selectors.push({
      name: 'Lambda invocations',
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::Lambda::Function'] },
        { field: 'resources.ARN', equalTo: functions.map((f) => f.functionArn) },
      ],
    });
  }
  return selectors;
}
