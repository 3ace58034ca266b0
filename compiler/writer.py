"""Writes out/<name>/ all or nothing: a staging folder beside it, then one atomic swap.

Besides the given files the folder gets manifest.json (every file -> sha256, sorted) and
README.txt (how to upload and create the stack by hand). On any error the previous
folder is left as it was, no staging folder remains, and the error is a diagnostic.

Safe under concurrency and kills: the files are written into `.<name>.new-*` (flock-ed
while its writer lives), then, holding a lock on the output root, the staging folder and
out/<name> are exchanged in one `renameat2(RENAME_EXCHANGE)` (Linux): a reader or a kill
sees the old folder or the new one, never a mix and never none; concurrent compiles swap
one after the other. Staging folders of killed runs (their flock gone) are removed by the
next write. Nothing is written outside the output root: file names are plain relative
paths, and a symbolic link at out/<name> is refused, never followed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

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
       --template-url https://BUCKET.s3.REGION.amazonaws.com/PREFIX/root.{ext} \\
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


def _escaping(names: Mapping[str, bytes]) -> list[str]:
    """File names that are not plain relative paths inside the folder."""
    bad = []
    for name in names:
        path = PurePosixPath(name)
        if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
            bad.append(name)
    return bad


def _fill(folder: Path, files: Mapping[str, bytes]) -> None:
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@contextmanager
def _flocked(folder: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive flock on `folder` (False, without waiting, when another holds it)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A fresh staging folder beside `out_dir`, flock-ed while this run lives; removed after
    (after a swap it holds the previous folder)."""
    with _flocked(out_dir.parent):  # created and locked in one step: never taken for an orphan
        staged = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
        fd = os.open(staged, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        staged.chmod(0o755)  # mkdtemp makes it private; the output is an ordinary folder
        yield staged
    finally:
        shutil.rmtree(staged, ignore_errors=True)
        os.close(fd)


def _leftovers(out_dir: Path) -> dict[str, list[Path]]:
    """The `.<name>.new-*` and `.<name>.old-*` folders beside `out_dir`, sorted, from one
    listing (a batch's output root holds a folder per stack: each listing costs)."""
    names = os.listdir(out_dir.parent)
    found = {}
    for kind in ("new", "old"):
        prefix = f".{out_dir.name}.{kind}-"
        found[kind] = sorted(out_dir.parent / name for name in names if name.startswith(prefix))
    return found


def _clear_orphans(out_dir: Path) -> None:
    """Remove what killed runs left beside `out_dir` (called with the output root locked)."""
    left = _leftovers(out_dir)
    for leftover in left["new"]:
        try:
            with _flocked(leftover, blocking=False) as orphan:
                if orphan:
                    shutil.rmtree(leftover, ignore_errors=True)
        except FileNotFoundError:  # its live writer removed it since the listing
            continue
    for old in left["old"]:
        if out_dir.exists():  # a fallback swap killed half way keeps the old folder here
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(out_dir)


_AT_FDCWD = -100  # linux/fcntl.h
_RENAME_EXCHANGE = 2  # linux/fs.h


@cache
def _renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # not glibc/Linux: the two-rename fallback
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]  # fmt: skip
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths; False where the system or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE):
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            return False
        raise OSError(code, os.strerror(code), str(second))
    return True


def _install(staged: Path, out_dir: Path) -> None:
    """Put `staged` in place of `out_dir` (which, after a swap, is left in `staged`)."""
    try:
        staged.rename(out_dir)  # no folder yet (or an empty one)
        return
    except OSError as error:
        if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(staged, out_dir):
        return
    # No atomic exchange: out/<name> -> .old-*, staged -> out/<name>. A kill in between
    # leaves .old-*, which the next write puts back (_clear_orphans).
    old = staged.with_name(staged.name.replace(".new-", ".old-", 1))
    out_dir.rename(old)
    try:
        staged.rename(out_dir)
    except OSError:
        old.rename(out_dir)
        raise
    old.rename(staged)  # the staging context removes it


def write_out(
    files: Mapping[str, str | bytes], out_dir: Path, ext: str = "yaml"
) -> list[Diagnostic]:
    """Write `files` plus manifest.json and README.txt as the folder `out_dir`, atomically."""
    data = _as_bytes(files)
    data[README] = readme_text(out_dir.name, ext).encode("utf-8")
    data[MANIFEST] = manifest_text(data).encode("utf-8")
    escaping = _escaping(data)
    if escaping:
        return [_problem(out_dir, f"file name '{escaping[0]}' would be written outside it")]
    try:
        if out_dir.is_symlink():  # following it would write outside the output root
            return [_problem(out_dir, "is a symbolic link; remove it or choose another --out")]
        if out_dir.exists() and not out_dir.is_dir():
            return [_problem(out_dir, "exists and is not a folder")]
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with _staging(out_dir) as staged:
            _fill(staged, data)
            with _flocked(out_dir.parent):
                _clear_orphans(out_dir)
                _install(staged, out_dir)
    except OSError as error:
        reason = error.strerror or str(error)
        return [_problem(out_dir, f"cannot write the output folder: {reason.lower()}")]
    return []
