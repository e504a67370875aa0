"""``imnm batch`` never loses data: shared paths refused, outputs written whole or not at all."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imnm import Findings, Serology
from imnm.cli._batch import Parsed, RowError, read_csv, read_jsonl

from .conftest import Invoke

ROWS = "".join(f"r{i},positive\n" for i in range(200))
CSV = "id,anti_hmgcr\n" + ROWS
IMNM = Path(sys.executable).with_name("imnm")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def no_partial_files(directory: Path) -> bool:
    return not [name for name in os.listdir(directory) if name.endswith(".imnm-part")]


# --- Item 1: an output that is an input (or the other output) is refused -------


def test_output_that_is_the_input_is_refused_before_anything_is_opened(
    invoke: Invoke, tmp_path: Path
) -> None:
    source = write(tmp_path / "in.csv", CSV)
    result = invoke(["batch", str(source), str(source)])
    assert result.exit_code == 2
    assert "OUTPUT (" in result.output
    assert "same file as INPUT" in result.output
    assert source.read_text(encoding="utf-8") == CSV


@pytest.mark.parametrize("how", ["symlink", "hardlink", "dotted"])
def test_every_other_name_of_the_input_is_refused(invoke: Invoke, tmp_path: Path, how: str) -> None:
    source = write(tmp_path / "in.csv", CSV)
    other = tmp_path / "other.csv"
    if how == "symlink":
        other.symlink_to(source)
    elif how == "hardlink":
        os.link(source, other)
    else:
        other = tmp_path / "." / "sub" / ".." / "in.csv"
        (tmp_path / "sub").mkdir()
    result = invoke(["batch", str(source), str(tmp_path / "out.csv"), "--errors", str(other)])
    assert result.exit_code == 2
    assert "--errors" in result.output
    assert source.read_text(encoding="utf-8") == CSV
    assert not (tmp_path / "out.csv").exists()


def test_the_two_outputs_may_not_be_one_file_even_before_it_exists(
    invoke: Invoke, tmp_path: Path
) -> None:
    source = write(tmp_path / "in.csv", CSV)
    target = tmp_path / "out.csv"
    result = invoke(["batch", str(source), str(target), "--errors", str(target)])
    assert result.exit_code == 2
    assert "same file as OUTPUT" in result.output
    assert not target.exists()


def test_devices_may_be_shared(invoke: Invoke, tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", CSV)
    result = invoke(["batch", str(source), os.devnull, "--errors", os.devnull])
    assert result.exit_code == 0, result.output


def test_standard_output_that_is_the_input_file_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", CSV)
    with source.open("a", encoding="utf-8") as appended:
        done = subprocess.run(
            [str(IMNM), "batch", str(source), "-"],
            stdout=appended,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert "OUTPUT (-) is the same file as INPUT" in done.stderr
    assert source.read_text(encoding="utf-8") == CSV


# --- Item 2: written all at once or not at all ------------------------------------


def test_an_unwritable_error_report_leaves_the_earlier_output_as_it_was(
    invoke: Invoke, tmp_path: Path
) -> None:
    source = write(tmp_path / "in.csv", CSV)
    target = write(tmp_path / "out.csv", "EARLIER\n")
    missing = tmp_path / "no" / "such" / "errors.csv"
    result = invoke(["batch", str(source), str(target), "--errors", str(missing)])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if "Error" in line] == [
        f"Error: could not write {missing}: No such file or directory"
    ]
    assert "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "EARLIER\n"
    assert no_partial_files(tmp_path)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_line_not_a_traceback(invoke: Invoke, tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", CSV)
    result = invoke(["batch", str(source), "/dev/full"])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if "Error" in line] == [
        "Error: could not write /dev/full: No space left on device"
    ]
    assert "Traceback" not in result.output


def test_a_failed_run_removes_its_partial_file_and_keeps_the_earlier_one(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imnm.cli._app as app

    def fail_half_way(rows: object, write_result: object, write_error: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(app, "run_batch", fail_half_way)
    source = write(tmp_path / "in.csv", CSV)
    target = write(tmp_path / "out.csv", "EARLIER\n")
    result = invoke(["batch", str(source), str(target)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert target.read_text(encoding="utf-8") == "EARLIER\n"
    assert no_partial_files(tmp_path)


def test_a_replaced_output_keeps_its_mode_and_a_link_keeps_naming_it(
    invoke: Invoke, tmp_path: Path
) -> None:
    source = write(tmp_path / "in.csv", CSV)
    target = write(tmp_path / "out.csv", "EARLIER\n")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = invoke(["batch", str(source), str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8").count("\n") == 201
    assert no_partial_files(tmp_path)


def test_an_interrupted_batch_leaves_no_half_written_file_and_exits_130(tmp_path: Path) -> None:
    """A real ``imnm batch`` process, interrupted while it reads a pipe that is still open."""
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)
    target = write(tmp_path / "out.csv", "EARLIER\n")
    errors = write(tmp_path / "errors.csv", "EARLIER ERRORS\n")
    process = subprocess.Popen(
        [str(IMNM), "batch", str(fifo), str(target), "--errors", str(errors)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with fifo.open("w", encoding="utf-8") as feed:
        feed.write(
            "id,anti_hmgcr\n" + "".join(f"r{i},positive\nbad{i},maybe\n" for i in range(5000))
        )
        feed.flush()
        deadline = time.monotonic() + 30
        while len(os.listdir(tmp_path)) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)  # until both partial files exist: the run is under way
        assert len(os.listdir(tmp_path)) == 5
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == "imnm: interrupted; no output file was written or changed"
    assert "Traceback" not in stderr
    assert target.read_text(encoding="utf-8") == "EARLIER\n"
    assert errors.read_text(encoding="utf-8") == "EARLIER ERRORS\n"
    assert no_partial_files(tmp_path)


def test_a_whole_run_accounts_for_every_row(tmp_path: Path) -> None:
    """Rows in = rows out + rows reported, across hostile rows, in a real process."""
    lines = []
    for i in range(30):
        lines.append(json.dumps({"id": f"ok{i}", "anti_srp": "positive"}))
        lines.append("[" * 100_000 + "]" * 100_000)  # deeper than any parser's stack
        lines.append('{"id": "lone\\ud800", "anti_srp": "positive"}')
        lines.append('{"anti_srp": "positive", "anti_srp": "negative"}')
        lines.append('{"anti_srp": NaN}')
        lines.append('{"id": [1, 2], "anti_hmgcr": "positive"}')
    source = write(tmp_path / "in.jsonl", "\n".join(lines) + "\n")
    target = tmp_path / "out.csv"
    errors = tmp_path / "errors.csv"
    done = subprocess.run(
        [str(IMNM), "batch", str(source), str(target), "--errors", str(errors)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    out_rows = target.read_text(encoding="utf-8").splitlines()[1:]
    error_rows = errors.read_text(encoding="utf-8").splitlines()[1:]
    assert len(out_rows) == 60
    assert len(error_rows) == 120
    assert len(out_rows) + len(error_rows) == len(lines)
    assert "60 rows classified, 120 failed" in done.stderr
    assert ',"[1,2]",anti-hmgcr,' in "\n".join(out_rows)  # a JSON id written as JSON


# --- Item 3: one bad row is one reported row ---------------------------------------


def jsonl(text: str) -> list[Parsed | RowError]:
    return list(read_jsonl(io.StringIO(text, newline="")))


def test_a_row_nested_100000_deep_is_one_reported_row() -> None:
    first, deep, last = jsonl('{"anti_srp": "positive"}\n' + "[" * 100_000 + "\n{}\n")
    assert isinstance(deep, RowError)
    assert (deep.line, deep.message) == (2, "the document nests deeper than 32 levels")
    assert first == (1, None, Findings(anti_srp=Serology.POSITIVE))
    assert last == (3, None, Findings())


def test_a_lone_surrogate_in_an_id_is_one_reported_row_shown_escaped() -> None:
    (error,) = jsonl('{"id": "x\\udc00y"}\n')
    assert isinstance(error, RowError)
    assert error.id == "x\\udc00y"
    assert "lone surrogate" in error.message


def test_a_line_over_the_size_limit_is_one_reported_row_and_reading_goes_on() -> None:
    from imnm import serialize

    huge = '{"id": "' + "x" * (serialize.MAX_DOCUMENT_SIZE + 10) + '"}'
    error, good = jsonl(huge + "\n{}\n")
    assert isinstance(error, RowError)
    assert "longer than the limit" in error.message
    assert good == (2, None, Findings())


def test_an_unexpected_failure_of_one_row_is_reported_and_the_rest_still_come(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import imnm.cli._batch as batch

    def explode(*args: object) -> object:
        raise MemoryError

    monkeypatch.setattr(batch, "_jsonl_row", explode)
    rows = jsonl("{}\n{}\n")
    assert [row.message for row in rows if isinstance(row, RowError)] == [
        "could not be read (MemoryError)",
        "could not be read (MemoryError)",
    ]


def test_a_stray_quote_that_swallows_rows_is_reported_with_the_lines_it_took() -> None:
    text = 'id,anti_srp\nA,positive\nB,"negative\nC,positive\n"\nD,negative\n'
    rows = list(read_csv(io.StringIO(text, newline="")))
    assert rows[0] == (2, "A", Findings(anti_srp=Serology.POSITIVE))
    assert isinstance(rows[1], RowError)
    assert rows[1].line == 3
    assert "lines 3 to 5" in rows[1].message
    assert "quote" in rows[1].message
    assert rows[2] == (6, "D", Findings(anti_srp=Serology.NEGATIVE))


def test_a_shown_row_value_is_bounded() -> None:
    error = RowError(line=1, id=None, field="anti_srp", value="x" * 1_000_000, message="bad")
    assert len(str(error)) < 200


# --- Item 7: rows are read as strictly as documents, whatever came before --------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"anti_srp": "positive", "anti_srp": "negative"}', 'duplicate key "anti_srp"'),
        ('{"anti_srp": NaN}', "NaN is not a JSON value"),
        ('{"anti_srp": Infinity}', "Infinity is not a JSON value"),
        ('{"imnm_format": true}', "expected a format version (1 or more); got true"),
        ('{"imnm_format": 1.5}', "expected a format version (1 or more); got 1.5"),
    ],
)
def test_json_lines_are_as_strict_as_documents(line: str, message: str) -> None:
    from imnm import serialize
    from imnm.errors import InvalidPayload

    with pytest.raises(InvalidPayload, match=re.escape(message)):
        serialize.loads(line, Findings)
    (error,) = jsonl(line + "\n")
    assert isinstance(error, RowError)
    assert message in error.message


def test_equal_but_differently_typed_values_never_share_a_cached_reading() -> None:
    """1, 1.0 and true are equal and hash alike; only the numbers are a format version."""
    lines = ['{"imnm_format": 1}', '{"imnm_format": true}', '{"imnm_format": 1.0}']
    for order in (lines, lines[::-1], lines[1:] + lines[:1]):
        rows = dict(zip(order, jsonl("\n".join(order) + "\n"), strict=True))
        assert not isinstance(rows['{"imnm_format": 1}'], RowError)
        assert isinstance(rows['{"imnm_format": true}'], RowError)
        assert not isinstance(rows['{"imnm_format": 1.0}'], RowError)


def test_a_bare_carriage_return_is_json_whitespace_not_a_line_break() -> None:
    rows = jsonl('{"anti_srp":\r"positive"}\r\n{"anti_hmgcr": "positive"}\n')
    assert rows == [
        (1, None, Findings(anti_srp=Serology.POSITIVE)),
        (2, None, Findings(anti_hmgcr=Serology.POSITIVE)),
    ]


def test_non_string_ids_are_their_json_text() -> None:
    rows = jsonl('{"id": 7}\n{"id": true}\n{"id": {"a": [1, "é"]}}\n')
    assert [row[1] for row in rows if not isinstance(row, RowError)] == [
        "7",
        "true",
        '{"a":[1,"é"]}',
    ]


# --- Item 12: imnm classify FILE reads at most the limit plus one byte ------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_classify_reads_an_endless_file_only_up_to_the_limit(invoke: Invoke) -> None:
    from imnm import serialize

    result = invoke(["classify", "/dev/zero"])
    assert result.exit_code == 1
    assert f"the limit is {serialize.MAX_DOCUMENT_SIZE}" in result.output
    assert f"{serialize.MAX_DOCUMENT_SIZE + 1} bytes long" in result.output


def test_an_interrupt_of_any_command_is_one_line_and_status_130(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imnm.cli._app as app

    def interrupted(findings: Findings) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(app, "classify_findings", interrupted)
    result = invoke(["classify", "--example"])
    assert result.exit_code == 130
    assert result.output == "imnm: interrupted; no output file was written or changed\n"


# --- Low: --created out of range is a usage error ------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+0100", "9999-12-31T23:59:59-0100"])
def test_a_created_moment_utc_cannot_hold_is_a_usage_error(invoke: Invoke, moment: str) -> None:
    result = invoke(["classify", "--example", "--format", "phenopacket", "--created", moment])
    assert result.exit_code == 2
    assert "is outside the years 1 to 9999 in UTC" in result.output
    assert "Traceback" not in result.output
