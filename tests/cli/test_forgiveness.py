"""The command line's one rule for what a person types, and what it says back.

Values (CSV cells, JSON Lines string values, option values) and names (CSV
columns, JSON Lines keys) are matched after stripping ASCII whitespace and
lower-casing ASCII letters; everything else must be exact.  Refusals name
the nearest valid value.  The wire format's own reader stays strict.
"""

import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imnm import Findings, InvalidPayload, Presence, Serology, serialize
from imnm.cli._batch import read_csv, read_jsonl
from imnm.cli._fields import FIELDS
from imnm.cli._words import ASCII_WHITESPACE, expected, fold, plural, suggestion

from .conftest import Invoke

WIRE_VALUES = sorted({value for field in FIELDS for value in field.values})


@st.composite
def typed_like_a_person(draw: st.DrawFn, value: str) -> str:
    """*value* with any ASCII letter's case flipped and ASCII whitespace around it."""
    flips = draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
    cased = "".join(c.upper() if flip else c for c, flip in zip(value, flips, strict=True))
    pad = st.text(alphabet=ASCII_WHITESPACE, max_size=3)
    return draw(pad) + cased + draw(pad)


@given(st.data())
def test_every_field_reads_its_values_whatever_the_case_and_ascii_spacing(
    data: st.DataObject,
) -> None:
    field = data.draw(st.sampled_from(FIELDS))
    member = data.draw(st.sampled_from(list(field.enum_type)))
    text = data.draw(typed_like_a_person(str(member.value)))
    assert field.parse(text) is member
    assert fold(fold(text)) == fold(text) == member.value


@pytest.mark.parametrize(
    ("text", "near"),
    [
        ("pos", "positive"),
        ("postive", "positive"),
        ("Negatve", "negative"),
        ("not tested", "not_tested"),
        ("positive\u00a0", "positive"),
    ],
)
def test_a_refusal_names_the_nearest_value(text: str, near: str) -> None:
    choices = FIELDS[0].values
    assert suggestion(text, choices) == f" (did you mean {near!r}?)"
    assert expected(text, choices).startswith(
        f"one of 'positive', 'negative', 'not_tested' (did you mean {near!r}?)"
    )


def test_a_refusal_names_a_non_ascii_character_and_suggests_nothing_far() -> None:
    assert "U+00A0, which is not ASCII" in expected("positive\u00a0", FIELDS[0].values)
    assert suggestion("zzz", FIELDS[0].values) == ""
    assert suggestion("", FIELDS[0].values) == ""


def test_plural_forms() -> None:
    assert [plural(n, "row") for n in (0, 1, 2, 1000)] == [
        "0 rows",
        "1 row",
        "2 rows",
        "1,000 rows",
    ]
    assert plural(3, "key", "keys") == "3 keys"


def test_the_wire_format_stays_strict() -> None:
    with pytest.raises(InvalidPayload, match="anti_srp"):
        serialize.loads('{"anti_srp": "Positive"}', Findings)
    with pytest.raises(InvalidPayload, match="anti_srp"):
        serialize.loads('{"anti_srp": " positive "}', Findings)


# One rule for CSV, JSON Lines and options: the same spellings in all three.
SPELLINGS = ["positive", "Positive", "POSITIVE", " positive ", "\tPositive\f"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_csv_json_lines_and_options_accept_the_same_spellings(
    invoke: Invoke, spelling: str
) -> None:
    expected_findings = Findings(anti_srp=Serology.POSITIVE, elevated_ck=Presence.PRESENT)
    cells = f"ID , Anti_SRP ,elevated_ck\n1,{spelling},PRESENT\n"
    (csv_row,) = list(read_csv(io.StringIO(cells)))
    line = json.dumps({" Id": 1, "ANTI_SRP": spelling, "elevated_ck": "Present "})
    (json_row,) = list(read_jsonl(io.StringIO(line)))
    assert isinstance(csv_row, tuple)
    assert isinstance(json_row, tuple)
    (row_id, from_csv), (json_id, from_jsonl) = csv_row[1:3], json_row[1:3]
    assert (from_csv, from_jsonl, row_id, json_id) == (expected_findings,) * 2 + ("1",) * 2
    result = invoke(["classify", "--anti-srp", spelling, "--elevated-ck", "Present", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"]["anti_srp"] == "positive"


@pytest.mark.parametrize("spelling", ["pos", "positive\u00a0", "not tested"])
def test_csv_json_lines_and_options_refuse_the_same_spellings(
    invoke: Invoke, spelling: str
) -> None:
    cells = f"anti_srp\n{spelling}\n"
    (from_csv,) = list(read_csv(io.StringIO(cells)))
    (from_jsonl,) = list(read_jsonl(io.StringIO(json.dumps({"anti_srp": spelling}))))
    result = invoke(["classify", "--anti-srp", spelling])
    assert result.exit_code == 2
    near = suggestion(spelling, FIELDS[0].values)
    assert near
    for error in (from_csv, from_jsonl):
        assert not isinstance(error, tuple)
        assert (error.field, error.value) == ("anti_srp", spelling)
        assert near in error.message
    assert near in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "anti-srb"], "(did you mean 'anti-srp'?)"),
        (["schema", "finding"], "(did you mean 'findings'?)"),
        (["table", "--format", "jsnl"], "(did you mean 'jsonl'?)"),
        (["classify", "--example", "--format", "fhri"], "(did you mean 'fhir'?)"),
    ],
)
def test_every_choice_option_suggests_the_nearest(
    invoke: Invoke, args: list[str], message: str
) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    "args",
    [["show", " Anti-SRP ", "--markdown"], ["classify", "--example", "--format", "Markdown"]],
)
def test_every_choice_option_follows_the_rule(invoke: Invoke, args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# ")


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_batch_reads_a_semicolon_or_tab_separated_file_and_says_so(
    invoke: Invoke, tmp_path: Path, delimiter: str, name: str
) -> None:
    source = tmp_path / "in.csv"
    rows = [["id", "anti_srp", "anti_hmgcr"], ["A", "positive", "negative"]]
    source.write_text("".join(delimiter.join(row) + "\n" for row in rows), encoding="utf-8")
    result = invoke(["batch", str(source), "-"])
    assert result.exit_code == 0, result.output
    assert f"imnm: reading the input as {name}-separated\n" in result.stderr
    assert result.stdout.splitlines()[1].startswith("2,A,")


def test_a_mixed_header_says_the_file_looks_semicolon_separated() -> None:
    # The sniffer sees commas, yet the names hold semicolons.
    with pytest.raises(ValueError, match="looks semicolon-separated"):
        read_csv(io.StringIO("id,anti_srp;anti_hmgcr,elevated_ck\n"))


def test_missing_columns_are_named_once_at_the_start(invoke: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    columns = [field.name for field in FIELDS if field.name not in {"other_msa", "muscle_biopsy"}]
    source.write_text(
        ",".join(columns) + "\n" + ("," * (len(columns) - 1) + "\n") * 3, encoding="utf-8"
    )
    result = invoke(["batch", str(source), str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    notice = (
        "imnm: the input has no column other_msa, muscle_biopsy: every row reads them as "
        "unknown (other_msa=not_tested, muscle_biopsy=not_done)\n"
    )
    assert result.stderr.count(notice) == 1
    assert result.stderr.index(notice) == 0
    assert "3 rows classified" in result.stderr


def test_one_missing_column_reads_as_it(tmp_path: Path) -> None:
    columns = [field.name for field in FIELDS[:-1]]
    said: list[str] = []
    read_csv(io.StringIO(",".join(columns) + "\n"), notice=said.append)
    assert said == [
        "the input has no column muscle_biopsy: every row reads it as unknown "
        "(muscle_biopsy=not_done)"
    ]


def test_ignored_columns_are_named(invoke: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("age,anti_srp,site\n40,positive,x\n", encoding="utf-8")
    result = invoke(["batch", str(source), "-", "--ignore-extra-columns"])
    assert result.exit_code == 0, result.output
    assert "imnm: ignoring 2 columns (--ignore-extra-columns): 'age', 'site'\n" in result.stderr


def test_ignored_json_keys_are_named_once_each() -> None:
    lines = [{"age": 40, "anti_srp": "positive"}, {"age": 41, "Site": "x"}, {"site": "y"}]
    said: list[str] = []
    text = "".join(json.dumps(line) + "\n" for line in lines)
    rows = list(read_jsonl(io.StringIO(text), ignore_extra=True, notice=said.append))
    assert len(rows) == 3
    assert said == [
        "ignoring the key 'age', first on line 1 (--ignore-extra-columns)",
        "ignoring the key 'site', first on line 2 (--ignore-extra-columns)",
    ]


def test_a_json_object_whose_keys_repeat_after_folding_is_one_error() -> None:
    line = json.dumps({"id": "A", "anti_srp": "positive", "ANTI_SRP": "negative"})
    (error,) = list(read_jsonl(io.StringIO(line)))
    assert not isinstance(error, tuple)
    assert (error.id, error.message) == ("A", "the object repeats a key (case and spaces aside)")


def test_a_csv_header_whose_names_repeat_after_folding_is_refused() -> None:
    with pytest.raises(ValueError, match="repeats the column"):
        read_csv(io.StringIO("anti_srp,Anti_SRP\n"))


def test_one_row_is_counted_in_the_singular(invoke: Invoke) -> None:
    result = invoke(["batch", "-", "-"], "anti_srp\npositive\n")
    assert result.exit_code == 0, result.output
    assert "imnm: 1 row classified, 0 failed," in result.stderr
