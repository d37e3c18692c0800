"""Build the enqueue function's deployment zip reproducibly: same sources, same bytes, same hash.

The zip root is the `lambda/` folder (the same file set Terraform's `archive_file` packs), so
`asyncinfer_enqueue.handler.handler` and `asyncinfer_shared` import from the zip's top level.
Reproducible means no trace of the machine or the moment of the build: entries are sorted,
every timestamp is the zip epoch and every file gets the same permissions.

    python .ci/build_enqueue_zip.py --out build/enqueue.zip
"""

import argparse
import base64
import hashlib
import pathlib
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "lambda"

# requirements.txt only documents that the zip ships no third-party packages; bytecode is
# rebuilt by the runtime and would make the zip depend on which Python ran the tests.
EXCLUDED_FILES = frozenset({"requirements.txt"})
EXCLUDED_DIRS = frozenset({"__pycache__"})
EXCLUDED_SUFFIXES = frozenset({".pyc"})

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
COMPRESS_LEVEL = 9


def source_files(source_dir: pathlib.Path = SOURCE_DIR) -> list[pathlib.Path]:
    """The files that go into the zip, as paths relative to `source_dir`, in archive order."""
    chosen = []
    for path in source_dir.rglob("*"):
        relative = path.relative_to(source_dir)
        if not path.is_file() or EXCLUDED_DIRS.intersection(relative.parts[:-1]):
            continue
        if relative.name in EXCLUDED_FILES or path.suffix in EXCLUDED_SUFFIXES:
            continue
        chosen.append(relative)
    return sorted(chosen, key=lambda p: p.as_posix())


def build_zip(out: pathlib.Path, source_dir: pathlib.Path = SOURCE_DIR) -> bytes:
    """Write the zip to `out` (atomically) and return its bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for relative in source_files(source_dir):
            info = zipfile.ZipInfo(relative.as_posix(), date_time=ZIP_EPOCH)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # unix, so the mode above is honoured on extraction
            info.compress_type = zipfile.ZIP_DEFLATED
            data = (source_dir / relative).read_bytes()
            archive.writestr(info, data, compresslevel=COMPRESS_LEVEL)
    partial.replace(out)
    return out.read_bytes()


def describe(data: bytes) -> str:
    """Size and both hash spellings: hex for people, base64 as Terraform's source_code_hash."""
    digest = hashlib.sha256(data).digest()
    return (
        f"size_bytes={len(data)} sha256={digest.hex()} "
        f"sha256_base64={base64.b64encode(digest).decode()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "enqueue.zip")
    parser.add_argument("--source", type=pathlib.Path, default=SOURCE_DIR)
    args = parser.parse_args(argv)
    data = build_zip(args.out, args.source)
    print(f"{args.out}: {describe(data)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
