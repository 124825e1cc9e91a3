import { Construct } from 'constructs';
import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import {
  CLOUDTRAIL_COLUMNS,
  CLOUDTRAIL_INPUT_FORMAT,
  CLOUDTRAIL_SERDE,
  HIVE_OUTPUT_FORMAT,
  PARTITION_REGION,
  PARTITION_TIMESTAMP,
  hiveType,
} from '../../query/cloudtrail-schema';
import { LabStack } from '../lab-stack/lab-stack';
import { SecureBucket } from '../secure-bucket/secure-bucket';
import { Trail } from '../trail/trail';

/** A query to save in the workgroup (a scenario's `queries/*.sql`). */
export interface NamedQuerySpec {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

export interface AthenaCloudTrailProps {
  /** The trail whose logs the table reads. */
  readonly trail: Trail;
  /**
   * Regions of the region partition (multi-region trails only).
   * @default - the stack's region
   */
  readonly regions?: string[];
  /** First day partition projection covers, YYYY/MM/DD. @default "2025/01/01" */
  readonly projectionStart?: string;
  /** Athena stops a query that would scan more than this. @default 1073741824 (1 GiB, about $0.005) */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Days query results are kept. @default 7 */
  readonly resultsExpirationDays?: number;
  /** Saved queries of the workgroup. @default - none */
  readonly queries?: NamedQuerySpec[];
  /** Let `destroy` delete the results bucket and the workgroup with their contents. @default false */
  readonly forceDestroy?: boolean;
}

const DATE = /^\d{4}\/\d{2}\/\d{2}$/;

/**
 * Athena over a trail's logs: a Glue database and the `cloudtrail_logs` table
 * of the AWS documentation (CloudTrail SerDe, partition projection on the day
 * and, for a multi-region trail, the region, so a query reads only the days
 * and regions it names), and a workgroup whose settings users cannot
 * override: encrypted results that expire, and a per-query scan cutoff.
 */
export class AthenaCloudTrail extends Construct {
  public readonly database: GlueCatalogDatabase;
  public readonly table: GlueCatalogTable;
  public readonly workgroup: AthenaWorkgroup;
  public readonly resultsBucket: SecureBucket;
  public readonly databaseName: string;
  public readonly workgroupName: string;
  public static readonly TABLE_NAME = 'cloudtrail_logs';

  constructor(scope: Construct, id: string, props: AthenaCloudTrailProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    const projectionStart = props.projectionStart ?? '2025/01/01';
    const cutoff = props.bytesScannedCutoffPerQuery ?? 1024 ** 3;
    const regions = props.regions ?? [stack.region];
    if (!DATE.test(projectionStart)) throw new Error(`projectionStart must be YYYY/MM/DD, got "${projectionStart}"`);
    if (!Number.isInteger(cutoff) || cutoff < 10 * 1024 * 1024) {
      throw new Error(`bytesScannedCutoffPerQuery must be a whole number of at least 10485760 (10 MiB, Athena's minimum), got ${cutoff}`);
    }
    for (const region of regions) {
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`regions: "${region}" is not a region code such as us-east-1`);
    }
    const names = new Set<string>();
    for (const query of props.queries ?? []) {
      if (names.has(query.name)) throw new Error(`queries: "${query.name}" is given twice`);
      names.add(query.name);
    }

    this.databaseName = stack.naming.name('logs').replace(/-/g, '_');
    this.database = new GlueCatalogDatabase(this, 'database', {
      name: this.databaseName,
      description: `CloudTrail logs of ${props.trail.trailName}`,
    });

    const prefix = props.trail.s3KeyPrefix ? `${props.trail.s3KeyPrefix}/` : '';
    const base = `s3://${props.trail.bucket.bucketName}/${prefix}AWSLogs/${stack.accountId}/CloudTrail`;
    const multiRegion = props.trail.multiRegion;
    // "$${...}" is Terraform's escape for a literal "${...}", which Athena fills in.
    const template = multiRegion ? `${base}/$\${${PARTITION_REGION}}/$\${${PARTITION_TIMESTAMP}}` : `${base}/${stack.region}/$\${${PARTITION_TIMESTAMP}}`;
    this.table = new GlueCatalogTable(this, 'table', {
      name: AthenaCloudTrail.TABLE_NAME,
      databaseName: this.database.name,
      tableType: 'EXTERNAL_TABLE',
      description: 'CloudTrail log files, with partition projection on the day (and region)',
      parameters: {
        EXTERNAL: 'TRUE',
        'projection.enabled': 'true',
        [`projection.${PARTITION_TIMESTAMP}.type`]: 'date',
        [`projection.${PARTITION_TIMESTAMP}.format`]: 'yyyy/MM/dd',
        [`projection.${PARTITION_TIMESTAMP}.range`]: `${projectionStart},NOW`,
        [`projection.${PARTITION_TIMESTAMP}.interval`]: '1',
        [`projection.${PARTITION_TIMESTAMP}.interval.unit`]: 'DAYS',
        ...(multiRegion ? { [`projection.${PARTITION_REGION}.type`]: 'enum', [`projection.${PARTITION_REGION}.values`]: regions.join(',') } : {}),
        'storage.location.template': template,
      },
      partitionKeys: [
        ...(multiRegion ? [{ name: PARTITION_REGION, type: 'string' }] : []),
        { name: PARTITION_TIMESTAMP, type: 'string' },
      ],
      storageDescriptor: {
        location: multiRegion ? `${base}/` : `${base}/${stack.region}/`,
        inputFormat: CLOUDTRAIL_INPUT_FORMAT,
        outputFormat: HIVE_OUTPUT_FORMAT,
        serDeInfo: { serializationLibrary: CLOUDTRAIL_SERDE, parameters: { 'serialization.format': '1' } },
        columns: CLOUDTRAIL_COLUMNS.map((c) => ({ name: c.name, type: hiveType(c.type) })),
      },
    });

    this.resultsBucket = new SecureBucket(this, 'results', {
      purpose: 'athena-results',
      expirationDays: props.resultsExpirationDays ?? 7,
      noncurrentVersionExpirationDays: 1,
      forceDestroy: props.forceDestroy ?? false,
    });
    this.workgroupName = stack.naming.name('investigate');
    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: this.workgroupName,
      description: `Queries over the ${props.trail.trailName} logs; results expire, scans are capped`,
      forceDestroy: props.forceDestroy ?? false,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    for (const query of props.queries ?? []) {
      new AthenaNamedQuery(this, `query-${query.name}`, {
        name: query.name,
        description: query.description.slice(0, 1024),
        database: this.database.name,
        workgroup: this.workgroup.name,
        query: query.sql,
      });
    }
  }
}
