"""The README and docs render as written: no code block swallows the sections after it,
and every relative link points to a file in the repository."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SECTION_HEADING = re.compile(r"^#{2,6} \S")


def tokens(document: Path) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(document.read_text(encoding="utf-8"))


def walk(found: list[Token]) -> Iterator[Token]:
    for token in found:
        yield token
        yield from walk(token.children or [])


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_section_heading_is_outside_a_code_block(document: Path) -> None:
    parsed = tokens(document)
    for token in parsed:
        if token.type not in ("fence", "code_block"):
            continue
        for line in token.content.splitlines():
            assert not SECTION_HEADING.match(line), (
                f"{document.name} line {token.map[0] + 1 if token.map else '?'}: a code block "
                f"holds the heading {line!r}; is a closing fence missing or on a content line?"
            )
            assert not line.startswith("```"), f"{document.name}: a fence inside a code block"
    headings = [t for t in parsed if t.type == "heading_open" and t.tag != "h1"]
    source_headings = [
        line for line in _outside_fences(document) if SECTION_HEADING.match(line)
    ]
    assert len(headings) == len(source_headings)


def _outside_fences(document: Path) -> Iterator[str]:
    inside = False
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
            continue
        if not inside:
            yield line


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves_inside_the_repository(document: Path) -> None:
    targets = []
    for token in walk(tokens(document)):
        if token.type == "link_open":
            targets.append(str(token.attrs.get("href", "")))
        elif token.type == "image":
            targets.append(str(token.attrs.get("src", "")))
    for target in targets:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        path = (document.parent / target.split("#", 1)[0]).resolve()
        assert path.exists(), f"{document.name} links to {target}, which does not exist"
        assert path.is_relative_to(ROOT), f"{document.name} links outside the repository"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_no_document_points_to_files_outside_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert "../shared" not in text and "shared/reference" not in text
