"""The bootstrap's plan and apply roles and the function roles' boundary (docs/security.md):
each way of reopening a privilege-escalation path, or of letting a plan read data, is caught."""

import pytest

from tests.terraform.tf_checks import REPO, environment_roles, plant, tree_copy

ROLES = "infra/bootstrap/environment_roles.tf"
BOUNDARY_CONDITION = """
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn[each.key]]
    }
"""
KEEP_BOUNDARY = '    actions   = ["iam:DeleteRolePermissionsBoundary"]\n    resources = ["*"]\n'
POWER_USER = """
resource "aws_iam_role_policy_attachment" "apply_power_user" {
  for_each   = aws_iam_role.apply
  role       = each.value.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
"""

# name -> (file, piece, replacement, part of the problem reported)
PLANTED = {
    "the old escalation: role writes on <prefix>-<env>-*": (
        ROLES,
        '"iam:ListInstanceProfilesForRole",\n    ]\n'
        "    resources = local.function_role_arns[each.key]\n",
        '"iam:ListInstanceProfilesForRole",\n    ]\n'
        '    resources = ["arn:aws:iam::1:role/${local.stack[each.key]}-*"]\n',
        "beyond the function roles",
    ),
    "role creation without the boundary condition": (
        ROLES,
        BOUNDARY_CONDITION,
        "",
        "without the iam:PermissionsBoundary condition",
    ),
    "removing the boundary allowed": (
        ROLES,
        '      "iam:DeleteRole", "iam:UpdateRole",',
        '      "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary", "iam:UpdateRole",',
        "allows removing the permissions boundary",
    ),
    "no deny of removing the boundary": (
        ROLES,
        KEEP_BOUNDARY,
        '    actions   = ["iam:DeleteRolePermissionsBoundary"]\n'
        '    resources = ["arn:aws:iam::1:role/x"]\n',
        "no Deny of iam:DeleteRolePermissionsBoundary",
    ),
    "no fence around the function roles": (
        ROLES,
        "    not_resources = local.function_role_arns[each.key]\n",
        '    not_resources = ["*"]\n',
        "no Deny of iam:* on everything but the function roles",
    ),
    "a function role suffix that names the apply role": (
        ROLES,
        '  function_role_suffixes = ["enqueue", "worker", "dead-letters"]',
        '  function_role_suffixes = ["enqueue", "worker", "dead-letters", "apply"]',
        "could name a CI role",
    ),
    "PowerUserAccess back on the apply role": (
        ROLES,
        "# Apply role: terraform apply",
        POWER_USER + "# Apply role: terraform apply",
        "attaches arn:aws:iam::aws:policy/PowerUserAccess",
    ),
    "plan role reading items": (
        ROLES,
        '      "dynamodb:ListTagsOfResource",\n',
        '      "dynamodb:ListTagsOfResource", "dynamodb:Scan",\n',
        "reads data: ['dynamodb:Scan']",
    ),
    "plan role reading every object": (
        ROLES,
        '    actions   = ["s3:GetObject"]\n    resources = [local.arns[each.key].state_object]',
        '    actions   = ["s3:GetObject"]\n'
        '    resources = ["${aws_s3_bucket.this["state"].arn}/*"]',
        "reads objects beyond the state",
    ),
    "function role without the boundary": (
        "modules/function/main.tf",
        "  permissions_boundary = var.permissions_boundary_arn\n",
        "",
        "modules/function: the role has no permissions_boundary",
    ),
    "a function not given the boundary": (
        "infra/main.tf",
        "  permissions_boundary_arn = var.permissions_boundary_arn\n"
        "  policy_json              = data.aws_iam_policy_document.worker.json",
        "  policy_json              = data.aws_iam_policy_document.worker.json",
        "module.worker is not given permissions_boundary_arn",
    ),
    "CORS preflight behind the JWT authorizer": (
        "modules/http_api/main.tf",
        'preflight = { key = "OPTIONS /{proxy+}", protected = false }',
        'preflight = { key = "OPTIONS /{proxy+}", protected = true }',
        "no OPTIONS route without authorization",
    ),
    "ECR keeps only the last 20 images": (
        "modules/ecr_repository/main.tf",
        "    ]\n  })",
        "      {\n        rulePriority = 2\n"
        '        selection    = { tagStatus = "any", countType = "imageCountMoreThan", '
        "countNumber = 20 }\n"
        '        action       = { type = "expire" }\n      },\n    ]\n  })',
        "a lifecycle rule expires tagged images",
    ),
    "bucket settings applied at once": (
        "infra/bootstrap/main.tf",
        "\n\n  depends_on = [aws_s3_bucket_public_access_block.this]",
        "",
        "aws_s3_bucket_ownership_controls.this does not wait",
    ),
}


def test_the_roles_boundary_and_stack_have_no_problems():
    assert environment_roles.run(REPO) == []


@pytest.mark.parametrize("path, before, after, problem", PLANTED.values(), ids=PLANTED.keys())
def test_a_planted_role_defect_is_reported(tmp_path, path, before, after, problem):
    tree = tree_copy(tmp_path)
    plant(tree / path, before, after)
    problems = environment_roles.run(tree)
    assert any(problem in p for p in problems), problems
