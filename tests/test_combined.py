from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given

from imnm import Biopsy, CriteriaStatus, Findings, InvalidFindings, Presence, Serology, classify
from imnm.combined import IMPLICATIONS, side_by_side
from imnm.iim import BiopsyFeatures, IIMCategory, IIMFindings, assess
from strategies import findings, iim_findings

IIM_ITEMS = (
    "proximal_upper_weakness",
    "proximal_lower_weakness",
    "neck_flexors_weaker",
    "legs_proximal_weaker",
    "heliotrope_rash",
    "gottron_papules",
    "gottron_sign",
    "dysphagia",
    "elevated_muscle_enzymes",
)


def complete_iim(*present: str, age: int, anti_jo1: Serology = Serology.NEGATIVE) -> IIMFindings:
    """IIM findings with every item known: the named ones present, the others absent."""
    values: dict[str, Any] = {
        name: Presence.PRESENT if name in present else Presence.ABSENT for name in IIM_ITEMS
    }
    return IIMFindings(age_at_onset=age, anti_jo1=anti_jo1, **values)


def hmgcr(**values: Any) -> Findings:
    """ENMC findings: anti-HMGCR positive, the other antibodies negative, and *values*."""
    return Findings(
        anti_hmgcr=Serology.POSITIVE,
        anti_srp=Serology.NEGATIVE,
        other_msa=Serology.NEGATIVE,
        **values,
    )


def test_elevated_ck_present_fills_in_elevated_muscle_enzymes() -> None:
    both = side_by_side(Findings(elevated_ck=Presence.PRESENT), IIMFindings())
    assert both.assessment.findings.elevated_muscle_enzymes is Presence.PRESENT
    assert both.derived == (
        "iim elevated_muscle_enzymes set to present from enmc elevated_ck: An elevated serum "
        "CK is one of 'CK or LDH or AST or ALT' above the upper limit of normal.",
    )


def test_elevated_ck_absent_does_not_make_the_other_enzymes_normal() -> None:
    both = side_by_side(Findings(elevated_ck=Presence.ABSENT), IIMFindings())
    assert both.assessment.findings.elevated_muscle_enzymes is Presence.UNKNOWN
    # and an absent CK with elevated enzymes (LDH, say) is no contradiction
    both = side_by_side(
        Findings(elevated_ck=Presence.ABSENT),
        IIMFindings(elevated_muscle_enzymes=Presence.PRESENT),
    )
    assert both.classification.findings.elevated_ck is Presence.ABSENT
    assert both.derived == ()


@pytest.mark.parametrize("field", ["proximal_upper_weakness", "proximal_lower_weakness"])
def test_upper_or_lower_proximal_weakness_fills_in_enmc_proximal_weakness(field: str) -> None:
    values: dict[str, Any] = {field: Presence.PRESENT}
    both = side_by_side(Findings(), IIMFindings(**values))
    assert both.classification.findings.proximal_weakness is Presence.PRESENT
    assert len(both.derived) == 1


def test_enmc_proximal_weakness_says_nothing_about_upper_or_lower_limbs() -> None:
    for value in (Presence.PRESENT, Presence.ABSENT):
        both = side_by_side(Findings(proximal_weakness=value), IIMFindings())
        assert both.assessment.findings.proximal_upper_weakness is Presence.UNKNOWN
        assert both.assessment.findings.proximal_lower_weakness is Presence.UNKNOWN
        assert both.derived == ()
    # absent upper and lower weakness do not make ENMC proximal weakness absent
    both = side_by_side(Findings(), complete_iim(age=50))
    assert both.classification.findings.proximal_weakness is Presence.UNKNOWN


def test_anti_jo1_positive_is_another_myositis_specific_autoantibody() -> None:
    both = side_by_side(Findings(), IIMFindings(anti_jo1=Serology.POSITIVE))
    assert both.classification.findings.other_msa is Serology.POSITIVE
    assert both.classification.subtype is None
    negative = side_by_side(Findings(other_msa=Serology.NEGATIVE), IIMFindings())
    assert negative.assessment.findings.anti_jo1 is Serology.NOT_TESTED


@pytest.mark.parametrize(
    ("findings", "iim_findings", "message"),
    [
        (
            Findings(elevated_ck=Presence.PRESENT),
            IIMFindings(elevated_muscle_enzymes=Presence.ABSENT),
            "enmc elevated_ck is present, but iim elevated_muscle_enzymes is absent",
        ),
        (
            Findings(proximal_weakness=Presence.ABSENT),
            IIMFindings(proximal_lower_weakness=Presence.PRESENT),
            "iim proximal_lower_weakness is present, but enmc proximal_weakness is absent",
        ),
        (
            Findings(other_msa=Serology.NEGATIVE),
            IIMFindings(anti_jo1=Serology.POSITIVE),
            "iim anti_jo1 is positive, but enmc other_msa is negative",
        ),
    ],
)
def test_a_contradiction_of_a_shared_fact_is_refused(
    findings: Findings, iim_findings: IIMFindings, message: str
) -> None:
    with pytest.raises(InvalidFindings, match=message):
        side_by_side(findings, iim_findings)


def test_wrong_arguments_are_refused() -> None:
    with pytest.raises(InvalidFindings, match="takes a Findings first; got IIMFindings"):
        side_by_side(IIMFindings(), IIMFindings())  # type: ignore[arg-type]
    with pytest.raises(InvalidFindings, match="takes an IIMFindings second; got Findings"):
        side_by_side(Findings(), Findings())  # type: ignore[arg-type]


def test_enmc_met_but_eular_acr_below_possible_is_a_divergence() -> None:
    # Anti-HMGCR myopathy by ENMC; by EULAR/ACR onset at 50 (2.1) + proximal weakness of
    # the legs (0.8) + elevated CK, carried over (1.3) = 4.2, below 5.3.
    both = side_by_side(
        hmgcr(elevated_ck=Presence.PRESENT),
        attrs.evolve(
            complete_iim("proximal_lower_weakness", age=50),
            elevated_muscle_enzymes=Presence.UNKNOWN,
        ),
    )
    assert both.classification.criteria is CriteriaStatus.MET
    assert both.assessment.category is IIMCategory.NOT_IIM
    assert str(both.assessment.score_low) == "4.2"
    assert both.divergences[0] == (
        "The ENMC 2016 criteria for Anti-HMGCR myopathy are met, but the findings do not reach "
        "the EULAR/ACR 2017 cut-off for possible IIM."
    )
    assert "no anti-SRP, anti-HMGCR or necrosis item" in both.divergences[1]
    assert both.summary.startswith(
        "ENMC 2016: Anti-HMGCR positive; ENMC 2016 criteria met for anti-HMGCR myopathy. EULAR/ACR"
    )


def test_enmc_met_and_eular_acr_possible_is_below_the_recommended_minimum() -> None:
    # 1.3 (onset at 30) + 3.3 (Gottron's sign) + 0.7 (upper) + 1.3 (enzymes) = 6.6
    both = side_by_side(
        hmgcr(elevated_ck=Presence.PRESENT),
        complete_iim("gottron_sign", "proximal_upper_weakness", "elevated_muscle_enzymes", age=30),
    )
    assert both.assessment.category is IIMCategory.PROBABLE
    assert not [d for d in both.divergences if "are met" in d]
    possible = side_by_side(
        hmgcr(elevated_ck=Presence.PRESENT, proximal_weakness=Presence.PRESENT),
        attrs.evolve(
            complete_iim("gottron_sign", age=30),
            elevated_muscle_enzymes=Presence.UNKNOWN,
            dysphagia=Presence.UNKNOWN,
        ),
    )
    # 1.3 + 3.3 + 1.3 (CK carried over) = 5.9 .. 6.6: probable either way
    assert possible.assessment.category is IIMCategory.PROBABLE
    low = side_by_side(
        hmgcr(elevated_ck=Presence.PRESENT, proximal_weakness=Presence.PRESENT),
        attrs.evolve(
            complete_iim("gottron_sign", age=10), elevated_muscle_enzymes=Presence.UNKNOWN
        ),
    )
    # 3.3 + 1.3 = 4.6: below possible
    assert low.assessment.category is IIMCategory.NOT_IIM
    at_possible = side_by_side(
        hmgcr(elevated_ck=Presence.PRESENT, proximal_weakness=Presence.PRESENT),
        attrs.evolve(
            complete_iim("gottron_sign", "proximal_lower_weakness", age=10),
            elevated_muscle_enzymes=Presence.UNKNOWN,
        ),
    )
    # 3.3 + 0.8 + 1.3 = 5.4: possible
    assert at_possible.classification.criteria is CriteriaStatus.MET
    assert at_possible.assessment.category is IIMCategory.POSSIBLE
    assert "below the recommended minimum (probable)" in at_possible.divergences[0]


def test_enmc_met_and_eular_acr_undecided_is_a_divergence() -> None:
    both = side_by_side(
        hmgcr(elevated_ck=Presence.PRESENT),
        IIMFindings(proximal_upper_weakness=Presence.PRESENT),
    )
    assert both.classification.criteria is CriteriaStatus.MET
    assert both.assessment.category is IIMCategory.INSUFFICIENT_DATA
    assert "do not decide the EULAR/ACR 2017 category" in both.divergences[0]


def test_eular_acr_iim_without_enmc_imnm_is_a_divergence() -> None:
    # 2.1 (onset at 50) + 3.1 (heliotrope rash) + 3.9 (anti-Jo-1) = 9.1: definite
    both = side_by_side(
        Findings(),
        complete_iim("heliotrope_rash", age=50, anti_jo1=Serology.POSITIVE),
    )
    assert both.assessment.category is IIMCategory.DEFINITE
    assert both.classification.findings.other_msa is Serology.POSITIVE  # from anti-Jo-1
    assert both.divergences[0].startswith("The findings reach definite IIM by EULAR/ACR 2017")
    assert "classifies idiopathic inflammatory myopathy as a whole" in both.divergences[0]


def test_a_necrotizing_biopsy_is_no_eular_acr_item() -> None:
    both = side_by_side(Findings(muscle_biopsy=Biopsy.NECROTIZING), IIMFindings())
    assert both.divergences[-1].endswith("(the column without biopsy data was used).")
    with_features = side_by_side(
        Findings(muscle_biopsy=Biopsy.NECROTIZING), IIMFindings(biopsy=BiopsyFeatures())
    )
    assert with_features.divergences[-1].endswith("only its four biopsy features do.")


def test_every_implication_says_what_it_does_not_imply() -> None:
    for implication in IMPLICATIONS:
        assert implication.not_implied
        assert implication.reason


@given(findings, iim_findings)
def test_side_by_side_is_classify_and_assess_of_the_findings_it_reports(
    enmc: Findings, eular: IIMFindings
) -> None:
    try:
        both = side_by_side(enmc, eular)
    except InvalidFindings:
        return
    assert both.classification == classify(both.classification.findings)
    assert both.assessment == assess(both.assessment.findings)
    # a known value is never changed, only unknowns filled in
    for name in ("elevated_ck", "proximal_weakness", "other_msa"):
        before = getattr(enmc, name)
        if before not in (Presence.UNKNOWN, Serology.NOT_TESTED):
            assert getattr(both.classification.findings, name) is before
    for name in ("elevated_muscle_enzymes",):
        before = getattr(eular, name)
        if before is not Presence.UNKNOWN:
            assert getattr(both.assessment.findings, name) is before
