"""Install the worker image's pinned Python dependencies into one folder, CPU-only torch first.

worker/Dockerfile runs this in its build stage and copies the folder into the Lambda task root;
tests/packaging runs it here the same way (with the CPU torch wheel from disk) to prove what
the image holds. Stdlib only: it runs on the Lambda base image's bare Python.

Why a throw-away venv and not `pip install --target`: pip ignores already-installed packages
with --target, so the second install would fetch torch again from the default index, where
the Linux build is the multi-GB CUDA one. In a venv the CPU torch installed first satisfies the
requirements' `torch==X` pin and pip only adds the rest (torch's own dependencies included).

    python3.11 install_worker_deps.py --requirements requirements.txt --out /deps \
        [--torch-index-url https://download.pytorch.org/whl/cpu | --torch-wheel FILE]
"""

import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
PIP_FLAGS = ("--no-cache-dir", "--disable-pip-version-check", "--no-input", "--quiet")
# Installer tooling of the throw-away venv, not worker dependencies.
VENV_TOOLING = re.compile(r"^pip(-[^/]*\.dist-info)?$")
# Only needed to compile or test extensions: C++ headers, CMake files, C++ test binaries and
# the packages' own test suites. Nothing imports them at run time (the image test proves it).
PRUNED_PATHS = ("torch/include", "torch/share", "torch/test")
PRUNED_DIR_NAMES = frozenset({"tests"})


def torch_pin(requirements: pathlib.Path) -> str:
    """The `X` of the requirements' `torch==X` line: the one place the torch version is set."""
    for line in requirements.read_text().splitlines():
        match = re.fullmatch(r"torch==([\w.+]+)", line.split("#", 1)[0].strip())
        if match:
            return match.group(1)
    raise SystemExit(f"{requirements}: no `torch==<version>` pin; the worker needs one")


def run(*command: str, capture: bool = False) -> str:
    # argv lists built here from our own paths, never a shell string
    done = subprocess.run(command, check=True, capture_output=capture, text=True)  # noqa: S603
    return done.stdout


def installed_versions(python: pathlib.Path) -> dict[str, str]:
    listing = run(str(python), "-m", "pip", "list", "--format=json", *PIP_FLAGS[:2], capture=True)
    return {entry["name"].lower(): entry["version"] for entry in json.loads(listing)}


def install(requirements: pathlib.Path, venv: pathlib.Path, torch_source: list[str]) -> str:
    """Install into `venv`; return the torch version, which must be the CPU one installed first."""
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "venv", str(venv))
    run(str(python), "-m", "pip", "install", *PIP_FLAGS, "--no-deps", *torch_source)
    cpu_torch = installed_versions(python)["torch"]
    run(str(python), "-m", "pip", "install", *PIP_FLAGS, "-r", str(requirements))
    versions = installed_versions(python)
    cuda = sorted(name for name in versions if name.startswith("nvidia-"))
    if versions["torch"] != cpu_torch or cuda:
        raise SystemExit(
            f"a CUDA torch build replaced the CPU one: torch {versions['torch']}, {cuda}"
        )
    return cpu_torch


def move_site_packages(venv: pathlib.Path, out: pathlib.Path) -> None:
    """Move (not copy: the venv sits on the same filesystem) every package into `out`."""
    (site_packages,) = venv.glob("lib/python3.*/site-packages")
    out.mkdir(parents=True)
    for entry in sorted(site_packages.iterdir()):
        if not VENV_TOOLING.match(entry.name):
            entry.rename(out / entry.name)


def prune(out: pathlib.Path) -> None:
    doomed = [out / relative for relative in PRUNED_PATHS]
    doomed += [p for p in out.rglob("*") if p.is_dir() and p.name in PRUNED_DIR_NAMES]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requirements", type=pathlib.Path, required=True)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--torch-index-url", default=CPU_TORCH_INDEX)
    source.add_argument("--torch-wheel", type=pathlib.Path, help="a local CPU torch wheel file")
    args = parser.parse_args(argv)

    pin = torch_pin(args.requirements)
    if args.torch_wheel:
        torch_source = [str(args.torch_wheel)]
    else:
        torch_source = ["--index-url", args.torch_index_url, f"torch=={pin}"]
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".worker-deps-", dir=out.parent) as work:
        venv = pathlib.Path(work) / "venv"
        torch_version = install(args.requirements, venv, torch_source)
        move_site_packages(venv, out)
    prune(out)
    print(f"{out}: worker dependencies installed (torch {torch_version}, pinned {pin})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
