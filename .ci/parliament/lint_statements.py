"""Runs inside .tools/parliament: reads [{"id", "document"}] as JSON on stdin, writes
[{"id", "issue", "detail"}] for each of parliament's findings (community auditors off)."""

import json
import sys

from parliament import analyze_policy_string

findings = []
for item in json.load(sys.stdin):
    policy = analyze_policy_string(json.dumps(item["document"]), include_community_auditors=False)
    findings += [
        {"id": item["id"], "issue": f.issue, "detail": str(f.detail)} for f in policy.findings
    ]
json.dump(findings, sys.stdout)
