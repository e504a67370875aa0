"""Made-up findings that several test files share, named by what they show.

None is a real patient.  Golden objects (tests/test_serialize.py) stay literal
there, because their bytes are pinned; everything else reads its cases here.
"""

from __future__ import annotations

from imnm import Biopsy, Findings, Presence, Serology

POS, NEG = Serology.POSITIVE, Serology.NEGATIVE
PRESENT = Presence.PRESENT

ANTI_SRP_MET = Findings(
    anti_srp=POS, anti_hmgcr=NEG, elevated_ck=PRESENT, proximal_weakness=PRESENT
)
"""Anti-SRP myopathy with the ENMC 2016 criteria met (other antibodies untested)."""

ANTI_HMGCR_MET = Findings(
    anti_hmgcr=POS, anti_srp=NEG, elevated_ck=PRESENT, proximal_weakness=PRESENT
)
"""Anti-HMGCR myopathy with the criteria met (other antibodies untested)."""

ANTI_HMGCR_ONLY = Findings(anti_hmgcr=POS)
"""Anti-HMGCR positive and nothing else known: insufficient data."""

SERONEGATIVE_MET = Findings(
    anti_srp=NEG,
    anti_hmgcr=NEG,
    other_msa=NEG,
    elevated_ck=PRESENT,
    proximal_weakness=PRESENT,
    muscle_biopsy=Biopsy.NECROTIZING,
)
"""Autoantibody-negative IMNM with the criteria met (necrotizing biopsy)."""

SERONEGATIVE_NON_NECROTIZING = Findings(
    anti_srp=NEG,
    anti_hmgcr=NEG,
    elevated_ck=PRESENT,
    proximal_weakness=PRESENT,
    muscle_biopsy=Biopsy.NON_NECROTIZING,
)
"""Autoantibody-negative serology, biopsy not necrotizing: criteria not met."""

OTHER_MSA_ONLY = Findings(
    anti_srp=NEG, anti_hmgcr=NEG, other_msa=POS, elevated_ck=PRESENT, proximal_weakness=PRESENT
)
"""Only another myositis-specific autoantibody positive: no IMNM subtype."""
