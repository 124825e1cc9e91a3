-- Which KMS calls did S3 make for one object? KMS events whose encryption context names the object (seed 003, step 5).
-- @param bucket bucket the bucket holding the object
-- @param object_key object-key the object's key, e.g. Sharingan.png
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  eventtime,
  eventname,
  coalesce(useridentity.username, useridentity.sessioncontext.sessionissuer.username, useridentity.arn) AS requested_by,
  useridentity.invokedby AS invoked_by,
  element_at(resources, 1).arn AS key_arn
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND eventsource = 'kms.amazonaws.com'
  AND json_extract_scalar(requestparameters, '$.encryptionContext["aws:s3:arn"]') = 'arn:aws:s3:::' || {{bucket}} || '/' || {{object_key}}
ORDER BY eventtime
