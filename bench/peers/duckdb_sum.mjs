// DuckDB peer for goal 1: count(*) and sum of the USD-converted amount over read_csv(FILE).
//   node bench/peers/duckdb_sum.mjs FILE
// Prints one JSON line: {"rows":…, "usd_total":"…", "query_s":…, "threads":…}.
// Conversion as a data engineer would write it: CASE currency → rate, amount × rate rounded to
// cents; rows DuckDB cannot read (wrong field count) are skipped, unknown currencies and
// non-numeric amounts give NULL. No date checks, no rejects table: less work than billflow does.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
if (!file) { console.error('usage: duckdb_sum.mjs FILE'); process.exit(2); }
const quoted = "'" + file.replaceAll("'", "''") + "'";
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const started = process.hrtime.bigint();
const reader = await connection.runAndReadAll(`
  SELECT count(*) AS rows, CAST(sum(converted) AS VARCHAR) AS usd_total FROM (
    SELECT round(TRY_CAST(bill_amount AS DECIMAL(18,4)) *
                 CASE currency WHEN 'USD' THEN 1.00 WHEN 'CAD' THEN 0.79 WHEN 'MXN' THEN 0.05 END, 2)
           AS converted
    FROM read_csv(${quoted}, header = true, ignore_errors = true, columns = {
      'id': 'VARCHAR', 'company_name': 'VARCHAR', 'country': 'VARCHAR', 'city': 'VARCHAR',
      'product_line': 'VARCHAR', 'item': 'VARCHAR', 'bill_date': 'VARCHAR',
      'currency': 'VARCHAR', 'bill_amount': 'VARCHAR'}))
  WHERE converted IS NOT NULL`);
const queryS = Number(process.hrtime.bigint() - started) / 1e9;
const [rows, usd] = reader.getRows()[0];
const threads = (await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
console.log(JSON.stringify({ rows: Number(rows), usd_total: usd, query_s: queryS, threads: Number(threads) }));
