import {
  AdvancedEventSelector,
  CloudTrailClient,
  DescribeTrailsCommand,
  EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';

/** A trail as the emulator's CloudTrail API describes it: what it records and where it delivers. */
export interface TrailConfig {
  readonly name: string;
  readonly arn: string;
  readonly homeRegion: string;
  readonly bucket: string;
  readonly prefix?: string;
  readonly kmsKeyId?: string;
  readonly multiRegion: boolean;
  readonly includeGlobalServiceEvents: boolean;
  readonly logFileValidation: boolean;
  readonly logging: boolean;
  readonly advanced?: AdvancedEventSelector[];
  readonly basic?: EventSelector[];
}

/** Reads every trail's configuration from the CloudTrail API, not from our own code: a wrong trail gives a wrong result. */
export async function readTrails(client: CloudTrailClient): Promise<TrailConfig[]> {
  const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  const trails: TrailConfig[] = [];
  for (const trail of trailList) {
    if (!trail.TrailARN || !trail.Name || !trail.S3BucketName) continue;
    const [status, selectors] = await Promise.all([
      client.send(new GetTrailStatusCommand({ Name: trail.TrailARN })),
      client.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN })),
    ]);
    trails.push({
      name: trail.Name,
      arn: trail.TrailARN,
      homeRegion: trail.HomeRegion ?? trail.TrailARN.split(':')[3],
      bucket: trail.S3BucketName,
      prefix: trail.S3KeyPrefix || undefined,
      kmsKeyId: trail.KmsKeyId || undefined,
      multiRegion: trail.IsMultiRegionTrail ?? false,
      includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents ?? true,
      logFileValidation: trail.LogFileValidationEnabled ?? false,
      logging: status.IsLogging ?? false,
      advanced: selectors.AdvancedEventSelectors?.length ? selectors.AdvancedEventSelectors : undefined,
      basic: selectors.EventSelectors?.length ? selectors.EventSelectors : undefined,
    });
  }
  return trails;
}

type Event = Record<string, unknown> & { resources?: { type?: string; ARN?: string }[] };

/** The value of an advanced-selector field for an event; data-resource fields come from the data resource. */
function fieldValues(event: Event, field: string): string[] {
  const dataResources = (event.resources ?? []).filter((r) => r.type === 'AWS::S3::Object' || r.type === 'AWS::Lambda::Function');
  switch (field) {
    case 'eventCategory':
      return [String(event.eventCategory)];
    case 'readOnly':
      return [String(event.readOnly)];
    case 'eventSource':
      return [String(event.eventSource)];
    case 'eventName':
      return [String(event.eventName)];
    case 'resources.type':
      return dataResources.map((r) => String(r.type));
    case 'resources.ARN':
      return dataResources.map((r) => String(r.ARN));
    default:
      return [];
  }
}

function matchesAdvanced(event: Event, selector: AdvancedEventSelector): boolean {
  return (selector.FieldSelectors ?? []).every((f) => {
    const values = fieldValues(event, f.Field ?? '');
    const any = (test: (v: string) => boolean) => values.some(test);
    if (f.Equals?.length && !any((v) => f.Equals!.includes(v))) return false;
    if (f.StartsWith?.length && !any((v) => f.StartsWith!.some((p) => v.startsWith(p)))) return false;
    if (f.EndsWith?.length && !any((v) => f.EndsWith!.some((p) => v.endsWith(p)))) return false;
    if (f.NotEquals?.length && any((v) => f.NotEquals!.includes(v))) return false;
    if (f.NotStartsWith?.length && any((v) => f.NotStartsWith!.some((p) => v.startsWith(p)))) return false;
    if (f.NotEndsWith?.length && any((v) => f.NotEndsWith!.some((p) => v.endsWith(p)))) return false;
    return true;
  });
}

function matchesBasic(event: Event, selector: EventSelector): boolean {
  const readWrite = selector.ReadWriteType ?? 'All';
  if (readWrite === 'ReadOnly' && event.readOnly !== true) return false;
  if (readWrite === 'WriteOnly' && event.readOnly === true) return false;
  if (event.eventCategory === 'Management') {
    return (selector.IncludeManagementEvents ?? true) && !(selector.ExcludeManagementEventSources ?? []).includes(String(event.eventSource));
  }
  const resources = fieldValues(event, 'resources.ARN');
  return (selector.DataResources ?? []).some((d) =>
    (d.Values ?? []).some((v) => resources.some((arn) => (d.Type === 'AWS::S3::Object' ? arn.startsWith(v) : arn === v) || v === 'arn:aws:s3' || v === 'arn:aws:lambda')),
  );
}

const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'cloudfront.amazonaws.com', 'sts.amazonaws.com']);

/**
 * The trails that record an event: logging, covering its region (or, for a
 * global service, including global events in their home region), and selecting
 * it with their advanced or basic selectors (none: all management events).
 */
export function trailsRecording(event: Event, trails: TrailConfig[]): TrailConfig[] {
  return trails.filter((trail) => {
    if (!trail.logging) return false;
    const region = String(event.awsRegion);
    const global = GLOBAL_SOURCES.has(String(event.eventSource)) && event.eventSource !== 'sts.amazonaws.com';
    if (global ? !trail.includeGlobalServiceEvents : !trail.multiRegion && region !== trail.homeRegion) return false;
    if (trail.advanced) return trail.advanced.some((s) => matchesAdvanced(event, s));
    if (trail.basic) return trail.basic.some((s) => matchesBasic(event, s));
    return event.eventCategory === 'Management';
  });
}
