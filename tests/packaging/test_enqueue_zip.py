"""The enqueue zip: reproducible, small, only our code, and importable on its own."""

import ast
import fnmatch
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import hcl2

from tests.packaging.ci_scripts import ROOT

ZIP_BUDGET_BYTES = 100 * 1024
ALLOWED_PACKAGES = ("asyncinfer_enqueue/", "asyncinfer_shared/")
# Imported by the handler only through the runtime's boto3, never shipped or needed in the zip.
FORBIDDEN_IMPORTS = ("torch", "numpy")


def test_two_builds_are_byte_identical(zip_builder, enqueue_zip, tmp_path):
    # A later build with every source file touched must not change a byte: no mtimes leak in.
    for path in zip_builder.SOURCE_DIR.rglob("*.py"):
        os.utime(path)
    second = tmp_path / "again.zip"
    zip_builder.build_zip(second)
    assert second.read_bytes() == enqueue_zip.read_bytes()


def test_zip_holds_only_enqueue_and_shared_python_files(enqueue_zip):
    names = zipfile.ZipFile(enqueue_zip).namelist()
    assert "asyncinfer_enqueue/handler.py" in names
    assert "asyncinfer_shared/contract.py" in names
    strays = [n for n in names if not (n.startswith(ALLOWED_PACKAGES) and n.endswith(".py"))]
    assert strays == []


def test_zip_entries_are_sorted_with_fixed_time_and_mode(enqueue_zip):
    infos = zipfile.ZipFile(enqueue_zip).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_zip_ships_no_third_party_package(enqueue_zip):
    top_level = {n.split("/", 1)[0] for n in zipfile.ZipFile(enqueue_zip).namelist()}
    assert top_level == {"asyncinfer_enqueue", "asyncinfer_shared"}


def test_zip_code_never_imports_torch(enqueue_zip):
    archive = zipfile.ZipFile(enqueue_zip)
    offenders = []
    for name in archive.namelist():
        for node in ast.walk(ast.parse(archive.read(name), filename=name)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            offenders += [(name, m) for m in modules if m.split(".")[0] in FORBIDDEN_IMPORTS]
    assert offenders == []


def test_zip_fits_the_size_budget(enqueue_zip):
    assert enqueue_zip.stat().st_size <= ZIP_BUDGET_BYTES


def test_handler_imports_from_the_zip_alone(enqueue_zip):
    # -I -S: no repo folders from the dev venv's .pth file; the zip plus the site-packages that
    # hold boto3 (which the Lambda runtime provides) is the Lambda import path.
    probe = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(enqueue_zip)!r}]\n"
        f"sys.path.append({sysconfig.get_paths()['purelib']!r})\n"
        "import asyncinfer_enqueue.handler as h\n"
        "print(json.dumps({'file': h.__file__, 'callable': callable(h.handler),\n"
        "                  'torch': 'torch' in sys.modules}))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
        "RESULTS_TABLE": "results",
        "QUEUE_URL": "http://127.0.0.1:1/000000000000/work",
    }
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=enqueue_zip.parent,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert pathlib.PurePath(loaded["file"]).is_relative_to(enqueue_zip)
    assert loaded["callable"] is True
    assert loaded["torch"] is False


def test_make_package_prints_size_and_sha256(zip_builder, tmp_path, capsys):
    out = tmp_path / "enqueue.zip"
    assert zip_builder.main(["--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"size_bytes={out.stat().st_size}" in printed
    assert f"sha256={hashlib.sha256(out.read_bytes()).hexdigest()}" in printed


def test_bytecode_and_requirements_file_are_left_out(zip_builder, tmp_path):
    source = tmp_path / "lambda"
    shutil.copytree(zip_builder.SOURCE_DIR, source)
    (source / "asyncinfer_enqueue" / "__pycache__").mkdir(exist_ok=True)
    (source / "asyncinfer_enqueue" / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"x")
    (source / "asyncinfer_shared" / "stray.pyc").write_bytes(b"x")
    names = [p.as_posix() for p in zip_builder.source_files(source)]
    assert "requirements.txt" not in names
    assert [n for n in names if "__pycache__" in n or n.endswith(".pyc")] == []
    assert "asyncinfer_enqueue/handler.py" in names


def terraform_archive_excludes() -> tuple[str, list[str]]:
    """source_dir and excludes of infra/main.tf's archive_file "enqueue" (what Terraform packs)."""
    blocks = hcl2.load((ROOT / "infra" / "main.tf").open())["data"]
    (archive,) = [b['"archive_file"']['"enqueue"'] for b in blocks if '"archive_file"' in b]
    return archive["source_dir"].strip('"'), [e.strip('"') for e in archive["excludes"]]


def excluded_by_globs(relative: pathlib.PurePosixPath, patterns: list[str]) -> bool:
    """The archive provider's glob excludes: `**/x` matches a file or folder named x anywhere."""
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatchcase(part, pattern[3:]) for part in relative.parts):
                return True
        elif fnmatch.fnmatchcase(relative.as_posix(), pattern):
            return True
    return False


def test_zip_packs_the_same_files_as_terraforms_archive_file(zip_builder, tmp_path):
    source_dir, excludes = terraform_archive_excludes()
    assert source_dir.endswith("/../lambda")
    # Bytecode is present once tests have imported the code; plant some to be sure.
    source = tmp_path / "lambda"
    shutil.copytree(zip_builder.SOURCE_DIR, source)
    (source / "asyncinfer_shared" / "__pycache__").mkdir(exist_ok=True)
    (source / "asyncinfer_shared" / "__pycache__" / "contract.cpython-311.pyc").write_bytes(b"x")
    every_file = [p.relative_to(source) for p in source.rglob("*") if p.is_file()]
    terraform_packs = sorted(
        p.as_posix()
        for p in every_file
        if not excluded_by_globs(pathlib.PurePosixPath(p), excludes)
    )
    assert [p.as_posix() for p in zip_builder.source_files(source)] == terraform_packs
