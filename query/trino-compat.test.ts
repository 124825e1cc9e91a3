import { DuckDBInstance } from '@duckdb/node-api';
import { TRINO_COMPAT_MACROS } from './trino-compat';

// Each Trino function the queries use, with an input and the output Trino gives for it.
describe('Trino functions on DuckDB', () => {
  let run: (sql: string) => Promise<unknown>;
  let close: () => void;
  beforeAll(async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    for (const statement of TRINO_COMPAT_MACROS) await connection.run(statement);
    run = async (sql) => (await connection.runAndReadAll(`SELECT ${sql} AS v`)).getRowObjectsJson()[0].v;
    close = () => {
      connection.closeSync();
      db.closeSync();
    };
  });
  afterAll(() => close());

  it.each([
    [`from_iso8601_timestamp('2026-11-20T10:00:05Z') > from_iso8601_timestamp('2026-11-20T10:00:04Z')`, true],
    [`CAST(from_iso8601_timestamp('2026-11-20T10:00:05Z') AS VARCHAR)`, '2026-11-20 10:00:05+00'],
    [`json_extract_scalar('{"bucketName":"b","n":{"k":"v"}}', '$.bucketName')`, 'b'],
    [`json_extract_scalar('{"encryptionContext":{"aws:s3:arn":"arn:aws:s3:::b/k"}}', '$.encryptionContext["aws:s3:arn"]')`, 'arn:aws:s3:::b/k'],
    [`json_extract_scalar('{"a":1}', '$.missing')`, null],
    [`CAST(json_extract('{"items":[{"k":"v"}]}', '$.items[0]') AS VARCHAR)`, '{"k":"v"}'],
    [`date_diff('second', from_iso8601_timestamp('2026-11-20T10:00:00Z'), from_iso8601_timestamp('2026-11-20T10:01:30Z'))`, '90'],
    [`regexp_like('random-val-5f1c', '^random-val-[0-9a-f]+$')`, true],
    [`regexp_like('my-bucket', '^random-val-')`, false],
    [`element_at(['a', 'b', 'c'], 2)`, 'b'],
    [`element_at(['a', 'b', 'c'], -1)`, 'c'],
    [`cardinality(['a', 'b'])`, '2'],
  ])('%s', async (expression, expected) => {
    expect(await run(expression)).toEqual(expected);
  });

  it('CROSS JOIN UNNEST over an array of structs', async () => {
    expect(await run(`(SELECT list(r.arn ORDER BY r.arn) FROM (SELECT [{'arn': 'k1'}, {'arn': 'k2'}] AS resources) t CROSS JOIN UNNEST(t.resources) AS u(r))`)).toEqual(['k1', 'k2']);
  });
});
