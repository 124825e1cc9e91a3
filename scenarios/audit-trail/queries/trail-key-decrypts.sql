-- Who decrypted with the trail key, and was it for CloudTrail log files? Decrypt calls on the key, newest first (seed 004).
-- A KMS record names its key as its one resource, so element_at(resources, 1) is the key.
-- @param key_arn arn the trail key's ARN (output trail_key_arn)
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  eventtime,
  coalesce(useridentity.username, useridentity.sessioncontext.sessionissuer.username, useridentity.arn) AS decrypted_by,
  errorcode,
  json_extract_scalar(requestparameters, '$.encryptionContext["aws:cloudtrail:arn"]') AS trail_context
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND eventsource = 'kms.amazonaws.com'
  AND eventname = 'Decrypt'
  AND element_at(resources, 1).arn = {{key_arn}}
ORDER BY from_iso8601_timestamp(eventtime) DESC
