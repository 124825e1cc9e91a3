"""moto_server with cloudtrail-labs' compatibility shims.

Each shim works around one known gap of moto 5.2.1 that stops Terraform's AWS
provider 5.100 from applying our stacks, or the offline runtime (local Lambda,
local event bus) from running them. A shim changes how the emulator
answers, never what our infrastructure declares. Remove a shim when moto
fixes its gap.

Usage: python3 moto_compat.py [moto_server arguments], e.g. -H 127.0.0.1 -p 5000
"""
import sys

import json

from moto.cloudtrail.models import CloudTrailBackend
from moto.athena.responses import AthenaResponse
from moto.cloudtrail.responses import CloudTrailResponse
from moto.events import models as events_models
from moto.s3 import models as s3_models
from moto.sns import models as sns_models


# Gap 1: StartLogging, StopLogging and DeleteTrail look trails up by name only.
# Provider 5.x identifies a trail by its ARN, so StartLogging raises KeyError
# (HTTP 500) and Terraform retries for over ten minutes; DeleteTrail by ARN
# silently deletes nothing. AWS accepts a name or an ARN for all three.
def _start_logging(self, name):
    self.get_trail(name).start_logging()


def _stop_logging(self, name):
    self.get_trail(name).stop_logging()


def _delete_trail(self, name):
    for key, trail in list(self.trails.items()):
        if name in (key, trail.arn):
            del self.trails[key]


CloudTrailBackend.start_logging = _start_logging
CloudTrailBackend.stop_logging = _stop_logging
CloudTrailBackend.delete_trail = _delete_trail


# Gap 2: DescribeTrails ignores trailNameList and returns every trail, so the
# provider's read of one trail fails with "too many results: wanted 1, got 2"
# as soon as a second trail exists. AWS returns only the trails named (by name
# or ARN), or all of them when the list is empty.
def _describe_trails(self):
    include_shadow_trails = self._get_bool_param("includeShadowTrails", True)
    wanted = self._get_param("trailNameList") or []
    trails = self.cloudtrail_backend.describe_trails(include_shadow_trails)
    if wanted:
        trails = [t for t in trails if t.trail_name in wanted or t.arn in wanted]
    return json.dumps({"trailList": [t.description(include_region=True) for t in trails]})


CloudTrailResponse.describe_trails = _describe_trails


# Gap 3: PutBucketLogging checks the target bucket's policy for a statement
# letting logging.s3.amazonaws.com write, but crashes (HTTP 500) on any
# statement whose Principal is the string "*", such as the TLS-only deny that
# every secure bucket carries. AWS accepts such policies. The replacement reads
# the same statements and skips those that cannot grant the logging service.
_original_log_check = s3_models.FakeBucket._log_permissions_enabled_policy


def _log_permissions_enabled_policy(target_bucket, target_prefix):
    policy = target_bucket.policy
    if not policy:
        return False
    document = json.loads(policy.decode())
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    usable = [s for s in statements if isinstance(s.get("Principal"), dict)]
    original = target_bucket.policy
    try:
        target_bucket.policy = json.dumps({**document, "Statement": usable}).encode()
        return _original_log_check(target_bucket, target_prefix)
    finally:
        target_bucket.policy = original


s3_models.FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)


# Gap 4: Athena ListTagsForResource answers 400 "does not exist" for any
# resource without tags in moto's tagger, which includes workgroups, so the
# provider cannot read back the workgroup it just created. AWS answers an
# empty tag list for an existing resource without tags.
def _list_tags_for_resource(self):
    resource_arn = self._get_param("ResourceARN")
    tags = self.athena_backend.list_tags_for_resource(resource_arn)
    return json.dumps(tags or {"Tags": []})


AthenaResponse.list_tags_for_resource = _list_tags_for_resource


# Gap 5: DeleteNamedQuery is not implemented (HTTP 500), so `terraform destroy`
# cannot remove a workgroup's saved queries. AWS deletes the query by id and
# answers an empty object, also for an id that no longer exists.
def _delete_named_query(self):
    self.athena_backend.named_queries.pop(self._get_param("NamedQueryId"), None)
    return json.dumps({})


AthenaResponse.delete_named_query = _delete_named_query


# Gap 6: S3 checks a bucket policy on object reads and writes, but a statement
# whose Condition does not match answers DENIED instead of not applying, and
# no request context is passed, so the TLS-only deny that every secure bucket
# carries refuses every PutObject and GetObject (403 with an empty body). The
# replacement keeps only the statements whose conditions match, as AWS does.
# Requests reach moto through the local AWS edge, which stands in for AWS's
# TLS endpoint (it records tlsDetails), so they count as having arrived over TLS.
_REQUEST_CONTEXT = {"aws:securetransport": "true"}


def _conditions_match(conditions):
    """Bool and String/Arn equality and like operators over _REQUEST_CONTEXT; a missing key does not match."""
    import fnmatch

    for operator, checks in conditions.items():
        negate = "Not" in operator
        like = "Like" in operator
        for key, expected in checks.items():
            actual = _REQUEST_CONTEXT.get(key.lower())
            values = expected if isinstance(expected, list) else [expected]
            if actual is None:
                if not operator.endswith("IfExists"):
                    return False
                continue
            hit = any(fnmatch.fnmatchcase(actual, str(v)) if like else actual.lower() == str(v).lower() for v in values)
            if hit == negate:
                return False
    return True


def _get_permission(self, action, resource):
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(self.policy.decode())
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    applying = []
    for statement in statements:
        if "Condition" in statement:
            if not _conditions_match(statement["Condition"]):
                continue
            statement = {k: v for k, v in statement.items() if k != "Condition"}
        applying.append(statement)
    if not applying:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**document, "Statement": applying})).is_action_permitted(action, resource)


s3_models.FakeBucket.get_permission = _get_permission


# Gap 7: PutEvents answers HTTP 500 (NotImplementedError) as soon as a rule
# that matches has an SNS topic or a Lambda function target: moto delivers
# only to Logs, SQS, archives, other buses and API destinations. AWS delivers
# to both. The local event bus (emulator/events) reads the rules after the
# call and delivers SNS and Lambda targets itself, so moto leaves those out
# and keeps delivering the ones it supports: each target gets the event once.
_DELIVERED_BY_LOCAL_BUS = ("sns", "lambda")
_original_send_to_targets = events_models.Rule.send_to_targets


class _TargetsMotoDelivers:
    """The rule, seen with only the targets that moto delivers."""

    def __init__(self, rule):
        self._rule = rule
        self.targets = [t for t in rule.targets if t["Arn"].split(":")[2] not in _DELIVERED_BY_LOCAL_BUS]

    def __getattr__(self, name):
        return getattr(self._rule, name)


def _send_to_targets(self, original_event, transform_input=True):
    return _original_send_to_targets(_TargetsMotoDelivers(self), original_event, transform_input)


events_models.Rule.send_to_targets = _send_to_targets


# Gap 8: Publish to a topic with a `lambda` subscription makes moto run the
# function in Docker within the Publish call. Without a Docker daemon it logs
# "error running docker" for every message and delivers nothing; with one it
# would try to pull an image and invoke the function a second time, with a
# stand-in event ("arn:aws:sns:EXAMPLE", a fixed MessageId). The local runtime
# delivers SNS messages to Lambda subscribers (emulator/events/sns-fanout.ts),
# so moto skips that protocol; the others (SQS, HTTP) are moto's as before.
_original_subscription_publish = sns_models.Subscription.publish


def _subscription_publish(self, *args, **kwargs):
    if self.protocol == "lambda":
        return None
    return _original_subscription_publish(self, *args, **kwargs)


sns_models.Subscription.publish = _subscription_publish


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
