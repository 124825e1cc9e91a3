-- Who signed in to the AWS console, from where and with which browser? ConsoleLogin events, newest first (seed 002, 3.4).
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  useridentity.accountid AS account,
  useridentity.principalid AS principal,
  useragent AS browser,
  sourceipaddress AS source_ip,
  eventtime,
  json_extract_scalar(responseelements, '$.ConsoleLogin') AS result
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND eventname = 'ConsoleLogin'
ORDER BY eventtime DESC
