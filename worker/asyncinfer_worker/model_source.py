"""Turn MODEL_PATH (a local path or `s3://bucket/key`) into a local file, and name its version."""

from __future__ import annotations

import hashlib
import pathlib
import tempfile
from collections.abc import Callable
from urllib.parse import urlparse

S3_SCHEME = "s3"
# Lambda's only writable disk; survives between invocations of one container.
DOWNLOAD_DIR = pathlib.Path(tempfile.gettempdir()) / "asyncinfer-model"
VERSION_HASH_CHARS = 12


class ModelSourceError(RuntimeError):
    """MODEL_PATH names nothing the worker can load."""


def split_s3_uri(model_path: str) -> tuple[str, str]:
    parsed = urlparse(model_path)
    bucket, key = parsed.netloc, parsed.path.lstrip("/")
    if parsed.scheme != S3_SCHEME or not bucket or not key or key.endswith("/"):
        raise ModelSourceError(f"MODEL_PATH {model_path!r} is not an s3://bucket/key URI")
    return bucket, key


def local_model_file(model_path: str, s3_client_factory: Callable[[], object]) -> pathlib.Path:
    """The model as a local file: the path itself, or the S3 object downloaded to /tmp.

    The S3 client is only asked for when MODEL_PATH is an s3:// URI.
    """
    if model_path.startswith(f"{S3_SCHEME}://"):
        bucket, key = split_s3_uri(model_path)
        target = DOWNLOAD_DIR / pathlib.PurePosixPath(key).name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Download next to the target and rename, so a failed download never leaves a torn file.
        partial = target.with_suffix(target.suffix + ".part")
        s3_client_factory().download_file(bucket, key, str(partial))
        partial.replace(target)
        return target
    path = pathlib.Path(model_path)
    if not path.is_file():
        raise ModelSourceError(f"MODEL_PATH {model_path!r} is not a file")
    return path


def model_version(path: pathlib.Path) -> str:
    """`<file stem>-<first 12 hex digits of the file's sha256>`: names the exact bytes served."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return f"{path.stem}-{digest[:VERSION_HASH_CHARS]}"
