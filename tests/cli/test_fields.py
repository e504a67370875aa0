import pytest

from imnm import Biopsy, Findings, InvalidValue, Presence, Serology
from imnm.cli._fields import FIELDS, findings_from_cells

# The classifier contract's input table, in its order.
CONTRACT_FIELDS = {
    "anti_srp": ("positive", "negative", "not_tested"),
    "anti_hmgcr": ("positive", "negative", "not_tested"),
    "other_msa": ("positive", "negative", "not_tested"),
    "elevated_ck": ("present", "absent", "unknown"),
    "proximal_weakness": ("present", "absent", "unknown"),
    "statin_exposure": ("present", "absent", "unknown"),
    "extramuscular_features": ("present", "absent", "unknown"),
    "muscle_biopsy": ("necrotizing", "non_necrotizing", "not_done"),
}


def test_fields_are_the_contract_fields_with_their_wire_values() -> None:
    assert {field.name: field.values for field in FIELDS} == CONTRACT_FIELDS
    assert [field.name for field in FIELDS] == list(CONTRACT_FIELDS)


def test_option_names_are_the_field_names_with_hyphens() -> None:
    assert [field.option for field in FIELDS][:2] == ["--anti-srp", "--anti-hmgcr"]
    assert FIELDS[-1].option == "--muscle-biopsy"


def test_missing_and_blank_cells_mean_unknown() -> None:
    assert findings_from_cells((None, "", "  ", None, "", None, "", None)) == Findings()


def test_cells_are_read_as_wire_values_around_spaces() -> None:
    cells = (
        "positive",
        " negative ",
        "not_tested",
        "present",
        "absent",
        "unknown",
        "",
        "necrotizing",
    )
    assert findings_from_cells(cells) == Findings(
        anti_srp=Serology.POSITIVE,
        anti_hmgcr=Serology.NEGATIVE,
        elevated_ck=Presence.PRESENT,
        proximal_weakness=Presence.ABSENT,
        muscle_biopsy=Biopsy.NECROTIZING,
    )


def test_a_bad_cell_names_its_field_value_and_the_valid_values() -> None:
    cells = (None, None, None, "maybe", None, None, None, None)
    with pytest.raises(InvalidValue) as raised:
        findings_from_cells(cells)
    assert raised.value.field == "elevated_ck"
    assert raised.value.value == "maybe"
    assert "'present', 'absent', 'unknown'" in str(raised.value)


@pytest.mark.parametrize("text", ["not tested", "not-tested", "notTested", "\u00a0positive"])
def test_only_ascii_case_and_whitespace_are_forgiven(text: str) -> None:
    with pytest.raises(InvalidValue, match="anti_srp"):
        FIELDS[0].parse(text)
