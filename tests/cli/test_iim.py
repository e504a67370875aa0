import csv
import json
from pathlib import Path

import attrs
import pytest

from imnm import Findings, Presence, Serology, serialize
from imnm.cli._iim import BIOPSY_OPTIONS, IIM_OPTIONS, iim_findings_from_text
from imnm.cohort import result_cells
from imnm.combined import SideBySide, side_by_side
from imnm.iim import BiopsyFeatures, IIMAssessment, IIMFindings, assess
from imnm.ruleset import DISCLAIMER

from .conftest import Invoke

# Onset at 30 (1.3) + Gottron's sign (3.3) + proximal upper weakness (0.7) = 5.3
POSSIBLE = [
    "--age-at-onset",
    "30",
    "--gottron-sign",
    "present",
    "--proximal-upper-weakness",
    "present",
    *(
        arg
        for name in (
            "proximal-lower-weakness",
            "neck-flexors-weaker",
            "legs-proximal-weaker",
            "heliotrope-rash",
            "gottron-papules",
            "dysphagia",
            "elevated-muscle-enzymes",
        )
        for arg in (f"--{name}", "absent")
    ),
    "--anti-jo1",
    "negative",
]


def test_the_options_are_the_fields_with_their_docstrings() -> None:
    names = [option.name for option in IIM_OPTIONS]
    assert names == [f.name for f in attrs.fields(IIMFindings) if f.name != "biopsy"]
    assert [option.name for option in BIOPSY_OPTIONS] == [
        f.name for f in attrs.fields(BiopsyFeatures)
    ]
    heliotrope = next(o for o in IIM_OPTIONS if o.name == "heliotrope_rash")
    assert (heliotrope.option, heliotrope.help, heliotrope.values) == (
        "--heliotrope-rash",
        "Heliotrope rash.",
        ("present", "absent", "unknown"),
    )


def test_assess_reads_options_and_explains_the_result(invoke: Invoke) -> None:
    result = invoke(["assess", *POSSIBLE, "--markdown"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "# EULAR/ACR 2017: possible IIM (score 5.3, without biopsy data)\n"
    )
    assert "| Gottron's sign | scored | 3.3 | Lundberg 2017, Table 1 |" in result.output
    assert "doi:10.1136/annrheumdis-2017-211468" in result.output
    assert "doi:10.1002/art.40320" in result.output
    assert "no anti-SRP, anti-HMGCR or necrosis item" in result.output


def test_assess_json_is_the_wire_format(invoke: Invoke) -> None:
    result = invoke(["assess", *POSSIBLE, "--json"])
    assert result.exit_code == 0, result.output
    loaded = serialize.loads(result.output, IIMAssessment)
    assert loaded.category.value == "possible"
    assert json.loads(result.output)["score_low"] == "5.3"


def test_assess_text_renders_for_the_terminal(invoke: Invoke) -> None:
    result = invoke(["assess", "--age-at-onset", "50"])
    assert result.exit_code == 0, result.output
    assert "insufficient data" in result.output
    assert "#" not in result.output.splitlines()[0]


def test_a_biopsy_feature_option_means_biopsy_data(invoke: Invoke) -> None:
    result = invoke(["assess", "--rimmed-vacuoles", "present", "--json"])
    loaded = serialize.loads(result.output, IIMAssessment)
    assert loaded.with_biopsy
    assert loaded.findings.biopsy == BiopsyFeatures(rimmed_vacuoles=Presence.PRESENT)
    flag = serialize.loads(invoke(["assess", "--biopsy-data", "--json"]).output, IIMAssessment)
    assert flag.findings.biopsy == BiopsyFeatures()


def test_assess_reads_a_document_and_options_override_it(invoke: Invoke) -> None:
    document = serialize.dumps(IIMFindings(age_at_onset=45, heliotrope_rash=Presence.PRESENT))
    result = invoke(["assess", "-", "--heliotrope-rash", "absent", "--json"], stdin=document)
    assert result.exit_code == 0, result.output
    loaded = serialize.loads(result.output, IIMAssessment)
    assert loaded.findings == IIMFindings(age_at_onset=45, heliotrope_rash=Presence.ABSENT)


def test_enmc_options_print_both_side_by_side(invoke: Invoke) -> None:
    args = ["assess", "--anti-hmgcr", "positive", "--anti-srp", "negative"]
    args += ["--elevated-ck", "present", "--proximal-lower-weakness", "present"]
    result = invoke([*args, "--json"])
    assert result.exit_code == 0, result.output
    both = serialize.loads(result.output, SideBySide)
    expected = side_by_side(
        Findings(
            anti_hmgcr=Serology.POSITIVE,
            anti_srp=Serology.NEGATIVE,
            elevated_ck=Presence.PRESENT,
        ),
        IIMFindings(proximal_lower_weakness=Presence.PRESENT),
    )
    assert both == expected
    assert both.classification.findings.proximal_weakness is Presence.PRESENT
    markdown = invoke([*args, "--markdown"]).output
    assert markdown.startswith("# ENMC 2016 and EULAR/ACR 2017, side by side\n")
    assert "## Shared facts filled in" in markdown
    assert "## Where they diverge" in markdown
    assert "## Anti-HMGCR positive; ENMC 2016 criteria met for anti-HMGCR myopathy" in markdown
    assert "### Rules" in markdown
    # One disclaimer closes the page: the parts' own words, once.
    assert markdown.count(both.classification.disclaimer) == 1
    assert markdown.rstrip().endswith(f"*{both.assessment.disclaimer}*")
    with_flag = invoke(["assess", "--with-enmc", "--json"])
    assert serialize.loads(with_flag.output, SideBySide).classification.findings == Findings()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assess"], "give findings as options or a JSON DOCUMENT"),
        (["assess", "--age-at-onset", "200"], "age_at_onset: must be a whole number of years"),
        (["assess", "--age-at-onset", "x"], "'x' is not a valid integer"),
        (["assess", "--heliotrope-rash", "yes"], "'yes' is not one of"),
    ],
)
def test_assess_refuses_bad_input(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke(args)
    assert result.exit_code != 0
    assert message in result.output


def test_a_contradiction_between_the_two_sets_is_a_one_line_error(invoke: Invoke) -> None:
    result = invoke(["assess", "--elevated-ck", "present", "--elevated-muscle-enzymes", "absent"])
    assert result.exit_code == 1
    assert "enmc elevated_ck is present, but iim elevated_muscle_enzymes is absent" in result.output


def test_iim_findings_from_text_parses_each_kind_of_field() -> None:
    base = IIMFindings(biopsy=BiopsyFeatures(rimmed_vacuoles=Presence.ABSENT))
    found = iim_findings_from_text(
        base, {"age_at_onset": " 40 ", "anti_jo1": "positive", "perifascicular_atrophy": "present"}
    )
    assert found == IIMFindings(
        age_at_onset=40,
        anti_jo1=Serology.POSITIVE,
        biopsy=BiopsyFeatures(
            rimmed_vacuoles=Presence.ABSENT, perifascicular_atrophy=Presence.PRESENT
        ),
    )
    assert assess(found).with_biopsy
    with pytest.raises(ValueError, match="must be a whole number of years"):
        iim_findings_from_text(IIMFindings(), {"age_at_onset": "-3"})
    with pytest.raises(ValueError, match="anti_jo1: must be one of 'positive'"):
        iim_findings_from_text(IIMFindings(), {"anti_jo1": "present"})


def test_batch_adds_the_eular_acr_columns_when_the_input_has_them(
    invoke: Invoke, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        "id,anti_hmgcr,anti_srp,other_msa,elevated_ck,Age_At_Onset,heliotrope_rash,"
        "proximal_lower_weakness,rimmed_vacuoles\n"
        "p1,positive,negative,negative,present,50,absent,present,\n"
        "p2,positive,negative,negative,present, 30 ,Present,present,absent\n"
        "p3,,,,,x,,,\n"
        "p4,,,,present,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = invoke(["batch", str(cohort), str(out)])
    assert result.exit_code == 1  # p3 failed
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == [
        "line",
        "id",
        "subtype",
        "criteria",
        "classified_subtype",
        "ruleset",
        "ruleset_version",
        "disclaimer",
        "iim_category",
        "iim_score_low",
        "iim_score_high",
    ]
    expected = {
        "p1": side_by_side(
            Findings(
                anti_hmgcr=Serology.POSITIVE,
                anti_srp=Serology.NEGATIVE,
                other_msa=Serology.NEGATIVE,
                elevated_ck=Presence.PRESENT,
            ),
            IIMFindings(
                age_at_onset=50,
                heliotrope_rash=Presence.ABSENT,
                proximal_lower_weakness=Presence.PRESENT,
            ),
        ),
        "p2": side_by_side(
            Findings(
                anti_hmgcr=Serology.POSITIVE,
                anti_srp=Serology.NEGATIVE,
                other_msa=Serology.NEGATIVE,
                elevated_ck=Presence.PRESENT,
            ),
            IIMFindings(
                age_at_onset=30,
                heliotrope_rash=Presence.PRESENT,
                proximal_lower_weakness=Presence.PRESENT,
                biopsy=BiopsyFeatures(rimmed_vacuoles=Presence.ABSENT),
            ),
        ),
    }
    by_id = {row[1]: row for row in rows[1:]}
    for row_id, both in expected.items():
        assessment = both.assessment
        assert by_id[row_id][2:] == [
            both.classification.subtype.id if both.classification.subtype else "",
            both.classification.criteria.value,
            *(cell or "" for cell in result_cells(both.classification)[2:]),
            assessment.category.value,
            str(assessment.score_low),
            str(assessment.score_high),
        ]
    # p1: proximal weakness of the legs made the ENMC criteria met (a shared fact)
    assert by_id["p1"][3] == "met"
    assert expected["p2"].assessment.with_biopsy
    assert by_id["p4"][rows[0].index("iim_category")] == "insufficient_data"
    assert "age_at_onset: must be a whole number of years; got 'x'" in result.output


def test_batch_reports_a_contradiction_between_the_two_sets_as_a_row_error(
    invoke: Invoke, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        "id,elevated_ck,elevated_muscle_enzymes\nq,present,absent\n", encoding="utf-8"
    )
    result = invoke(["batch", str(cohort), "-"])
    assert result.exit_code == 1
    assert "line 2 (id q): enmc elevated_ck is present" in result.output


def test_batch_without_eular_acr_columns_keeps_its_four_columns(
    invoke: Invoke, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("id,anti_srp\na,positive\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert invoke(["batch", str(cohort), str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "line,id,subtype,criteria,classified_subtype,ruleset,ruleset_version,disclaimer",
        f'2,a,anti-srp,insufficient_data,,enmc-2016,2,"{DISCLAIMER}"',
    ]
