-- Who is consuming the most KMS API calls? KMS calls per caller, most first (seed 000).
-- A Lambda function calls KMS with its role, so the caller is the role's name.
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
SELECT
  coalesce(useridentity.sessioncontext.sessionissuer.username, useridentity.username, useridentity.invokedby, useridentity.arn) AS caller,
  count(*) AS kms_calls
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN {{from}} AND {{to}}
  AND eventsource = 'kms.amazonaws.com'
GROUP BY 1
ORDER BY kms_calls DESC, caller
