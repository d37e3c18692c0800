"""The worker image push role (infra/bootstrap): only the calls deploy.yml's image job makes, on
the worker repository, for this repository's pushes to main; each way of widening it is caught."""

import pytest

from tests.terraform.tf_checks import REPO, image_push_role, plant, tree_copy

RESOURCES, DOCUMENTS, VALUES = image_push_role.bootstrap(REPO)

PUSH_ACTION = '      "ecr:PutImage",\n'
REPOSITORY = "    resources = [module.worker_images.repository_arn]\n"
PUSH_SUBJECTS = '    { "image-push" = [local.default_branch_subject] },\n'
AUDIENCE_CONDITION = (
    "    condition {\n"
    '      test     = "StringEquals"\n'
    '      variable = "token.actions.githubusercontent.com:aud"\n'
    '      values   = ["sts.amazonaws.com"]\n'
    "    }\n\n"
)
LAST_RESOURCE_END = "  policy = data.aws_iam_policy_document.image_push.json\n}\n"
MANAGED_POLICY = """
resource "aws_iam_role_policy_attachment" "image_push_power_user" {
  role       = aws_iam_role.image_push.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
"""

# name -> (file under infra/bootstrap, piece, replacement, part of the problem reported)
PLANTED = {
    "wildcard action": ("main.tf", PUSH_ACTION, '      "ecr:*",\n', "allows ['ecr:*']"),
    "an action the job never calls": (
        "main.tf",
        PUSH_ACTION,
        PUSH_ACTION + '      "ecr:GetDownloadUrlForLayer",\n',
        "allows ['ecr:GetDownloadUrlForLayer']",
    ),
    "an action the push needs dropped": (
        "main.tf",
        '      "ecr:BatchGetImage",\n',
        "",
        "lacks ['ecr:BatchGetImage']",
    ),
    "every repository": (
        "main.tf",
        REPOSITORY,
        '    resources = ["*"]\n',
        "on *; the job calls none",
    ),
    "model bucket writes nobody asked for": (
        "main.tf",
        PUSH_ACTION,
        PUSH_ACTION + '      "s3:PutObject",\n',
        "allows ['s3:PutObject']",
    ),
    "trust without the branch": (
        "main.tf",
        PUSH_SUBJECTS,
        '    { "image-push" = ["repo:${var.github_repository}:*"] },\n',
        'gives "image-push" 1 entries',
    ),
    "trust of a second subject for the push role": (
        "main.tf",
        PUSH_SUBJECTS,
        PUSH_SUBJECTS + '    { image-push = ["repo:${var.github_repository}:pull_request"] },\n',
        'gives "image-push" 2 entries',
    ),
    "trust of every repository's default branch": (
        "main.tf",
        '  default_branch_subject = "repo:${var.github_repository}:ref:',
        '  default_branch_subject = "repo:*:ref:',
        "local.default_branch_subject is 'repo:*:ref:refs/heads/${var.default_branch}'",
    ),
    "trust without the audience": ("main.tf", AUDIENCE_CONDITION, "", "trust conditions"),
    "trust of another document": (
        "main.tf",
        '  assume_role_policy   = data.aws_iam_policy_document.github_trust["image-push"].json\n',
        '  assume_role_policy   = data.aws_iam_policy_document.github_trust["plan-dev"].json\n',
        "is not trusted through",
    ),
    "trust of another branch by default": (
        "variables.tf",
        '  default     = "main"\n',
        '  default     = "develop"\n',
        "var.default_branch defaults to 'develop'",
    ),
    "a long session": (
        "main.tf",
        "  max_session_duration = 3600 # IAM's minimum",
        "  max_session_duration = 43200 #",
        "max_session_duration 43200 is above 3600",
    ),
    "a managed policy on the role": (
        "main.tf",
        LAST_RESOURCE_END,
        LAST_RESOURCE_END + MANAGED_POLICY,
        "aws_iam_role_policy_attachment.image_push_power_user attaches more",
    ),
    "the role under another name": (
        "main.tf",
        '  name                 = "${var.name_prefix}-image-push"\n',
        '  name                 = "${var.name_prefix}-dev-image"\n',
        "is named",
    ),
}


def test_bootstrap_push_role_has_no_problems():
    assert image_push_role.run(REPO) == []


def test_push_role_grants_exactly_the_image_jobs_calls():
    assert image_push_role.permissions(DOCUMENTS["image_push"], "image_push") == []
    assert image_push_role.granted(DOCUMENTS["image_push"])["*"] == {"ecr:GetAuthorizationToken"}


def test_push_role_has_only_its_inline_policy():
    assert image_push_role.attached_policies(RESOURCES) == ([], ["image_push"])


def test_push_role_trusts_only_this_repositorys_main_branch():
    assert image_push_role.trust_statement(DOCUMENTS["github_trust"]) == []
    assert image_push_role.trusted_subjects(VALUES) == []
    assert VALUES["var.default_branch"] == "main"


def test_push_role_is_named_for_the_workflow_and_short_lived():
    assert image_push_role.role_settings(RESOURCES[("aws_iam_role", "image_push")]) == []


@pytest.mark.parametrize("path, before, after, problem", PLANTED.values(), ids=PLANTED.keys())
def test_a_planted_push_role_defect_is_reported(tmp_path, path, before, after, problem):
    tree = tree_copy(tmp_path)
    plant(tree / "infra/bootstrap" / path, before, after)
    problems = image_push_role.run(tree)
    assert any(problem in p for p in problems), problems
