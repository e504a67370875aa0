from __future__ import annotations

import attrs
import pytest

from imnm import Biopsy, Findings, InvalidValue, Presence, Serology


def test_enum_values_are_the_contract_wire_values() -> None:
    assert [s.value for s in Serology] == ["positive", "negative", "not_tested"]
    assert [p.value for p in Presence] == ["present", "absent", "unknown"]
    assert [b.value for b in Biopsy] == ["necrotizing", "non_necrotizing", "not_done"]


def test_every_field_defaults_to_its_unknown_value() -> None:
    assert attrs.asdict(Findings(), recurse=False) == {
        "anti_srp": Serology.NOT_TESTED,
        "anti_hmgcr": Serology.NOT_TESTED,
        "other_msa": Serology.NOT_TESTED,
        "elevated_ck": Presence.UNKNOWN,
        "proximal_weakness": Presence.UNKNOWN,
        "statin_exposure": Presence.UNKNOWN,
        "extramuscular_features": Presence.UNKNOWN,
        "muscle_biopsy": Biopsy.NOT_DONE,
    }


def test_fields_are_the_contracts_eight_in_its_order() -> None:
    assert [f.name for f in attrs.fields(Findings)] == [
        "anti_srp",
        "anti_hmgcr",
        "other_msa",
        "elevated_ck",
        "proximal_weakness",
        "statin_exposure",
        "extramuscular_features",
        "muscle_biopsy",
    ]


def test_fields_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Findings(Serology.POSITIVE)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("anti_srp", "positive", "Serology.POSITIVE, Serology.NEGATIVE, Serology.NOT_TESTED"),
        ("elevated_ck", True, "Presence.PRESENT, Presence.ABSENT, Presence.UNKNOWN"),
        ("muscle_biopsy", Presence.PRESENT, "Biopsy.NECROTIZING, Biopsy.NON_NECROTIZING"),
        ("statin_exposure", None, "Presence.PRESENT"),
    ],
)
def test_a_wrong_typed_value_is_refused_naming_field_value_and_choices(
    field: str, value: object, expected: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        Findings(**{field: value})  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"{field}: must be one of ")
    assert expected in message
    assert message.endswith(f"got {value!r}")


def test_findings_hash_and_compare_by_value() -> None:
    a = Findings(anti_srp=Serology.POSITIVE)
    assert a == Findings(anti_srp=Serology.POSITIVE)
    assert hash(a) == hash(Findings(anti_srp=Serology.POSITIVE))
    assert a != Findings(anti_hmgcr=Serology.POSITIVE)
