-- Who created which S3 bucket, and when? CreateBucket events, newest first (seed 002, lookup-events exercise).
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  coalesce(useridentity.username, useridentity.sessioncontext.sessionissuer.username, useridentity.arn) AS username,
  eventtime,
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket_name
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND eventname = 'CreateBucket'
ORDER BY eventtime DESC
