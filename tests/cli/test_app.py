import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import attrs
import jsonschema
import pytest

import imnm
from imnm import (
    Biopsy,
    Classification,
    Complication,
    Criterion,
    Disease,
    Findings,
    OntologyTerm,
    Presence,
    Reference,
    Serology,
    Subtype,
    catalog,
    classify,
    cohort,
    serialize,
)
from imnm.cli import _render, main
from imnm.cli._app import EXAMPLE
from imnm.cli._fields import FIELDS
from imnm.findings import COMBINATIONS

from .conftest import Invoke

COHORT = Path(__file__).parents[2] / "examples" / "cohort.csv"


def test_version_prints_the_package_version(invoke: Invoke) -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.output == f"imnm {imnm.__version__}\n"


def test_classify_example_explains_the_built_in_case(invoke: Invoke) -> None:
    result = invoke(["classify", "--example"])
    assert result.exit_code == 0, result.output
    assert classify(EXAMPLE).summary in result.output
    assert "Rules" in result.output
    assert "doi:10.1016/j.nmd.2017.09.016" in result.output


def test_classify_reads_findings_from_options(invoke: Invoke) -> None:
    args = [
        "classify",
        "--anti-srp",
        "positive",
        "--anti-hmgcr",
        "negative",
        "--other-msa",
        "negative",
        "--elevated-ck",
        "present",
        "--proximal-weakness",
        "absent",
        "--markdown",
    ]
    result = invoke(args)
    assert result.exit_code == 0, result.output
    findings = Findings(
        anti_srp=Serology.POSITIVE,
        anti_hmgcr=Serology.NEGATIVE,
        other_msa=Serology.NEGATIVE,
        elevated_ck=Presence.PRESENT,
        proximal_weakness=Presence.ABSENT,
    )
    assert result.output == _render.classification_markdown(classify(findings))


def test_options_override_the_example(invoke: Invoke) -> None:
    result = invoke(["classify", "--example", "--muscle-biopsy", "not_done", "--markdown"])
    assert result.exit_code == 0, result.output
    expected = classify(attrs.evolve(EXAMPLE, muscle_biopsy=Biopsy.NOT_DONE))
    assert result.output == _render.classification_markdown(expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["classify"], "give findings"),
        (["classify", "--elevated-ck", "maybe"], "'maybe' is not one of"),
        (["classify", "--anti-srp"], "requires an argument"),
        (["classify", "--colour", "red"], "No such option"),
        (["show", "anti-xyz"], "'anti-xyz' is not one of"),
        (["table", "--format", "xml"], "'xml' is not one of"),
        (["batch", "missing.csv", "out.csv"], "does not exist"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2_with_the_usage_line(
    invoke: Invoke, args: list[str], message: str
) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert "Usage: imnm" in result.output
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "topic",
    [
        None,
        "anti-srp",
        "anti-hmgcr",
        "autoantibody-negative",
        "complications",
        "criteria",
        "references",
    ],
)
def test_show_prints_each_topic(invoke: Invoke, topic: str | None) -> None:
    args = ["show"] if topic is None else ["show", topic]
    text = invoke(args)
    markdown = invoke([*args, "--markdown"])
    assert (text.exit_code, markdown.exit_code) == (0, 0)
    assert markdown.output.startswith("# ")
    first_heading = markdown.output.splitlines()[0].lstrip("# ").replace("`", "")
    assert first_heading in text.output


def test_show_markdown_is_the_render_function(invoke: Invoke) -> None:
    assert invoke(["show", "--markdown"]).output == _render.disease_markdown()
    assert invoke(["show", "anti-srp", "--markdown"]).output == _render.subtype_markdown(
        catalog.ANTI_SRP
    )


def test_table_prints_every_combination_as_csv(invoke: Invoke) -> None:
    result = invoke(["table"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == COMBINATIONS
    assert rows[0]["anti_srp"] == "positive"


@pytest.mark.parametrize(
    ("name", "options"), [("table.json", []), ("table.txt", ["--format", "json"])]
)
def test_table_writes_json_to_a_file(
    invoke: Invoke, tmp_path: Path, name: str, options: list[str]
) -> None:
    path = tmp_path / name
    result = invoke(["table", "--output", str(path), *options])
    assert (result.exit_code, result.output) == (0, "")
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert len(rows) == COMBINATIONS
    assert set(rows[0]) == {*(field.name for field in FIELDS), *cohort.RESULT_COLUMNS}


def test_table_to_an_unwritable_path_is_a_one_line_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["table", "--output", str(tmp_path / "missing" / "t.csv")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "Error" in result.output


def read_csv_output(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_batch_classifies_the_example_cohort(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke(["batch", str(COHORT), str(out)])
    assert result.exit_code == 0, result.output
    assert "20 rows classified, 0 failed" in result.output
    with COHORT.open(encoding="utf-8", newline="") as stream:
        cohort = list(csv.DictReader(stream))
    rows = read_csv_output(out.read_text(encoding="utf-8"))
    assert [row["id"] for row in rows] == [row["id"] for row in cohort]
    assert [row["line"] for row in rows] == [str(n) for n in range(2, 22)]
    assert {row["criteria"] for row in rows} == {"met", "not_met", "insufficient_data"}


def test_batch_reports_a_bad_row_and_still_writes_the_others(
    invoke: Invoke, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,anti_hmgcr,elevated_ck\nA,positive,present\nB,positive,maybe\nC,negative,absent\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = invoke(["batch", str(source), str(out)])
    assert result.exit_code == 1
    assert [row["id"] for row in read_csv_output(out.read_text(encoding="utf-8"))] == ["A", "C"]
    assert "line 3 (id B): elevated_ck:" in result.output
    assert "'maybe'" in result.output
    assert "2 rows classified, 1 failed" in result.output
    assert "Traceback" not in result.output


def test_batch_writes_the_error_report_to_a_file(invoke: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,anti_srp\nA,positive\nB,\xffpositive\n")
    report = tmp_path / "errors.csv"
    result = invoke(["batch", str(source), str(tmp_path / "out.jsonl"), "--errors", str(report)])
    assert result.exit_code == 1
    (error,) = read_csv_output(report.read_text(encoding="utf-8", errors="surrogateescape"))
    assert (error["line"], error["id"], error["field"]) == ("3", "B", "anti_srp")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["A"]


def test_batch_streams_json_lines_from_stdin_to_stdout(invoke: Invoke) -> None:
    stdin = '{"id": "A", "anti_srp": "positive"}\n{"anti_srp": 1}\n'
    result = invoke(["batch", "-", "-", "--input-format", "jsonl", "--format", "jsonl"], stdin)
    assert result.exit_code == 1
    first = json.loads(result.stdout.splitlines()[0])
    expected = classify(Findings(anti_srp=Serology.POSITIVE))
    assert expected.subtype is not None
    assert first == {
        "line": 1,
        "id": "A",
        "subtype": expected.subtype.id,
        "criteria": expected.criteria.value,
        "classified_subtype": None,
        "ruleset": "enmc-2016",
        "ruleset_version": "2",
        "disclaimer": expected.disclaimer,
    }
    assert "line 2: anti_srp: " in result.stderr
    assert "got 1" in result.stderr


def test_batch_refuses_an_unknown_column_in_one_line(invoke: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,elevated_cq\nA,present\n", encoding="utf-8")
    result = invoke(["batch", str(source), str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: unknown column 'elevated_cq' (did you mean 'elevated_ck'?)"
    )
    assert result.output.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()


def test_batch_shows_progress_on_a_terminal(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("imnm.cli._app._PROGRESS_EVERY", 5)
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = tmp_path / "out.csv"
    result = invoke(["batch", str(COHORT), str(out)])
    assert result.exit_code == 0, result.output
    assert len(read_csv_output(out.read_text(encoding="utf-8"))) == 20


def test_main_without_the_cli_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "click", None)
    monkeypatch.delitem(sys.modules, "imnm.cli._app")
    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 1
    assert (
        capsys.readouterr().err
        == 'imnm: the command line needs the "cli" extra: pip install "imnm[cli]"\n'
    )


def test_the_installed_script_runs_the_example() -> None:
    script = Path(sys.executable).parent / "imnm"
    completed = subprocess.run(
        [str(script), "classify", "--example"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert classify(EXAMPLE).summary in completed.stdout


def test_loading_the_commands_leaves_out_what_batch_does_not_use() -> None:
    # Start-up is paid once per batch run: Markdown rendering, the progress bar
    # and the package metadata are imported only by the commands that use them.
    heavy = ("rich.markdown", "rich.progress", "importlib.metadata")
    code = f"import sys, imnm.cli._app; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_main_runs_the_command_and_exits_with_its_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out == f"imnm {imnm.__version__}\n"


def test_main_does_not_hide_a_broken_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "imnm.cli._batch", None)
    monkeypatch.delitem(sys.modules, "imnm.cli._app")
    with pytest.raises(ModuleNotFoundError, match=r"imnm\.cli\._batch"):
        main(["--version"])


def check(document: object, cls: type) -> None:
    jsonschema.validate(document, serialize.json_schema(cls))


def test_classify_json_is_the_wire_format_and_valid_against_its_schema(invoke: Invoke) -> None:
    result = invoke(["classify", "--example", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    check(document, Classification)
    assert serialize.from_dict(document, Classification) == classify(EXAMPLE)


def test_classify_reads_a_findings_document_from_a_file_or_stdin(
    invoke: Invoke, tmp_path: Path
) -> None:
    findings = Findings(anti_srp=Serology.POSITIVE, elevated_ck=Presence.PRESENT)
    path = tmp_path / "case.json"
    path.write_text(serialize.dumps(findings), encoding="utf-8")
    from_file = invoke(["classify", str(path), "--json"])
    from_stdin = invoke(
        ["classify", "-", "--json"], '{"anti_srp": "positive", "elevated_ck": "present"}'
    )
    overridden = invoke(["classify", str(path), "--elevated-ck", "absent", "--json"])
    assert (from_file.exit_code, from_stdin.exit_code, overridden.exit_code) == (0, 0, 0)
    expected = classify(findings)
    assert serialize.loads(from_file.output, Classification) == expected
    assert serialize.loads(from_stdin.output, Classification) == expected
    assert serialize.loads(overridden.output, Classification) == classify(
        attrs.evolve(findings, elevated_ck=Presence.ABSENT)
    )


@pytest.mark.parametrize(
    ("document", "names"),
    [
        ('{"elevated_ck": "maybe"}', ["$.elevated_ck", '"maybe"']),
        ("{not json", ["malformed JSON"]),
        (b'{"anti_srp": "\xff"}', ["UTF-8"]),
        ('{"kind": "classification"}', ["$.kind"]),
    ],
)
def test_a_bad_document_is_a_one_line_data_error(
    invoke: Invoke, document: str | bytes, names: list[str]
) -> None:
    result = invoke(["classify", "-"], document)
    assert result.exit_code == 1
    assert result.output.startswith("Error: invalid payload")
    assert result.output.count("\n") == 1
    for name in names:
        assert name in result.output


def test_classify_takes_a_document_or_the_example_not_both(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["classify", "-", "--example"], "{}")
    assert result.exit_code == 2
    assert "not both" in result.output


@pytest.mark.parametrize(
    ("topic", "cls"),
    [
        (None, Disease),
        ("anti-srp", Subtype),
        ("complications", Complication),
        ("criteria", Criterion),
        ("references", Reference),
    ],
)
def test_show_json_gives_documents_valid_against_their_schema(
    invoke: Invoke, topic: str | None, cls: type
) -> None:
    result = invoke(["show", "--json"] if topic is None else ["show", topic, "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    for item in document if isinstance(document, list) else [document]:
        check(item, cls)
        assert serialize.from_dict(item, cls) is not None
    if topic is None:
        assert serialize.from_dict(document, Disease) == catalog.IMNM


@pytest.mark.parametrize(
    ("kind", "cls"),
    [("findings", Findings), ("classification", Classification), ("ontology_term", OntologyTerm)],
)
def test_schema_prints_the_json_schema_of_a_kind(invoke: Invoke, kind: str, cls: type) -> None:
    result = invoke(["schema", kind])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == serialize.json_schema(cls)


def test_classify_format_json_is_the_same_as_the_json_flag(invoke: Invoke) -> None:
    assert invoke(["classify", "--example", "--format", "json"]).output == (
        invoke(["classify", "--example", "--json"]).output
    )


def test_classify_prints_a_phenopacket_that_reads_back_to_its_findings(invoke: Invoke) -> None:
    from imnm.interop import from_phenopacket

    result = invoke(
        [
            "classify",
            "--example",
            "--format",
            "phenopacket",
            "--subject-id",
            "p-7",
            "--created",
            "2024-05-01T12:00:00",
        ]
    )
    assert result.exit_code == 0, result.output
    packet = json.loads(result.output)
    assert packet["subject"]["id"] == "p-7"
    assert packet["metaData"]["created"] == "2024-05-01T12:00:00Z"
    assert [d["term"]["id"] for d in packet["diseases"]] == ["ORPHA:206569"]
    # A phenopacket carries neither statin exposure nor extra-muscular features.
    assert from_phenopacket(packet) == attrs.evolve(
        EXAMPLE, statin_exposure=Presence.UNKNOWN, extramuscular_features=Presence.UNKNOWN
    )


def test_classify_prints_a_fhir_condition_for_the_patient_reference(invoke: Invoke) -> None:
    result = invoke(
        [
            "classify",
            "--anti-srp",
            "positive",
            "--format",
            "fhir",
            "--patient-reference",
            "Patient/9",
        ]
    )
    assert result.exit_code == 0, result.output
    condition = json.loads(result.output)
    assert condition["resourceType"] == "Condition"
    assert condition["subject"] == {"reference": "Patient/9"}
    # Anti-SRP alone: the criteria lack data, so the Condition is not confirmed.
    assert condition["verificationStatus"]["coding"][0]["code"] == "unconfirmed"


def test_classify_writes_no_condition_when_the_criteria_are_not_met(invoke: Invoke) -> None:
    args = ["classify", "--anti-hmgcr", "positive", "--proximal-weakness", "absent"]
    refused = invoke([*args, "--format", "fhir"])
    assert refused.exit_code == 1
    assert "no Condition is written" in refused.output
    assert "refuted" not in refused.output.replace("refuted would", "")
    result = invoke([*args, "--format", "fhir-observation", "--patient-reference", "Patient/9"])
    assert result.exit_code == 0, result.output
    observation = json.loads(result.output)
    assert observation["resourceType"] == "Observation"
    assert observation["subject"] == {"reference": "Patient/9"}
    assert observation["valueCodeableConcept"] == {"text": "ENMC 2016 criteria: not met"}


def test_show_does_not_offer_the_interop_formats(invoke: Invoke) -> None:
    result = invoke(["show", "--format", "fhir"])
    assert result.exit_code == 2
    assert "Usage:" in result.output
