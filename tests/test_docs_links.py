"""The docs stand alone: every relative link in the repository's Markdown names a file of
the repository (and a heading of it, for `#anchor`), and no Markdown points outside."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SKIPPED_DIRS = {"out", "node_modules", "build", "dist"}
# [text](target) and ![alt](target), with an optional "title"; and [label]: target
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)
# a path written in backticks that climbs out of the file's folder: `../shared/x.md`
_CLIMBING = re.compile(r"`(\.\./[^`\s]+)`")
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _markdown_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.md")
        if not any(
            part.startswith(".") or part in _SKIPPED_DIRS
            for part in path.relative_to(ROOT).parts[:-1]
        )
    )


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_\[\]()]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m) for m in re.findall(r"^#{1,6}\s+(.*?)\s*#*$", text, flags=re.M)}


def _inside(path: Path, root: Path) -> bool:
    return path.is_relative_to(root) and path.exists()


def _problems(path: Path, root: Path = ROOT) -> list[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    prose = re.sub(r"`[^`\n]*`", "", text)  # a pattern in backticks is no link
    targets = _INLINE.findall(prose) + _REFERENCE.findall(prose)
    # a path in backticks that climbs must reach a file of the repository from this file
    problems = [
        f"names {found!r}, outside the repository"
        for found in _CLIMBING.findall(text)
        if not _inside((path.parent / found).resolve(), root)
    ]
    for target in targets:
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if file.startswith("/") or not linked.is_relative_to(root):
            problems.append(f"links {target!r}, outside the repository")
        elif not _inside(linked, root):
            problems.append(f"links {target!r}, which does not exist")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            problems.append(f"links {target!r}, whose file has no heading '#{anchor}'")
    return problems


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_links_stay_inside_the_repository(path: Path) -> None:
    assert _problems(path) == []


def test_the_link_check_sees_a_link_out_and_a_broken_anchor(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "spec.md").write_text("# Spec\n## Diagnostics\n", encoding="utf-8")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "DESIGN.md").write_text("# Design\n", encoding="utf-8")
    page = root / "docs" / "page.md"
    page.write_text(
        "# Title\n[a](../../shared/DESIGN.md) [b](spec.md#no-such-heading) [c](#title)\n"
        "[d](spec.md#diagnostics) [e](https://example.com/x) [f](gone.md)\n"
        "The language is in `../../shared/SPEC.md`, the rest in `../shared/DESIGN.md`.\n",
        encoding="utf-8",
    )
    assert _problems(page, root.resolve()) == [
        "names '../../shared/SPEC.md', outside the repository",
        "names '../shared/DESIGN.md', outside the repository",
        "links '../../shared/DESIGN.md', outside the repository",
        "links 'spec.md#no-such-heading', whose file has no heading '#no-such-heading'",
        "links 'gone.md', which does not exist",
    ]


def test_the_docs_are_found() -> None:
    found = {str(path.relative_to(ROOT)) for path in _markdown_files()}
    assert {"README.md", "docs/design.md", "docs/spec.md", "docs/architecture.md"} <= found
