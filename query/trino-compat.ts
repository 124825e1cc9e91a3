/**
 * Trino functions the shipped queries use that DuckDB lacks or names
 * differently, as DuckDB macros, so the same SQL runs on Athena and locally.
 * (date_diff and json_extract exist in both with the same meaning.)
 */
export const TRINO_COMPAT_MACROS = [
  `SET TimeZone = 'UTC'`,
  // Trino's JSONPath allows $.a["b:c"]; DuckDB's spells it $.a."b:c".
  `CREATE OR REPLACE MACRO ctl_jsonpath(p) AS regexp_replace(p, '\\[\\s*"([^"]*)"\\s*\\]', '."\\1"', 'g')`,
  `CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS json_extract_string(j, ctl_jsonpath(p))`,
  `CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)`,
  `CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)`,
  `CREATE OR REPLACE MACRO element_at(l, i) AS list_extract(l, i)`,
  `CREATE OR REPLACE MACRO cardinality(l) AS len(l)`,
];
