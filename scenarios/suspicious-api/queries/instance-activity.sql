-- What did the API's instance do? Every call made with the instance role's session (named after the instance), newest first (seed 002, 4.5).
-- @param instance_id instance-id the instance to follow, e.g. i-0fe770cb48ec0c411
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  eventtime,
  eventsource,
  eventname,
  requestparameters
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND useridentity.arn LIKE '%/' || {{instance_id}}
ORDER BY from_iso8601_timestamp(eventtime) DESC
