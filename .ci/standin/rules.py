"""The real provider's plan-time value rules for the resource types this stack uses.

Each rule names where hashicorp/aws (v6, terraform-provider-aws) declares it, and the message
follows the SDK validator it uses: validation.IntBetween -> "expected <attr> to be in the range
(<min> - <max>), got <v>"; validation.IntInSlice -> "expected <attr> to be one of [...], got <v>";
verify.ValidIAMPolicyJSON -> "\"<attr>\" contains an invalid JSON policy".
Unknown values (extension type 0 in msgpack) are skipped, as the provider skips them.
"""

from __future__ import annotations

import json

import msgpack

# internal/service/logs/group.go: retention_in_days ValidateFunc IntInSlice(...)
LOG_RETENTION_DAYS = [
    0,
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
]

RANGES = {
    # internal/service/sqs/queue.go (queueSchema): IntBetween on each
    "aws_sqs_queue": {
        "visibility_timeout_seconds": (0, 43200),
        "message_retention_seconds": (60, 1209600),
        "delay_seconds": (0, 900),
        "receive_wait_time_seconds": (0, 20),
        "max_message_size": (1024, 1048576),
        "kms_data_key_reuse_period_seconds": (60, 86400),
    },
    # internal/service/lambda/function.go: memory_size IntBetween(128, 10240), timeout IntAtLeast(1)
    # (the Lambda API caps it at 900), ephemeral_storage.size IntBetween(512, 10240)
    "aws_lambda_function": {"memory_size": (128, 10240), "timeout": (1, 900)},
    # internal/service/lambda/event_source_mapping.go: batch_size IntBetween(1, 10000),
    # maximum_batching_window_in_seconds IntBetween(0, 300)
    "aws_lambda_event_source_mapping": {
        "batch_size": (1, 10000),
        "maximum_batching_window_in_seconds": (0, 300),
    },
    # internal/service/kms/key.go: deletion_window_in_days IntBetween(7, 30)
    "aws_kms_key": {"deletion_window_in_days": (7, 30)},
}

ENUMS = {
    # internal/service/dynamodb/table.go: billing_mode StringInSlice(BillingMode_Values)
    "aws_dynamodb_table": {"billing_mode": ["PROVISIONED", "PAY_PER_REQUEST"]},
    # internal/service/lambda/function.go: package_type StringInSlice(PackageType_Values)
    "aws_lambda_function": {"package_type": ["Zip", "Image"]},
    # internal/service/ecr/repository.go: image_tag_mutability StringInSlice(...)
    "aws_ecr_repository": {
        "image_tag_mutability": [
            "MUTABLE",
            "IMMUTABLE",
            "IMMUTABLE_WITH_EXCLUSION",
            "MUTABLE_WITH_EXCLUSION",
        ]
    },
    # internal/service/apigatewayv2/api.go: protocol_type StringInSlice(ProtocolType_Values)
    "aws_apigatewayv2_api": {"protocol_type": ["HTTP", "WEBSOCKET"]},
}

# Attributes validated with verify.ValidIAMPolicyJSON (internal/verify/validate.go), per type.
POLICY_JSON = {
    "aws_iam_role": ["assume_role_policy"],
    "aws_iam_role_policy": ["policy"],
    "aws_iam_policy": ["policy"],
    "aws_sqs_queue_policy": ["policy"],
    "aws_sqs_queue": ["policy"],
    "aws_s3_bucket_policy": ["policy"],
    "aws_ecr_repository_policy": ["policy"],
    "aws_kms_key": ["policy"],
    "aws_ecr_lifecycle_policy": [],
}
# verify.ValidStringIsJSON on JSON-valued strings
JSON_STRINGS = {
    "aws_sqs_queue": ["redrive_policy", "redrive_allow_policy"],
    "aws_ecr_lifecycle_policy": ["policy"],
}


def known(value) -> bool:
    return value is not None and not isinstance(value, msgpack.ExtType)


def check(type_name: str, config: dict | None) -> list[tuple[str, str, list[str]]]:
    if not isinstance(config, dict):
        return []
    problems = []
    for attr, (low, high) in RANGES.get(type_name, {}).items():
        value = config.get(attr)
        if known(value) and not low <= value <= high:
            problems.append(
                (
                    f"expected {attr} to be in the range ({low} - {high}), got {_n(value)}",
                    "",
                    [attr],
                )
            )
    for attr, allowed in ENUMS.get(type_name, {}).items():
        value = config.get(attr)
        if known(value) and value not in allowed:
            problems.append(
                (f"expected {attr} to be one of {json.dumps(allowed)}, got {value}", "", [attr])
            )
    if type_name == "aws_cloudwatch_log_group":
        value = config.get("retention_in_days")
        if known(value) and value not in LOG_RETENTION_DAYS:
            listed = "[" + " ".join(str(d) for d in LOG_RETENTION_DAYS) + "]"
            problems.append(
                (
                    f"expected retention_in_days to be one of {listed}, got {_n(value)}",
                    "",
                    ["retention_in_days"],
                )
            )
    for attr in POLICY_JSON.get(type_name, []):
        value = config.get(attr)
        if known(value):
            error = policy_json_error(value)
            if error:
                problems.append((f'"{attr}" contains an invalid JSON policy: {error}', "", [attr]))
    for attr in JSON_STRINGS.get(type_name, []):
        value = config.get(attr)
        if known(value):
            try:
                json.loads(value)
            except ValueError as exc:
                problems.append((f'"{attr}" contains an invalid JSON: {exc}', "", [attr]))
    return problems


def check_data(type_name: str, config) -> list:
    return []


def policy_json_error(text: str) -> str | None:
    """verify.ValidIAMPolicyJSON: a JSON object, not starting with whitespace-only, parseable."""
    if not text.strip().startswith("{"):
        return "policy must be a JSON object"
    try:
        json.loads(text)
    except ValueError as exc:
        return str(exc)
    return None


def _n(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value
