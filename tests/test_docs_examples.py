"""The Python examples in README.md and docs/ run, so they cannot rot.

Every ```python fenced block of a file runs, in order, in one namespace per file
(a later block may use what an earlier one defined).  Blocks of other languages
(console sessions, Mermaid, ...) are not run.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

# Reads files of the repository checkout, which an installed wheel does not have.
pytestmark = pytest.mark.source_tree

ROOT = Path(__file__).resolve().parents[1]

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```python[ \t]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def python_blocks(markdown: str) -> list[tuple[int, str]]:
    """Each ```python block of *markdown*: (line of its first code line, dedented code)."""
    return [
        (markdown.count("\n", 0, match.start("code")) + 1, textwrap.dedent(match["code"]))
        for match in _FENCE.finditer(markdown)
    ]


DOCUMENTS = [
    path
    for path in (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")))
    if python_blocks(path.read_text(encoding="utf-8"))
]


def test_python_blocks_finds_indented_blocks_and_skips_other_languages() -> None:
    markdown = (
        "Intro\n\n```python\nx = 1\n```\n\n```console\n$ imnm\n```\n\n"
        "!!! note\n\n    ```python\n    y = 2\n    ```\n"
    )
    assert python_blocks(markdown) == [(4, "x = 1\n"), (14, "y = 2\n")]


def test_the_home_page_and_the_readme_have_examples() -> None:
    # Guards the collection below: a broken pattern would silently run nothing.
    assert {ROOT / "README.md", ROOT / "docs" / "index.md"} <= set(DOCUMENTS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_python_examples_run(path: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__docs_example__"}
    for line, code in python_blocks(path.read_text(encoding="utf-8")):
        # Leading newlines make a traceback point at the line in the Markdown file.
        exec(compile("\n" * (line - 1) + code, str(path), "exec"), namespace)


_JSON_DOCUMENT = re.compile(r"^```json[ \t]*\n(?P<json>\{.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def test_every_wire_document_shown_in_the_docs_loads_as_the_current_version_writes_it() -> None:
    # A document on a page that names its kind is the wire format's: it loads (a
    # result by the current rule set is re-derived, so its every word is checked)
    # and is exactly what the current version writes for it.
    import json

    from imnm import serialize

    shown = 0
    for path in sorted((ROOT / "docs").rglob("*.md")):
        for match in _JSON_DOCUMENT.finditer(path.read_text(encoding="utf-8")):
            document = json.loads(match["json"])
            if "imnm_format" not in document:
                continue
            cls = serialize.DOCUMENT_KINDS[document["kind"]]
            assert serialize.to_dict(serialize.from_dict(document, cls)) == document, path
            shown += 1
    assert shown >= 1
