-- Which app makes the most KMS calls per object it handles? Each app's KMS calls divided by its invocations (Lambda data events), highest first.
-- The apps' roles are named after their functions, so a KMS caller and an invoked function line up by name.
-- @param from date first day of logs to read (YYYY-MM-DD)
-- @param to date last day of logs to read (YYYY-MM-DD)
WITH kms AS (
  SELECT useridentity.sessioncontext.sessionissuer.username AS caller, count(*) AS kms_calls
  FROM cloudtrail_logs
  WHERE "timestamp" BETWEEN {{from}} AND {{to}}
    AND eventsource = 'kms.amazonaws.com'
  GROUP BY 1
),
invocations AS (
  SELECT element_at(resources, 1).arn AS function_arn, count(*) AS invocations
  FROM cloudtrail_logs
  WHERE "timestamp" BETWEEN {{from}} AND {{to}}
    AND eventsource = 'lambda.amazonaws.com'
    AND eventname = 'Invoke'
  GROUP BY 1
)
SELECT
  kms.caller,
  kms.kms_calls,
  invocations.invocations,
  round(CAST(kms.kms_calls AS double) / invocations.invocations, 2) AS kms_calls_per_invocation
FROM kms
JOIN invocations ON invocations.function_arn LIKE '%:function:' || kms.caller
ORDER BY kms_calls_per_invocation DESC, kms.caller
