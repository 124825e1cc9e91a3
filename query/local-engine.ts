import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CLOUDTRAIL_COLUMNS, PARTITION_REGION, PARTITION_TIMESTAMP, duckReadType, duckViewType } from './cloudtrail-schema';
import { QueryResult } from './result';
import { sqlString, validateParam } from './params';
import { TRINO_COMPAT_MACROS } from './trino-compat';

export interface LocalEngineOptions {
  /** Folder of CloudTrail logs: the delivered layout, or plain `.json` files of `{"Records":[...]}`. */
  readonly logs: string;
  /** First day to read, YYYY-MM-DD. Files of earlier days are not read. @default - no lower bound */
  readonly from?: string;
  /** Last day to read, YYYY-MM-DD. @default - no upper bound */
  readonly to?: string;
  /** Fail on a corrupt file instead of skipping it. @default false */
  readonly strict?: boolean;
  /**
   * Keep an ingested copy of the logs in this DuckDB file, rebuilt when the files change.
   * @default - no cache: every query reads the files
   */
  readonly cacheFile?: string;
  /** Progress and notes. @default - ignored */
  readonly onNote?: (note: string) => void;
}

export interface LogFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** `yyyy/MM/dd` from the delivered layout, if the path has it. */
  readonly day?: string;
}

const DAY_IN_PATH = /[\\/](\d{4})[\\/](\d{2})[\\/](\d{2})[\\/][^\\/]+$/;
/** DuckDB's default largest JSON object; raised to the largest file in the set (see maxObjectBytes). */
const MIN_OBJECT_BYTES = 16 * 1024 * 1024;
/**
 * DuckDB reads a gzip file cut off inside its first block as empty, without an
 * error. Files below this size are checked with zlib first (cheap: they are
 * small); a larger truncated file leaves partial JSON, which DuckDB rejects.
 */
const GZIP_CHECK_BELOW_BYTES = 1024 * 1024;
const INGEST_MEMORY_LIMIT = '900MB';
/** Errors that mean the file itself is bad; anything else (out of memory, a SQL error) is not blamed on it. */
const CORRUPT_FILE_ERROR = /malformed json|not a gzip|gzip|unexpected end|invalid input error|io error|could not read|truncated/i;

/**
 * A CloudTrail file is one JSON object, so DuckDB must be allowed an object as
 * large as the largest file. A gzip file's last 4 bytes hold its uncompressed
 * size (mod 2^32), so this costs one small read per file.
 */
export function maxObjectBytes(files: LogFile[]): number {
  let largest = 0;
  for (const file of files) {
    let size = file.size;
    if (file.path.endsWith('.gz') && file.size >= 18) {
      const fd = fs.openSync(file.path, 'r');
      try {
        const trailer = Buffer.alloc(4);
        fs.readSync(fd, trailer, 0, 4, file.size - 4);
        size = Math.max(trailer.readUInt32LE(0), file.size);
      } finally {
        fs.closeSync(fd);
      }
    }
    largest = Math.max(largest, size);
  }
  return Math.max(MIN_OBJECT_BYTES, Math.ceil((largest + 1024) / 1048576) * 1048576);
}

/** The log files under `dir`, digests excluded, with the day their path names. */
export function listLogFiles(dir: string): LogFile[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`--logs ${dir} is not a folder; give the folder holding AWSLogs/<account>/CloudTrail/... or plain .json files`);
  }
  const files: LogFile[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'CloudTrail-Digest' && !entry.name.startsWith('.')) walk(full);
      } else if (entry.isFile() && /\.json(\.gz)?$/.test(entry.name)) {
        const stat = fs.statSync(full);
        const day = DAY_IN_PATH.exec(full);
        files.push({ path: full, size: stat.size, mtimeMs: stat.mtimeMs, day: day ? `${day[1]}/${day[2]}/${day[3]}` : undefined });
      }
    }
  };
  walk(dir);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Keeps files whose day is in [from, to]; files without a day in their path are kept (the SQL filters their rows). */
export function filesInRange(files: LogFile[], from?: string, to?: string): LogFile[] {
  const lo = from?.replace(/-/g, '/');
  const hi = to?.replace(/-/g, '/');
  return files.filter((f) => !f.day || ((!lo || f.day >= lo) && (!hi || f.day <= hi)));
}

function sqlList(values: string[]): string {
  return `[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;
}

/** SELECT of the Athena columns from the raw files. */
function rawSelect(logFiles: LogFile[]): string {
  const files = logFiles.map((f) => f.path);
  const recordType = `STRUCT(${CLOUDTRAIL_COLUMNS.map((c) => `"${c.json}" ${duckReadType(c.type)}`).join(', ')})[]`;
  const columns = CLOUDTRAIL_COLUMNS.map((c) =>
    c.type === 'string' ? `r."${c.json}" AS ${c.name}` : `CAST(r."${c.json}" AS ${duckViewType(c.type)}) AS ${c.name}`,
  );
  return `SELECT ${columns.join(', ')},
      coalesce(nullif(regexp_extract(filename, '[\\\\/](\\d{4}[\\\\/]\\d{2}[\\\\/]\\d{2})[\\\\/][^\\\\/]+$', 1), ''), replace(substr(r."eventTime", 1, 10), '-', '/')) AS "${PARTITION_TIMESTAMP}",
      coalesce(nullif(regexp_extract(filename, 'CloudTrail[\\\\/]([a-z0-9-]+)[\\\\/]\\d{4}[\\\\/]', 1), ''), r."awsRegion") AS ${PARTITION_REGION}
    FROM (SELECT unnest(Records) AS r, filename
          FROM read_json(${sqlList(files)}, format = 'unstructured', compression = 'auto_detect', filename = true,
                         maximum_object_size = ${maxObjectBytes(logFiles)}, columns = {Records: '${recordType}'}))`;
}

function dayRange(from?: string, to?: string): string {
  const lo = from ? `'${from.replace(/-/g, '/')}'` : `'0000/00/00'`;
  const hi = to ? `'${to.replace(/-/g, '/')}'` : `'9999/99/99'`;
  return `"${PARTITION_TIMESTAMP}" BETWEEN ${lo} AND ${hi}`;
}

/** The default cache file for a logs folder: one per folder, under CTLAB_CACHE_DIR or ~/.cache/cloudtrail-labs. */
export function defaultCacheFile(logs: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CTLAB_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cloudtrail-labs');
  return path.join(base, `logs-${createHash('sha256').update(path.resolve(logs)).digest('hex').slice(0, 16)}.duckdb`);
}

function fingerprint(files: LogFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\0${f.size}\0${Math.round(f.mtimeMs)}\n`);
  return hash.digest('hex');
}

/**
 * CloudTrail logs on disk as a `cloudtrail_logs` table with Athena's columns
 * and types, plus the Trino functions the queries use, in embedded DuckDB.
 */
export class LocalEngine {
  private files: LogFile[];
  private checked = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: LocalEngineOptions,
    files: LogFile[],
    /** Things the user should know: skipped files, an empty folder, an ingest. */
    public readonly notes: string[],
  ) {
    this.files = files;
  }

  static async open(options: LocalEngineOptions): Promise<LocalEngine> {
    if (options.from !== undefined) validateParam('from', 'date', options.from);
    if (options.to !== undefined) validateParam('to', 'date', options.to);
    const all = listLogFiles(options.logs);
    const inRange = filesInRange(all, options.from, options.to);
    if (options.cacheFile) fs.mkdirSync(path.dirname(options.cacheFile), { recursive: true });
    const instance = await DuckDBInstance.create(options.cacheFile ?? ':memory:');
    let connection: DuckDBConnection;
    try {
      connection = await instance.connect();
    } catch (error) {
      instance.closeSync();
      throw error;
    }
    const engine = new LocalEngine(instance, connection, options, options.cacheFile ? all : inRange, []);
    try {
      if (all.length === 0) engine.note(`no CloudTrail log files (*.json.gz, *.json) under ${options.logs}: every query answers zero rows`);
      else if (!options.cacheFile && inRange.length < all.length) {
        engine.note(`reading ${inRange.length} of ${all.length} log files: the others are outside ${options.from ?? '...'} to ${options.to ?? '...'}`);
      }
      for (const statement of TRINO_COMPAT_MACROS) await connection.run(statement);
      if (options.cacheFile) {
        await engine.useCache();
      } else {
        engine.dropTruncatedSmallFiles();
        await engine.withCorruptFilesSkipped(() => engine.createRawView(), async () => undefined);
      }
      return engine;
    } catch (error) {
      engine.close();
      throw error;
    }
  }

  /** The files the table is built from (corrupt ones removed once found). */
  get logFiles(): readonly LogFile[] {
    return this.files;
  }

  private note(text: string): void {
    this.notes.push(text);
    this.options.onNote?.(text);
  }

  /** Drops small .gz files that do not decompress in full (see GZIP_CHECK_BELOW_BYTES). */
  private dropTruncatedSmallFiles(): void {
    const bad = this.files.filter((file) => {
      if (!file.path.endsWith('.gz') || file.size >= GZIP_CHECK_BELOW_BYTES) return false;
      try {
        gunzipSync(fs.readFileSync(file.path));
        return false;
      } catch (error) {
        const reason = `${(error as Error).message} (truncated or not gzip)`;
        if (this.options.strict) throw new Error(`corrupt log file ${file.path}: ${reason} (without --strict it would be skipped)`);
        this.note(`skipped corrupt or truncated log file ${file.path}: ${reason}`);
        return true;
      }
    });
    if (bad.length > 0) {
      this.files = this.files.filter((f) => !bad.includes(f));
      this.note(`${bad.length} of ${bad.length + this.files.length} log files skipped as corrupt or truncated`);
    }
  }

  private async createRawView(): Promise<void> {
    const source = this.files.length ? rawSelect(this.files) : emptySelect();
    await this.connection.run(`CREATE OR REPLACE TEMP VIEW cloudtrail_logs AS SELECT * FROM (${source}) WHERE ${dayRange(this.options.from, this.options.to)}`);
  }

  /**
   * Runs `work`; if it fails and the files were not checked yet, finds the
   * corrupt ones (each named in a note, or an error with --strict), drops them
   * and runs `work` once more. A failure with every file readable is the SQL's own.
   */
  private async withCorruptFilesSkipped<T>(work: () => Promise<T>, rebuild: () => Promise<void>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // Only a reading error can be a bad file; a SQL error is the query's own.
      if (this.checked || this.files.length === 0 || !CORRUPT_FILE_ERROR.test((error as Error).message)) throw error;
      this.checked = true;
      const bad = await this.findCorruptFiles();
      if (bad.length === 0) throw error;
      this.files = this.files.filter((f) => !bad.includes(f.path));
      this.note(`${bad.length} of ${bad.length + this.files.length} log files skipped as corrupt or truncated`);
      await rebuild();
      return work();
    }
  }

  private async findCorruptFiles(): Promise<string[]> {
    const bad: string[] = [];
    for (const file of this.files) {
      try {
        await this.connection.run(
          `SELECT sum(len(Records)) FROM read_json(${sqlList([file.path])}, format = 'unstructured', compression = 'auto_detect', maximum_object_size = ${maxObjectBytes([file])}, columns = {Records: 'JSON[]'})`,
        );
      } catch (error) {
        const reason = (error as Error).message.split('\n')[0];
        if (!CORRUPT_FILE_ERROR.test(reason) || /out of memory/i.test(reason)) throw error;
        if (this.options.strict) throw new Error(`corrupt log file ${file.path}: ${reason} (without --strict it would be skipped)`);
        bad.push(file.path);
        this.note(`skipped corrupt or truncated log file ${file.path}: ${reason}`);
      }
    }
    return bad;
  }

  private async useCache(): Promise<void> {
    const wanted = fingerprint(this.files);
    const existing = await this.connection
      .runAndReadAll(`SELECT value FROM ctl_meta WHERE key = 'fingerprint'`)
      .then((r) => r.getRowObjectsJson()[0]?.value as string | undefined)
      .catch(() => undefined);
    if (existing === wanted) {
      // Files skipped at the ingest are still missing from the copy: say so every time.
      const skipped = await this.connection
        .runAndReadAll(`SELECT value FROM ctl_meta WHERE key = 'skipped'`)
        .then((r) => JSON.parse(String(r.getRowObjectsJson()[0]?.value ?? '[]')) as string[]);
      if (skipped.length > 0 && this.options.strict) {
        throw new Error(`corrupt log file ${skipped[0]} was skipped when the logs were ingested (${skipped.length} in all); without --strict it stays skipped`);
      }
      for (const file of skipped) this.note(`skipped corrupt or truncated log file ${file} (at ingest)`);
    } else {
      const started = Date.now();
      const before = new Set(this.files.map((f) => f.path));
      this.dropTruncatedSmallFiles();
      // Bounded memory for the ingest: DuckDB spills to disk beyond this.
      await this.connection.run(`SET memory_limit = '${INGEST_MEMORY_LIMIT}'`);
      await this.connection.run('SET preserve_insertion_order = false');
      this.note(
        existing === undefined
          ? `ingesting ${this.files.length} log files into ${this.options.cacheFile} (once; later queries read the copy)`
          : `log files changed since the last ingest: re-ingesting ${this.files.length} files`,
      );
      const ingest = async () => {
        const source = this.files.length ? rawSelect(this.files) : emptySelect();
        // Files are listed in path order, so rows already come grouped by day; no sort needed.
        await this.connection.run(`CREATE OR REPLACE TABLE ctl_logs AS ${source}`);
      };
      await this.withCorruptFilesSkipped(ingest, async () => undefined);
      await this.connection.run(`CREATE OR REPLACE TABLE ctl_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
      await this.connection.run(`INSERT INTO ctl_meta VALUES ('fingerprint', '${wanted}')`);
      const kept = new Set(this.files.map((f) => f.path));
      const skipped = [...before].filter((f) => !kept.has(f));
      await this.connection.run(`INSERT INTO ctl_meta VALUES ('skipped', ${sqlString(JSON.stringify(skipped))})`);
      await this.connection.run('CHECKPOINT');
      this.note(`ingested in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    await this.connection.run(`CREATE OR REPLACE TEMP VIEW cloudtrail_logs AS SELECT * FROM ctl_logs WHERE ${dayRange(this.options.from, this.options.to)}`);
  }

  async query(sql: string): Promise<QueryResult> {
    const started = Date.now();
    // Over the ingested copy no file is read, so an error is the query's own.
    const reader = this.options.cacheFile
      ? await this.connection.runAndReadAll(sql)
      : await this.withCorruptFilesSkipped(() => this.connection.runAndReadAll(sql), () => this.createRawView());
    const columns = reader.columnNames();
    // DuckDB's JSON form writes 64-bit integers as strings; counts read better as numbers.
    const integers = reader.columnTypes().map((t) => /^(U?BIGINT|HUGEINT|UHUGEINT)$/.test(t.toString()));
    const rows = (reader.getRowObjectsJson() as Record<string, unknown>[]).map((row) => {
      columns.forEach((column, i) => {
        const value = row[column];
        if (integers[i] && typeof value === 'string' && Number.isSafeInteger(Number(value))) row[column] = Number(value);
      });
      return row;
    });
    return { columns, rows, notes: [...this.notes], elapsedMs: Date.now() - started };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A zero-row SELECT with the table's columns, for an empty folder. */
function emptySelect(): string {
  const columns = CLOUDTRAIL_COLUMNS.map((c) => `CAST(NULL AS ${duckViewType(c.type)}) AS ${c.name}`);
  return `SELECT ${columns.join(', ')}, CAST(NULL AS VARCHAR) AS "${PARTITION_TIMESTAMP}", CAST(NULL AS VARCHAR) AS ${PARTITION_REGION} WHERE false`;
}
