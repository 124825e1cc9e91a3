-- What does each caller do with KMS? KMS calls per caller and operation, most first.
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  coalesce(useridentity.sessioncontext.sessionissuer.username, useridentity.username, useridentity.invokedby, useridentity.arn) AS caller,
  eventname,
  count(*) AS kms_calls
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND eventsource = 'kms.amazonaws.com'
GROUP BY 1, 2
ORDER BY kms_calls DESC, caller, eventname
