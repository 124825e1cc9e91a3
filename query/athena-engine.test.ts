import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { EMULATOR_CREDENTIALS, MotoServer, motoAvailable, startMoto } from '../emulator/moto-server';
import { costOf, runAthenaQuery } from './athena-engine';

/** A stand-in Athena client that answers from a script, for the states moto cannot produce. */
function scriptedClient(states: { State: string; StateChangeReason?: string; AthenaError?: { ErrorMessage: string } }[]) {
  const sent: string[] = [];
  let polls = 0;
  const client = {
    send: async (command: { constructor: { name: string } }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push(name);
      if (name === 'StartQueryExecution') return { QueryExecutionId: 'q-1' };
      if (name === 'GetQueryExecution') return { QueryExecution: { Status: states[Math.min(polls++, states.length - 1)] } };
      return {};
    },
  } as unknown as AthenaClient;
  return { client, sent };
}

const options = { workgroup: 'wg', database: 'db', timeoutMs: 10_000, pollMs: 1 };

describe('Athena engine', () => {
  it("prints Athena's reason when a query fails", async () => {
    const { client } = scriptedClient([{ State: 'RUNNING' }, { State: 'FAILED', AthenaError: { ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved" } }]);
    await expect(runAthenaQuery(client, 'SELECT x', options)).rejects.toThrow("Athena query q-1 failed: COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved");
  });

  it('prints the reason of a cancelled query', async () => {
    const { client } = scriptedClient([{ State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' }]);
    await expect(runAthenaQuery(client, 'SELECT 1', options)).rejects.toThrow('Athena query q-1 cancelled: Query cancelled by user');
  });

  it('stops the query in Athena when it runs past the timeout', async () => {
    const { client, sent } = scriptedClient([{ State: 'RUNNING' }]);
    await expect(runAthenaQuery(client, 'SELECT 1', { ...options, timeoutMs: 30 })).rejects.toThrow('the query did not finish within 0.03 s; stopped query q-1 in Athena');
    expect(sent.at(-1)).toBe('StopQueryExecution');
  });

  it('stops the query in Athena on Ctrl-C', async () => {
    const { client, sent } = scriptedClient([{ State: 'QUEUED' }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(runAthenaQuery(client, 'SELECT 1', { ...options, signal: controller.signal })).rejects.toThrow('interrupted; stopped query q-1 in Athena');
    expect(sent).toContain('StopQueryExecution');
  });

  it('pages through results, dropping the header row of the first page only', async () => {
    const col = (Name: string, Type: string) => ({ Name, Type });
    const pages = [
      { ResultSet: { ResultSetMetadata: { ColumnInfo: [col('caller', 'varchar'), col('n', 'bigint')] }, Rows: [{ Data: [{ VarCharValue: 'caller' }, { VarCharValue: 'n' }] }, { Data: [{ VarCharValue: 'a' }, { VarCharValue: '3' }] }] }, NextToken: 'p2' },
      { ResultSet: { ResultSetMetadata: { ColumnInfo: [col('caller', 'varchar'), col('n', 'bigint')] }, Rows: [{ Data: [{ VarCharValue: 'caller' }, { VarCharValue: '1' }] }] } },
    ];
    let page = 0;
    const tokens: (string | undefined)[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: { NextToken?: string } }) => {
        const name = command.constructor.name;
        if (name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q-2' };
        if (name === 'GetQueryExecutionCommand') return { QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 2 * 1024 * 1024 } } };
        tokens.push(command.input.NextToken);
        return pages[page++];
      },
    } as unknown as AthenaClient;
    const result = await runAthenaQuery(client, 'SELECT 1', options);
    expect(tokens).toEqual([undefined, 'p2']);
    // A data row that happens to equal a column name on a later page is kept.
    expect(result.rows).toEqual([{ caller: 'a', n: 3 }, { caller: 'caller', n: 1 }]);
    expect(result.notes).toEqual(['Athena query q-2: 2.00 MiB scanned, about $0.000050']);
  });

  it('prices scans at $5 per TB with the 10 MB minimum', () => {
    expect(costOf(0)).toBeCloseTo(0.00005, 8);
    expect(costOf(1e12)).toBe(5);
  });

  describe('against moto', () => {
    let moto: MotoServer | undefined;
    beforeAll(async () => {
      if (!(await motoAvailable())) return;
      moto = await startMoto();
      Object.assign(process.env, EMULATOR_CREDENTIALS);
    }, 60_000);
    afterAll(async () => moto?.stop());

    it('starts, polls and pages through the results, typing numbers', async () => {
      if (!moto) return;
      const seeded = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, {
        method: 'POST',
        body: JSON.stringify({
          region: 'us-east-1',
          results: [
            {
              rows: [{ Data: [{ VarCharValue: 'caller' }, { VarCharValue: 'kms_calls' }] }, { Data: [{ VarCharValue: 'app-2' }, { VarCharValue: '8' }] }, { Data: [{ VarCharValue: 'app-1' }, {}] }],
              column_info: [
                { CatalogName: 'hive', SchemaName: '', TableName: '', Name: 'caller', Label: 'caller', Type: 'varchar', Precision: 0, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: true },
                { CatalogName: 'hive', SchemaName: '', TableName: '', Name: 'kms_calls', Label: 'kms_calls', Type: 'bigint', Precision: 0, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: false },
              ],
            },
          ],
        }),
      });
      expect(seeded.status).toBe(201);
      const client = new AthenaClient({ endpoint: moto.endpoint, region: 'us-east-1' });
      await client.send(new CreateWorkGroupCommand({ Name: 'wg' }));
      const result = await runAthenaQuery(client, 'SELECT caller, count(*) AS kms_calls FROM cloudtrail_logs GROUP BY 1', options);
      expect(result.columns).toEqual(['caller', 'kms_calls']);
      expect(result.rows).toEqual([
        { caller: 'app-2', kms_calls: 8 },
        { caller: 'app-1', kms_calls: null },
      ]);
      expect(result.notes[0]).toMatch(/^Athena query [\w-]+: [\d.]+ MiB scanned, about \$[\d.]+$/);
    });
  });
});
