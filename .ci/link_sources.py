"""Put the repo's source folders on the dev venv's import path.

The enqueue function (lambda/) and the worker (worker/) are not installable distributions:
each ships as its own artifact. A .pth file makes `import asyncinfer_enqueue`,
`import asyncinfer_worker` and `import asyncinfer_shared` work in the venv exactly as they do
on the Lambda import path, without copying code.
"""

import pathlib
import sysconfig

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("lambda", "worker", ".")

pth = pathlib.Path(sysconfig.get_paths()["purelib"]) / "asyncinfer-sources.pth"
pth.write_text("".join(f"{ROOT / name}\n" for name in SOURCE_DIRS))
print(f"wrote {pth}")
