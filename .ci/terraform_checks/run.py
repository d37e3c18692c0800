"""Every offline Terraform check, for a person at a terminal:

    .venv/bin/python .ci/terraform_checks/run.py [--skip-checkov]

Exits 1 and lists each problem when any check finds one. `make test` runs the same checks
through tests/terraform/. These are the checks Terraform cannot make; fmt, init, validate, plan
and `terraform test` run in `make tf-check` (.ci/standin/tfcheck.py).
"""

from __future__ import annotations

import argparse
import sys

import checkov_check
import environment_roles
import image_push_role
import layout
import module_docs
import wiring

CHECKS = {
    "wiring": wiring.run,
    "image push role": image_push_role.run,
    "environment roles and boundary": environment_roles.run,
    "module READMEs": module_docs.run,
    "checkov": checkov_check.run,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-checkov", action="store_true", help="leave out the slowest check")
    args = parser.parse_args()
    failed = False
    for name, check in CHECKS.items():
        if args.skip_checkov and check is checkov_check.run:
            continue
        problems = check(layout.REPO)
        print(f"{'FAIL' if problems else 'ok  '} {name}")
        for problem in problems:
            print(f"     {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
