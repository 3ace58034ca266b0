"""Writes out/<name>/ all or nothing: a temp folder beside it, then a rename.

Besides the given files the folder gets manifest.json (every file -> sha256, sorted) and
README.txt (how to upload and create the stack by hand). On any error the previous
folder is left as it was, no temp folder remains, and the error is a diagnostic.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity

MANIFEST = "manifest.json"
README = "README.txt"
CODE_UNWRITABLE = "TS501"

_README = """\
{name}: CloudFormation templates compiled by tinystack.

Deploy with `tsc deploy`, or by hand:

1. Upload this folder (here out/{name}) to an S3 bucket in the stack's region:
     aws s3 sync out/{name} s3://BUCKET/PREFIX/
2. Create the stack from root.{ext}, naming where the templates are:
     aws cloudformation create-stack --stack-name {name} \\
       --template-url https://BUCKET.s3.amazonaws.com/PREFIX/root.{ext} \\
       --parameters ParameterKey=TemplateBucket,ParameterValue=BUCKET \\
                    ParameterKey=TemplatePrefix,ParameterValue=PREFIX/ \\
       --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND
3. Read the stack's Outputs: endpoint URLs, the pipeline, and the source to push to
   (a created connection must be activated once in the console).
4. After a change, sync to the same PREFIX/ and update-stack the same way. Nested
   templates are named by their content (service-dev.<sha256>.yaml), so only the nested
   stacks whose templates changed are updated.

Files and their sha256 are listed in {manifest}.
"""


def manifest_text(files: Mapping[str, bytes]) -> str:
    """manifest.json: each file name -> sha256 of its bytes, sorted by name."""
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    return json.dumps({"files": digests}, indent=2, sort_keys=True) + "\n"


def readme_text(name: str, ext: str) -> str:
    """README.txt: uploading the folder and creating the stack by hand (no local paths)."""
    return _README.format(name=name, ext=ext, manifest=MANIFEST)


def _as_bytes(files: Mapping[str, str | bytes]) -> dict[str, bytes]:
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}


def _problem(out_dir: Path, message: str) -> Diagnostic:
    return Diagnostic(
        str(out_dir), 1, 1, Severity.ERROR, CODE_UNWRITABLE, "", message,
        "Choose a writable folder with --out.",
    )  # fmt: skip


def _fill(folder: Path, files: Mapping[str, bytes]) -> None:
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _swap(staged: Path, out_dir: Path) -> None:
    """Put `staged` in place of `out_dir`; on failure `out_dir` is as it was."""
    if not out_dir.exists():
        staged.rename(out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    old.rmdir()  # only its unique name is wanted
    out_dir.rename(old)
    try:
        staged.rename(out_dir)
    except OSError:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_out(
    files: Mapping[str, str | bytes], out_dir: Path, ext: str = "yaml"
) -> list[Diagnostic]:
    """Write `files` plus manifest.json and README.txt as the folder `out_dir`, atomically."""
    data = _as_bytes(files)
    data[README] = readme_text(out_dir.name, ext).encode("utf-8")
    data[MANIFEST] = manifest_text(data).encode("utf-8")
    staged: Path | None = None
    try:
        if out_dir.exists() and not out_dir.is_dir():
            return [_problem(out_dir, "exists and is not a folder")]
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
        staged.chmod(0o755)  # mkdtemp makes it private; the output is an ordinary folder
        _fill(staged, data)
        _swap(staged, out_dir)
        staged = None
    except OSError as error:
        reason = error.strerror or str(error)
        return [_problem(out_dir, f"cannot write the output folder: {reason.lower()}")]
    finally:
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)
    return []
