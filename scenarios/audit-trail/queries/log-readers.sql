-- Who read the trail's log files? GetObject calls on AWSLogs/ objects of the trail bucket, per reader (seed 004).
-- Needs S3 data events for the trail bucket, recorded by another trail: a trail that logs reads of its own bucket would log its own deliveries forever.
-- @param trail_bucket bucket the trail's log bucket
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  coalesce(useridentity.username, useridentity.sessioncontext.sessionissuer.username, useridentity.arn) AS reader,
  count(*) AS reads,
  min(eventtime) AS first_read,
  max(eventtime) AS last_read
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND eventsource = 's3.amazonaws.com'
  AND eventname = 'GetObject'
  AND json_extract_scalar(requestparameters, '$.bucketName') = {{trail_bucket}}
  AND json_extract_scalar(requestparameters, '$.key') LIKE 'AWSLogs/%'
GROUP BY 1
ORDER BY reads DESC, reader
