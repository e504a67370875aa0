"""The output registries and options: formats, styles, conflicts, JSON layout, closed pipes."""

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import click
import pytest

from imnm import Classification, classify, cohort, serialize
from imnm.cli._app import EXAMPLE, cli
from imnm.cli._batch import INPUT_FORMATS
from imnm.cli._output import FORMATS, Format
from imnm.cli._styles import CLASSIFY_STYLES, SHOW_STYLES
from imnm.findings import COMBINATIONS

from .conftest import Invoke

COHORT = Path(__file__).parents[2] / "examples" / "cohort.csv"


def choices(command: str, option: str) -> tuple[str, ...]:
    group = cli
    assert isinstance(group, click.Group)
    (param,) = [p for p in group.commands[command].params if option in p.opts]
    assert isinstance(param.type, click.Choice)
    return tuple(param.type.choices)


def test_every_format_choice_comes_from_its_registry() -> None:
    assert choices("batch", "--format") == tuple(FORMATS)
    assert choices("table", "--format") == tuple(FORMATS)
    assert choices("batch", "--input-format") == tuple(INPUT_FORMATS)
    assert choices("classify", "--format") == tuple(CLASSIFY_STYLES)
    assert choices("show", "--format") == tuple(SHOW_STYLES)


@pytest.mark.parametrize(("name", "options"), [("out.json", []), ("out.txt", ["--format", "json"])])
def test_batch_writes_a_json_array_by_extension_or_format(
    invoke: Invoke, tmp_path: Path, name: str, options: list[str]
) -> None:
    out = tmp_path / name
    result = invoke(["batch", str(COHORT), str(out), *options])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 20
    assert set(rows[0]) == {"line", "id", *cohort.RESULT_COLUMNS}


def test_table_writes_json_lines_by_format(invoke: Invoke) -> None:
    result = invoke(["table", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == COMBINATIONS
    assert json.loads(lines[0])["anti_srp"] == "positive"


def test_the_error_report_takes_any_registered_format(invoke: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,elevated_ck\nA,maybe\n", encoding="utf-8")
    errors = tmp_path / "errors.json"
    result = invoke(["batch", str(source), str(tmp_path / "out.csv"), "--errors", str(errors)])
    assert result.exit_code == 1
    (row,) = json.loads(errors.read_text(encoding="utf-8"))
    assert (row["id"], row["field"], row["value"]) == ("A", "elevated_ck", "maybe")


@pytest.mark.parametrize(
    "args",
    [
        ["classify", "--example", "--json", "--markdown"],
        ["classify", "--example", "--format", "fhir", "--json"],
        ["classify", "--example", "--format", "text", "--markdown"],
        ["show", "--markdown", "--json"],
    ],
)
def test_options_that_ask_for_different_outputs_are_a_usage_error(
    invoke: Invoke, args: list[str]
) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert "Usage: imnm" in result.output
    assert "ask for different outputs" in result.output


def test_the_same_output_asked_twice_is_no_conflict(invoke: Invoke) -> None:
    twice = invoke(["classify", "--example", "--format", "json", "--json"])
    assert twice.exit_code == 0, twice.output
    assert twice.output == invoke(["classify", "--example", "--json"]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subject-id", "p-1"], "--subject-id applies only to --format phenopacket"),
        (["--json", "--created", "2024-05-01T12:00:00"], "--created applies only to"),
        (["--format", "phenopacket", "--patient-reference", "Patient/2"], "--format fhir"),
        (["--markdown", "--indent"], "--indent applies only to --format json or"),
        (["--compact"], "not to text output"),
    ],
)
def test_an_option_the_chosen_output_does_not_take_is_a_usage_error(
    invoke: Invoke, args: list[str], message: str
) -> None:
    result = invoke(["classify", "--example", *args])
    assert result.exit_code == 2
    assert "Usage: imnm" in result.output
    assert message in result.output


def test_show_refuses_the_json_layout_for_text(invoke: Invoke) -> None:
    result = invoke(["show", "--indent"])
    assert result.exit_code == 2
    assert "--indent applies only to --format json, not to text output" in result.output


def test_piped_json_is_the_compact_wire_format(invoke: Invoke) -> None:
    result = invoke(["classify", "--example", "--json"])
    assert result.output == serialize.dumps(classify(EXAMPLE)) + "\n"


@pytest.mark.parametrize(
    "args",
    [
        ["classify", "--example", "--json"],
        ["classify", "--example", "--format", "fhir"],
        ["show", "anti-srp", "--json"],
        ["show", "criteria", "--json"],
        ["schema", "findings"],
    ],
)
def test_indent_and_compact_choose_the_json_layout(invoke: Invoke, args: list[str]) -> None:
    indented = invoke([*args, "--indent"])
    compact = invoke([*args, "--compact"])
    assert (indented.exit_code, compact.exit_code) == (0, 0)
    document = json.loads(compact.output)
    assert compact.output == json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert indented.output == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert invoke(args).output == compact.output  # the runner's output is no terminal


MAIN = "import sys; from imnm.cli import main; main(sys.argv[1:])"


def run_on_a_terminal(args: list[str]) -> str:
    """Run ``imnm`` with its standard output on a pseudo-terminal; what it printed."""
    leader, follower = os.openpty()
    chunks = []
    with os.fdopen(leader, "rb") as screen:
        with subprocess.Popen([sys.executable, "-c", MAIN, *args], stdout=follower) as process:
            os.close(follower)
            while True:
                try:
                    chunk = screen.read1(1 << 16)
                except OSError:  # the terminal closes when the process ends
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        assert process.returncode == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_json_on_a_terminal_is_indented() -> None:
    output = run_on_a_terminal(["classify", "--example", "--json"])
    assert output.startswith('{\n  "kind": "classification",')
    assert serialize.loads(output, Classification) == classify(EXAMPLE)


@pytest.mark.parametrize(
    "args",
    [
        ["table"],
        ["show"],
        ["classify", "--example"],
        ["classify", "--example", "--json"],
        ["batch", str(COHORT), "-"],
    ],
)
def test_a_closed_pipe_ends_quietly_with_status_0(args: list[str]) -> None:
    # The reader is gone before the first write, as `imnm ... | true` does.
    with subprocess.Popen(
        [sys.executable, "-c", MAIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        process.stdout.close()
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    assert b"Traceback" not in errors
    assert b"Error" not in errors
    assert b"Exception ignored" not in errors


def test_a_closed_pipe_after_some_rows_still_ends_quietly() -> None:
    # As `imnm table | head -1` does: the reader takes a line, then goes away.
    with subprocess.Popen(
        [sys.executable, "-c", MAIN, "table"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        text = io.TextIOWrapper(process.stdout, encoding="utf-8")
        header = next(csv.reader(text))
        text.close()
        _, errors = process.communicate(timeout=60)
    assert header[0] == "anti_srp"
    assert (process.returncode, errors) == (0, b"")


class _Lengths:
    """A made-up binary row format: each row as its cell count, one byte."""

    def __init__(self, stream: IO[bytes], columns: tuple[str, ...]) -> None:
        self._stream = stream
        stream.write(bytes([len(columns)]))

    def write(self, row: Sequence[object]) -> None:
        self._stream.write(bytes([len(row)]))

    def close(self) -> None:
        self._stream.write(b"\x00")


@pytest.mark.parametrize("to_stdout", [False, True])
def test_a_new_format_is_one_registry_entry(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to_stdout: bool
) -> None:
    monkeypatch.setitem(
        FORMATS, "lengths", Format(extensions=(".len",), writer=_Lengths, binary=True)
    )
    out = tmp_path / "table.len"
    if to_stdout:
        # The --format choices are fixed when the commands load; the extension guess is not.
        monkeypatch.setattr("imnm.cli._app.format_for", lambda *_: "lengths")
        result = invoke(["table"])
        written = result.stdout_bytes
    else:
        result = invoke(["table", "--output", str(out)])
        written = out.read_bytes()
    assert result.exit_code == 0, result.output
    width = len(cohort.TABLE_COLUMNS)
    assert written == bytes([width]) + bytes([width]) * COMBINATIONS + b"\x00"
