import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLOUDTRAIL_COLUMNS, duckViewType } from './cloudtrail-schema';
import { LocalEngine, defaultCacheFile } from './local-engine';
import { byRole, byUser, record, writeDelivered } from './testing/fixtures';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-logs-'));
}

describe('LocalEngine', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('exposes cloudtrail_logs with the Athena columns and types, plus the partition columns', async () => {
    const dir = newDir();
    writeDelivered(dir, '2026-11-20', [record({ eventName: 'ListBuckets' })]);
    const engine = await LocalEngine.open({ logs: dir });
    try {
      const described = await engine.query(`SELECT column_name, column_type FROM (DESCRIBE cloudtrail_logs)`);
      const expected = [...CLOUDTRAIL_COLUMNS.map((c) => [c.name, duckViewType(c.type).replace(/"/g, '')]), ['timestamp', 'VARCHAR'], ['region', 'VARCHAR']];
      expect(described.rows.map((r) => [r.column_name, String(r.column_type).replace(/"/g, '')])).toEqual(expected);
    } finally {
      engine.close();
    }
  });

  it('reads nested fields by their Athena names, JSON columns as text, and missing fields as nulls', async () => {
    const dir = newDir();
    writeDelivered(dir, '2026-11-20', [
      byRole('app-role', { eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', requestParameters: { keyId: 'k', encryptionContext: { a: 'b' } }, readOnly: true }),
      { eventTime: '2026-11-20T10:00:05Z' },
    ]);
    const engine = await LocalEngine.open({ logs: dir });
    try {
      const { rows } = await engine.query(
        `SELECT useridentity.sessioncontext.sessionissuer.username AS u, requestparameters, readonly, eventname, "timestamp", region FROM cloudtrail_logs ORDER BY eventtime`,
      );
      expect(rows).toEqual([
        { u: 'app-role', requestparameters: '{"keyId":"k","encryptionContext":{"a":"b"}}', readonly: 'true', eventname: 'Decrypt', timestamp: '2026/11/20', region: 'us-east-1' },
        { u: null, requestparameters: null, readonly: null, eventname: null, timestamp: '2026/11/20', region: 'us-east-1' },
      ]);
    } finally {
      engine.close();
    }
  });

  it('reads plain .json files of {"Records": [...]} too, dating them by eventTime', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'export.json'), JSON.stringify({ Records: [byUser('alice', { eventName: 'CreateBucket', eventTime: '2026-10-01T08:00:00Z' })] }));
    const engine = await LocalEngine.open({ logs: dir });
    try {
      expect((await engine.query(`SELECT eventname, "timestamp" FROM cloudtrail_logs`)).rows).toEqual([{ eventname: 'CreateBucket', timestamp: '2026/10/01' }]);
    } finally {
      engine.close();
    }
  });

  it('does not read files outside --from/--to, as partition projection would not', async () => {
    const dir = newDir();
    writeDelivered(dir, '2026-11-18', [record({ eventName: 'Early' })]);
    writeDelivered(dir, '2026-11-20', [record({ eventName: 'Inside', eventTime: '2026-11-20T10:00:00Z' })]);
    const corruptOutside = path.join(path.dirname(writeDelivered(dir, '2026-11-25', [])), 'broken.json.gz');
    fs.writeFileSync(corruptOutside, 'not gzip at all');
    const engine = await LocalEngine.open({ logs: dir, from: '2026-11-19', to: '2026-11-21' });
    try {
      expect((await engine.query(`SELECT eventname FROM cloudtrail_logs`)).rows).toEqual([{ eventname: 'Inside' }]);
      expect(engine.logFiles.map((f) => f.day)).toEqual(['2026/11/20']);
      expect(engine.notes).toEqual(['reading 1 of 4 log files: the others are outside 2026-11-19 to 2026-11-21']);
    } finally {
      engine.close();
    }
  });

  it('skips a corrupt or truncated .json.gz, naming it, and answers from the rest', async () => {
    const dir = newDir();
    writeDelivered(dir, '2026-11-20', [record({ eventName: 'Good' })]);
    const truncated = writeDelivered(dir, '2026-11-20', [record({ eventName: 'Lost' })]);
    fs.writeFileSync(truncated, gzipSync(JSON.stringify({ Records: [record({ eventName: 'Lost' })] })).subarray(0, 40));
    const engine = await LocalEngine.open({ logs: dir });
    try {
      expect((await engine.query(`SELECT eventname FROM cloudtrail_logs`)).rows).toEqual([{ eventname: 'Good' }]);
      expect(engine.notes[0]).toContain(`skipped corrupt or truncated log file ${truncated}`);
      expect(engine.notes[1]).toBe('1 of 2 log files skipped as corrupt or truncated');
    } finally {
      engine.close();
    }
  });

  it('skips a large file whose JSON breaks off, naming it', async () => {
    const dir = newDir();
    writeDelivered(dir, '2026-11-20', [record({ eventName: 'Good' })]);
    const cut = writeDelivered(dir, '2026-11-20', [], { gzip: false });
    const big = JSON.stringify({ Records: Array.from({ length: 4000 }, () => record({ eventName: 'Lost', requestParameters: { pad: 'x'.repeat(300) } })) });
    fs.writeFileSync(cut, big.slice(0, big.length - 5000));
    const engine = await LocalEngine.open({ logs: dir });
    try {
      expect((await engine.query(`SELECT eventname FROM cloudtrail_logs`)).rows).toEqual([{ eventname: 'Good' }]);
      expect(engine.notes[0]).toContain(`skipped corrupt or truncated log file ${cut}`);
    } finally {
      engine.close();
    }
  });

  it('fails on a corrupt file with --strict, naming it', async () => {
    const dir = newDir();
    const bad = writeDelivered(dir, '2026-11-20', []);
    fs.writeFileSync(bad, '{"Records": [');
    await expect(LocalEngine.open({ logs: dir, strict: true })).rejects.toThrow(`corrupt log file ${bad}`);
  });

  it('answers zero rows from an empty folder, with a note', async () => {
    const dir = newDir();
    const engine = await LocalEngine.open({ logs: dir });
    try {
      const result = await engine.query(`SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1`);
      expect(result.rows).toEqual([]);
      expect(result.notes).toEqual([`no CloudTrail log files (*.json.gz, *.json) under ${dir}: every query answers zero rows`]);
    } finally {
      engine.close();
    }
  });

  it('rejects a logs path that is not a folder', async () => {
    await expect(LocalEngine.open({ logs: '/nonexistent/logs' })).rejects.toThrow('--logs /nonexistent/logs is not a folder');
  });

  it('ingests once into a cache file, reuses it, and re-ingests when the files change', async () => {
    const dir = newDir();
    const cacheFile = path.join(newDir(), 'cache.duckdb');
    writeDelivered(dir, '2026-11-20', [record({ eventName: 'One' })]);
    const first = await LocalEngine.open({ logs: dir, cacheFile });
    expect((await first.query(`SELECT count(*) AS n FROM cloudtrail_logs`)).rows).toEqual([{ n: 1 }]);
    expect(first.notes[0]).toMatch(/^ingesting 1 log files into/);
    first.close();

    const second = await LocalEngine.open({ logs: dir, cacheFile });
    expect(second.notes).toEqual([]);
    second.close();

    writeDelivered(dir, '2026-11-21', [record({ eventName: 'Two', eventTime: '2026-11-21T10:00:00Z' })]);
    const third = await LocalEngine.open({ logs: dir, cacheFile, from: '2026-11-21' });
    try {
      expect(third.notes[0]).toBe('log files changed since the last ingest: re-ingesting 2 files');
      expect((await third.query(`SELECT eventname FROM cloudtrail_logs`)).rows).toEqual([{ eventname: 'Two' }]);
    } finally {
      third.close();
    }
  });

  it('blames a SQL error on the SQL, not on the files', async () => {
    const dir = newDir();
    writeDelivered(dir, '2026-11-20', [record({ eventName: 'One' })]);
    const engine = await LocalEngine.open({ logs: dir });
    try {
      await expect(engine.query('SELEC 1')).rejects.toThrow(/syntax error/i);
      expect(engine.notes).toEqual([]);
    } finally {
      engine.close();
    }
  });

  it('keeps reporting a file skipped at ingest, and fails on it with --strict', async () => {
    const dir = newDir();
    const cacheFile = path.join(newDir(), 'cache.duckdb');
    writeDelivered(dir, '2026-11-20', [record({ eventName: 'One' })]);
    const bad = writeDelivered(dir, '2026-11-20', []);
    fs.writeFileSync(bad, 'not gzip');
    (await LocalEngine.open({ logs: dir, cacheFile })).close();
    const again = await LocalEngine.open({ logs: dir, cacheFile });
    expect(again.notes).toEqual([`skipped corrupt or truncated log file ${bad} (at ingest)`]);
    again.close();
    await expect(LocalEngine.open({ logs: dir, cacheFile, strict: true })).rejects.toThrow(`corrupt log file ${bad} was skipped when the logs were ingested`);
  });

  it('keeps one cache file per logs folder', () => {
    expect(defaultCacheFile('/a', { CTLAB_CACHE_DIR: '/c' })).toMatch(/^\/c\/logs-[0-9a-f]{16}\.duckdb$/);
    expect(defaultCacheFile('/a', { CTLAB_CACHE_DIR: '/c' })).not.toBe(defaultCacheFile('/b', { CTLAB_CACHE_DIR: '/c' }));
  });
});
