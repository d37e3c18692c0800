"""The worker image's content, proven without Docker.

The Dockerfile's build stage runs .ci/install_worker_deps.py; here the same script installs the
same pinned set (CPU torch from the wheel on disk when there is one), then the final stage's COPY
lines are replayed into build/worker-image/ and the handler is imported from there alone.
"""

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from tests.packaging import dockerfile
from tests.packaging.ci_scripts import ROOT, load_ci_script

DOCKERFILE = ROOT / "worker" / "Dockerfile"
REQUIREMENTS = ROOT / "worker" / "requirements.txt"
INSTALLER = ROOT / ".ci" / "install_worker_deps.py"
DEPS_CACHE = ROOT / "build" / "worker-deps"
IMAGE_ROOT = ROOT / "build" / "worker-image"
TASK_ROOT = "${LAMBDA_TASK_ROOT}"
DEPS_BUDGET_BYTES = 1_000_000_000
HANDLER_SOURCES = {"lambda/asyncinfer_shared/", "worker/asyncinfer_worker/"}
RUNTIME_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "RESULTS_TABLE": "results",
    "MODEL_PATH": "s3://models/sentiment.pt",
    "OMP_NUM_THREADS": "1",
}


def pip_find_links() -> list[pathlib.Path]:
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    values = [
        line.split("=", 1)[1].strip("'\"") for line in listing.splitlines() if "find-links=" in line
    ]
    values.append(os.environ.get("PIP_FIND_LINKS", ""))
    return [pathlib.Path(p) for value in values for p in value.split() if p]


def local_cpu_torch_wheel(pin: str) -> pathlib.Path | None:
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    for folder in pip_find_links():
        for wheel in sorted(folder.glob(f"torch-{pin}+cpu-{tag}-*.whl")):
            return wheel
    return None


def run_in_image(code: str, task_root: pathlib.Path) -> subprocess.CompletedProcess:
    """Run `code` with the task root as the only import path besides the standard library."""
    probe = f"import sys\nsys.path.insert(0, {str(task_root)!r})\n{code}"
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), **RUNTIME_ENV},
        cwd=task_root,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def final_stage() -> dockerfile.Stage:
    return dockerfile.stages(DOCKERFILE)[-1]


@pytest.fixture(scope="module")
def deps_dir() -> pathlib.Path:
    """The installed dependency set, cached by everything that decides its content."""
    installer = load_ci_script("install_worker_deps")
    wheel = local_cpu_torch_wheel(installer.torch_pin(REQUIREMENTS))
    source = ["--torch-wheel", str(wheel)] if wheel else []
    key = hashlib.sha256(
        REQUIREMENTS.read_bytes() + INSTALLER.read_bytes() + " ".join(source).encode()
    ).hexdigest()[:16]
    deps, done = DEPS_CACHE / key, DEPS_CACHE / f"{key}.complete"
    if not done.exists():
        shutil.rmtree(DEPS_CACHE, ignore_errors=True)  # one cached set at a time: ~0.8 GB each
        partial = DEPS_CACHE / f"{key}.partial"
        command = [sys.executable, str(INSTALLER), "--requirements", str(REQUIREMENTS)]
        installed = subprocess.run(
            [*command, "--out", str(partial), *source],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        assert installed.returncode == 0, installed.stderr[-4000:]
        partial.rename(deps)
        done.touch()
    return deps


@pytest.fixture(scope="module")
def task_root(final_stage, deps_dir) -> pathlib.Path:
    """Replay the final stage's COPY lines: deps hard-linked, our sources copied."""
    model_stage = next(s for s in dockerfile.stages(DOCKERFILE) if s.name == "model")
    shutil.rmtree(IMAGE_ROOT, ignore_errors=True)
    IMAGE_ROOT.mkdir(parents=True)
    for copy in dockerfile.copies(final_stage):
        if copy.from_stage == "model":
            # by default an empty folder: the model comes from S3 unless a build bakes it in
            assert copy.sources == ("/artifacts/",)
            assert model_stage.instructions == [("RUN", "mkdir -p /artifacts")]
            continue
        assert copy.destination.startswith(TASK_ROOT), copy
        target = IMAGE_ROOT / copy.destination.removeprefix(TASK_ROOT).strip("/")
        if copy.from_stage == "deps":
            assert copy.sources == ("/deps/",), copy
            shutil.copytree(deps_dir, target, copy_function=os.link, dirs_exist_ok=True)
            continue
        assert copy.from_stage is None, copy
        for source in copy.sources:
            shutil.copytree(
                ROOT / source,
                target,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                dirs_exist_ok=True,
            )
    return IMAGE_ROOT


def test_dependencies_fit_the_size_budget(deps_dir):
    inodes = {}
    for path in deps_dir.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            inodes[stat.st_ino] = stat.st_size
    total = sum(inodes.values())
    print(f"worker dependencies: {total / 1e6:.0f} MB")
    assert total <= DEPS_BUDGET_BYTES


def test_torch_is_the_cpu_build_and_no_cuda_package_is_installed(deps_dir):
    dists = sorted(p.name for p in deps_dir.glob("*.dist-info"))
    assert [d for d in dists if d.startswith("torch-")] == ["torch-2.13.0+cpu.dist-info"]
    assert [d for d in dists if d.startswith(("nvidia_", "nvidia-", "triton-"))] == []


def test_image_ships_no_test_suites_headers_or_installer(deps_dir):
    assert [p for p in deps_dir.rglob("tests") if p.is_dir()] == []
    assert not (deps_dir / "torch" / "include").exists()
    assert not (deps_dir / "pip").exists()


def import_in_image(dotted: str, task_root: pathlib.Path, first: str = "") -> dict:
    """Run `first`, then import the handler `dotted` (module.function) from the task root alone:
    the module's file, torch's file (None if nothing imported torch), whether it is callable."""
    module, function = dotted.rsplit(".", 1)
    done = run_in_image(
        f"import importlib, json, sys\n{first}\n"
        f"m = importlib.import_module({module!r})\n"
        "torch = sys.modules.get('torch')\n"
        "print(json.dumps({'handler': m.__file__, 'torch': torch and torch.__file__,\n"
        f"                  'callable': callable(getattr(m, {function!r}))}}))\n",
        task_root,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_handler_imports_from_the_image_alone(final_stage, task_root):
    loaded = import_in_image(dockerfile.cmd(final_stage)[0], task_root, first="import torch")
    assert pathlib.Path(loaded["handler"]).is_relative_to(task_root)
    assert pathlib.Path(loaded["torch"]).is_relative_to(task_root)
    assert loaded["callable"] is True


def test_dead_letter_drain_imports_from_the_image_alone_without_torch(task_root):
    # infra/main.tf gives the drain this command; tests/terraform checks the two agree.
    loaded = import_in_image("asyncinfer_worker.drain.handler", task_root)
    assert pathlib.Path(loaded["handler"]).is_relative_to(task_root)
    assert loaded["torch"] is None
    assert loaded["callable"] is True


def test_pruned_torch_still_runs_a_torchscript_module(task_root, tmp_path):
    done = run_in_image(
        "import torch\n"
        "torch.set_num_threads(1)\n"
        f"path = {str(tmp_path / 'm.pt')!r}\n"
        "traced = torch.jit.trace(torch.nn.Softmax(dim=1), torch.zeros(1, 2))\n"
        "torch.jit.save(traced, path)\n"
        "print(torch.jit.load(path)(torch.zeros(3, 2)).sum().item())\n",
        task_root,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert float(done.stdout.strip().splitlines()[-1]) == pytest.approx(3.0)


def test_dockerfile_builds_dependencies_with_the_tested_installer():
    deps_stage = next(s for s in dockerfile.stages(DOCKERFILE) if s.name == "deps")
    runs = [arguments for keyword, arguments in deps_stage.instructions if keyword == "RUN"]
    assert len(runs) == 1 and INSTALLER.name in runs[0]
    copied = {s for c in dockerfile.copies(deps_stage) for s in c.sources}
    assert copied == {"worker/requirements.txt", ".ci/install_worker_deps.py"}


def test_dockerfile_copies_only_the_handler_sources(final_stage):
    ours = {s for c in dockerfile.copies(final_stage) if c.from_stage is None for s in c.sources}
    assert ours == HANDLER_SOURCES


def test_dockerfile_byte_compiles_every_package_of_ours_it_copies(final_stage):
    """Lambda's task root is read-only: a package left uncompiled is compiled on every cold
    start. Each of our COPY destinations must be an argument of the compileall RUN."""
    ours = [c.destination for c in dockerfile.copies(final_stage) if c.from_stage is None]
    (compile_run,) = [
        arguments
        for keyword, arguments in final_stage.instructions
        if keyword == "RUN" and "compileall" in arguments
    ]
    compiled = {word.strip('"').rstrip("/") for word in compile_run.split()}
    assert ours and all(destination.rstrip("/") in compiled for destination in ours)


def test_installer_refuses_requirements_without_a_torch_pin(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("torch>=2\nboto3==1.44.8\n")
    with pytest.raises(SystemExit, match="torch==<version>"):
        load_ci_script("install_worker_deps").torch_pin(requirements)
