"""imnm's published speed and memory figures, each measured beside its baseline in one run.

Usage::

    python benchmarks/run.py            # full sizes (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # small sizes: proves the script runs (CI)

Every comparison interleaves subject and baseline in alternating order, round
after round, and reports medians and the median of the per-round ratios, so
that a shared, noisy machine slows both sides alike; in-process timings are
CPU time, so that time spent waiting for a core is not counted.  Targets are printed
beside the figures; this script judges nothing in quick mode and fails on no
target (its exit status says only whether it ran).

The baselines:

1. ``classify`` (and ``iim.assess``): a bare ``dict`` keyed by the same
   ``Findings`` (``IIMFindings``) objects (``table[f]``), so hashing costs the
   same on both sides.
2. JSON round trip: an equivalent pydantic v2 model of the same payload, as
   strict as imnm's published JSON Schema (unknown keys refused, enums, ids of
   the catalog, non-blank strings), written here only: pydantic is no
   dependency of imnm.
3. ``imnm batch``: throughput and peak memory of the installed console script
   on generated CSV files of growing size.
4. Import: fresh interpreters running ``import attrs`` and
   ``import attrs, cattrs`` against ``import imnm``.
5. Cohorts: one generated Parquet cohort classified by the DuckDB path
   (``imnm.sql.classify_duckdb``) and the Spark local path
   (``imnm.sql.classify_spark``), each writing Parquet, against ``imnm batch``
   with Parquet in and out, which is itself judged against its CSV rate.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import enum
import gc
import itertools
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import attrs
import msgspec
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

import imnm
from imnm import (
    Biopsy,
    Classification,
    Findings,
    Outcome,
    Presence,
    Serology,
    cohort,
    iim,
    serialize,
    sql,
)
from imnm.classifier import CriteriaStatus
from imnm.errors import UnsupportedType

Workload = Callable[[], object]


@attrs.frozen(kw_only=True)
class Row:
    """One line of the results table."""

    name: str
    subject: str
    baseline: str
    ratio: str
    target: str
    verdict: str


@attrs.frozen(kw_only=True)
class Sizes:
    """How much work each benchmark does: ``--quick`` shrinks all of it."""

    rounds: int
    payloads: int
    processes: int
    imports: int
    batch_rows: tuple[int, ...]
    cohort_rows: int


FULL = Sizes(
    rounds=15,
    payloads=200,
    processes=15,
    imports=41,
    batch_rows=(100_000, 1_000_000),
    cohort_rows=10_000_000,
)
QUICK = Sizes(
    rounds=3, payloads=20, processes=3, imports=5, batch_rows=(2_000,), cohort_rows=20_000
)


# --- Timing ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Comparison:
    """Seconds per item of a subject and its baseline, and the ratio, all medians."""

    subject: float
    baseline: float
    ratio: float


def compare(subject: Workload, baseline: Workload, *, items: int, rounds: int) -> Comparison:
    """Time *subject* against *baseline*, interleaved, each doing *items* items per call.

    The order alternates from round to round, so neither side always runs
    right after the other's garbage; the ratio is taken within each round.
    """
    subject_times: list[float] = []
    baseline_times: list[float] = []
    subject()  # warm both: first calls fill caches and generate code
    baseline()
    for round_ in range(rounds):
        pair = [(subject, subject_times), (baseline, baseline_times)]
        for workload, times in pair if round_ % 2 == 0 else reversed(pair):
            times.append(_timed(workload) / items)
    ratios = [s / b for s, b in zip(subject_times, baseline_times, strict=True)]
    return Comparison(
        subject=statistics.median(subject_times),
        baseline=statistics.median(baseline_times),
        ratio=statistics.median(ratios),
    )


def _timed(workload: Workload) -> float:
    """The CPU time *workload* takes, in seconds.

    CPU time, not wall time: on a shared machine the time this process waits
    for a core that another process holds is noise, not cost.
    """
    # As timeit does: a collection in the middle of one side is noise, not cost.
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        workload()
        return time.process_time() - start
    finally:
        gc.enable()


def _run_python(
    code: str, *argv: str, options: Sequence[str] = (), env: dict[str, str] | None = None
) -> str:
    """What a fresh interpreter prints running *code* with *argv*."""
    command = [sys.executable, *options, "-c", code, *argv]
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return out.stdout + out.stderr


# --- 1. classify ----------------------------------------------------------------------------

_FIELD_VALUES: dict[str, tuple[enum.Enum, ...]] = {
    field.name: tuple(field.type)  # type: ignore[arg-type]
    for field in attrs.fields(attrs.resolve_types(Findings))
}


def all_findings() -> list[Findings]:
    """Every combination of findings (``imnm.findings.COMBINATIONS`` of them)."""
    kwargs: list[dict[str, Any]] = [
        dict(zip(_FIELD_VALUES, values, strict=True))
        for values in itertools.product(*_FIELD_VALUES.values())
    ]
    return [Findings(**kw) for kw in kwargs]


def cold_classify() -> None:
    """Print the seconds per call of a first pass over every combination (a fresh process)."""
    combos = all_findings()
    start = time.perf_counter()
    for findings in combos:
        imnm.classify(findings)
    print((time.perf_counter() - start) / len(combos))


_HERE = str(Path(__file__).resolve().parent)
_COLD_CLASSIFY = f"import sys; sys.path.insert(0, {_HERE!r}); import run; run.cold_classify()"


def bench_classify(sizes: Sizes) -> Iterator[Row]:
    """``classify`` per call, warm against a bare dict look-up, and cold."""
    combos = all_findings()
    table = {findings: imnm.classify(findings) for findings in combos}
    classify = imnm.classify

    def subject() -> None:
        for findings in combos:
            classify(findings)

    def baseline() -> None:
        for findings in combos:
            table[findings]

    warm = compare(subject, baseline, items=len(combos), rounds=sizes.rounds * 4)
    yield Row(
        name=f"classify, warm, per call ({len(combos):,} combinations)",
        subject=_ns(warm.subject),
        baseline=f"{_ns(warm.baseline)} (dict look-up)",
        ratio=f"{warm.ratio:.2f}x",
        target="<= 3x",
        verdict=_verdict(warm.ratio <= 3),
    )
    cold = [float(_run_python(_COLD_CLASSIFY)) for _ in range(sizes.processes)]
    yield Row(
        name="classify, cold (first call of each combination)",
        subject=_us(statistics.median(cold)),
        baseline="",
        ratio="",
        target="(reported)",
        verdict="",
    )


def iim_findings_sample(count: int) -> list[iim.IIMFindings]:
    """*count* distinct EULAR/ACR findings drawn at random (a fixed seed), unknowns included."""
    rng = random.Random(2017)
    presence_fields = [
        field.name
        for field in attrs.fields(iim.IIMFindings)
        if field.name not in ("age_at_onset", "anti_jo1", "biopsy")
    ]
    sample: dict[iim.IIMFindings, None] = {}
    while len(sample) < count:
        biopsy = None
        if rng.random() < 0.5:
            biopsy = iim.BiopsyFeatures(
                **{f.name: rng.choice(list(Presence)) for f in attrs.fields(iim.BiopsyFeatures)}
            )
        findings = iim.IIMFindings(
            age_at_onset=rng.choice([None, rng.randrange(0, 100)]),
            anti_jo1=rng.choice(list(Serology)),
            biopsy=biopsy,
            **{name: rng.choice(list(Presence)) for name in presence_fields},
        )
        sample[findings] = None
    return list(sample)


def bench_assess(sizes: Sizes) -> Iterator[Row]:
    """``iim.assess`` per call, warm, against a bare dict look-up of the same findings."""
    sample = iim_findings_sample(2_000)
    table = {findings: iim.assess(findings) for findings in sample}
    assess = iim.assess

    def subject() -> None:
        for findings in sample:
            assess(findings)

    def baseline() -> None:
        for findings in sample:
            table[findings]

    warm = compare(subject, baseline, items=len(sample), rounds=sizes.rounds * 4)
    yield Row(
        name=f"iim.assess, warm, per call ({len(sample):,} random findings)",
        subject=_ns(warm.subject),
        baseline=f"{_ns(warm.baseline)} (dict look-up)",
        ratio=f"{warm.ratio:.2f}x",
        target="<= 5x",
        verdict=_verdict(warm.ratio <= 5),
    )


# --- 2. JSON round trip ---------------------------------------------------------------------

Text = Annotated[str, StringConstraints(strict=True, pattern=r"\S")]
_VERSION = serialize.FORMAT_VERSION  # the only version a document written today holds


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FindingsModel(_Strict):
    """A findings document, as strict as imnm's JSON Schema for it."""

    kind: Literal["findings"] = "findings"
    imnm_format: Annotated[int, Field(ge=_VERSION, le=_VERSION)] = _VERSION
    anti_srp: Serology = Serology.NOT_TESTED
    anti_hmgcr: Serology = Serology.NOT_TESTED
    other_msa: Serology = Serology.NOT_TESTED
    elevated_ck: Presence = Presence.UNKNOWN
    proximal_weakness: Presence = Presence.UNKNOWN
    statin_exposure: Presence = Presence.UNKNOWN
    extramuscular_features: Presence = Presence.UNKNOWN
    muscle_biopsy: Biopsy = Biopsy.NOT_DONE


# The ids a classification names, as the schema's enums list them (checked by pydantic-core).
if TYPE_CHECKING:
    _SubtypeId: TypeAlias = str
    _CriterionId: TypeAlias = str
else:
    _SubtypeId = Literal[tuple(subtype.id for subtype in imnm.catalog.SUBTYPES)]
    _CriterionId = Literal[tuple(criterion.id for criterion in imnm.criteria.CRITERIA)]


class FindingsBody(FindingsModel):
    """Findings inside a classification: no envelope."""

    kind: Literal["findings"] = Field(default="findings", exclude=True)
    imnm_format: Annotated[int, Field(ge=_VERSION, le=_VERSION)] = Field(
        default=_VERSION, exclude=True
    )


class RuleResultModel(_Strict):
    """One explanation entry."""

    criterion: _CriterionId
    outcome: Outcome
    detail: Text


class StatementModel(_Strict):
    """A note: its text and the ids of its references."""

    text: Text
    references: tuple[str, ...] = ()


class RuleSetModel(_Strict):
    """The rule set a classification names."""

    id: Text
    version: Annotated[int, Field(ge=1)]
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


class ClassificationModel(_Strict):
    """A classification document, as strict as imnm's JSON Schema for it."""

    kind: Literal["classification"] = "classification"
    imnm_format: Annotated[int, Field(ge=_VERSION, le=_VERSION)] = _VERSION
    findings: FindingsBody
    subtype: _SubtypeId | None
    criteria: CriteriaStatus
    explanation: Annotated[tuple[RuleResultModel, ...], Field(min_length=1)]
    next_steps: tuple[Text, ...] = ()
    notes: tuple[StatementModel, ...] = ()
    ruleset: RuleSetModel | None = None
    disclaimer: Text | None = None


MsgText = Annotated[str, msgspec.Meta(pattern=r"\S")]


class FindingsStruct(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A findings document for msgspec, as strict as the pydantic model."""

    kind: Literal["findings"] = "findings"
    imnm_format: Annotated[int, msgspec.Meta(ge=_VERSION, le=_VERSION)] = _VERSION
    anti_srp: Serology = Serology.NOT_TESTED
    anti_hmgcr: Serology = Serology.NOT_TESTED
    other_msa: Serology = Serology.NOT_TESTED
    elevated_ck: Presence = Presence.UNKNOWN
    proximal_weakness: Presence = Presence.UNKNOWN
    statin_exposure: Presence = Presence.UNKNOWN
    extramuscular_features: Presence = Presence.UNKNOWN
    muscle_biopsy: Biopsy = Biopsy.NOT_DONE


class FindingsBodyStruct(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Findings inside a classification: no envelope."""

    anti_srp: Serology = Serology.NOT_TESTED
    anti_hmgcr: Serology = Serology.NOT_TESTED
    other_msa: Serology = Serology.NOT_TESTED
    elevated_ck: Presence = Presence.UNKNOWN
    proximal_weakness: Presence = Presence.UNKNOWN
    statin_exposure: Presence = Presence.UNKNOWN
    extramuscular_features: Presence = Presence.UNKNOWN
    muscle_biopsy: Biopsy = Biopsy.NOT_DONE


class RuleResultStruct(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One explanation entry."""

    criterion: _CriterionId
    outcome: Outcome
    detail: MsgText


class StatementStruct(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A note: its text and the ids of its references."""

    text: MsgText
    references: tuple[str, ...] = ()


class RuleSetStruct(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The rule set a classification names."""

    id: MsgText
    version: Annotated[int, msgspec.Meta(ge=1)]
    digest: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")] | None = None


class ClassificationStruct(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A classification document for msgspec, as strict as the pydantic model."""

    findings: FindingsBodyStruct
    subtype: _SubtypeId | None
    criteria: CriteriaStatus
    explanation: Annotated[tuple[RuleResultStruct, ...], msgspec.Meta(min_length=1)]
    kind: Literal["classification"] = "classification"
    imnm_format: Annotated[int, msgspec.Meta(ge=_VERSION, le=_VERSION)] = _VERSION
    next_steps: tuple[MsgText, ...] = ()
    notes: tuple[StatementStruct, ...] = ()
    ruleset: RuleSetStruct | None = None
    disclaimer: MsgText | None = None


def _pydantic_twin(obj: object, model: type[BaseModel]) -> BaseModel:
    """The pydantic model of the payload *obj* writes; checked to write the same document."""
    text = serialize.dumps(obj)
    twin = model.model_validate_json(text)
    if json.loads(twin.model_dump_json()) != json.loads(text):
        raise AssertionError(f"the pydantic model writes another payload than imnm for {obj!r}")
    return twin


def _msgspec_twin(obj: object, struct: type[msgspec.Struct]) -> msgspec.Struct:
    """The msgspec struct of the payload *obj* writes; checked to write the same document."""
    text = serialize.dumps(obj)
    twin = msgspec.json.decode(text, type=struct)
    if json.loads(msgspec.json.encode(twin)) != json.loads(text):
        raise AssertionError(f"the msgspec struct writes another payload than imnm for {obj!r}")
    return twin


def bench_round_trip(sizes: Sizes) -> Iterator[Row]:
    """``dumps`` then ``loads`` of findings and classifications, against pydantic v2 and msgspec."""
    combos = all_findings()
    sample = random.Random(8).sample(combos, sizes.payloads)
    cases: list[tuple[str, Sequence[object], type, type[BaseModel], type[msgspec.Struct]]] = [
        ("Findings", sample, Findings, FindingsModel, FindingsStruct),
        (
            "Classification",
            [imnm.classify(f) for f in sample],
            Classification,
            ClassificationModel,
            ClassificationStruct,
        ),
    ]
    for label, objects, cls, model, struct in cases:
        twins = [_pydantic_twin(obj, model) for obj in objects]
        for what, subject, baseline in _json_workloads(objects, cls, twins, model):
            result = compare(subject, baseline, items=len(objects), rounds=sizes.rounds)
            headline = what == "round trip"
            yield Row(
                name=f"{label} JSON {what}" + ("" if headline else " (part)"),
                subject=_us(result.subject),
                baseline=f"{_us(result.baseline)} (pydantic {_version('pydantic')})",
                ratio=f"{result.ratio:.2f}x",
                target="<= 1.0x" if headline else "",
                verdict=_verdict(result.ratio <= 1) if headline else "",
            )
        structs = [_msgspec_twin(obj, struct) for obj in objects]
        encode, decode = msgspec.json.encode, msgspec.json.decode
        dumps, loads = serialize.dumps, serialize.loads
        result = compare(
            lambda: [loads(dumps(obj), cls) for obj in objects],  # noqa: B023 - run at once
            lambda: [decode(encode(twin), type=struct) for twin in structs],  # noqa: B023
            items=len(objects),
            rounds=sizes.rounds,
        )
        yield Row(
            name=f"{label} JSON round trip, against msgspec",
            subject=_us(result.subject),
            baseline=f"{_us(result.baseline)} (msgspec {_version('msgspec')})",
            ratio=f"{result.ratio:.2f}x",
            target="(reported)",
            verdict="",
        )


def _json_workloads(
    objects: Sequence[object], cls: type, twins: Sequence[BaseModel], model: type[BaseModel]
) -> Iterator[tuple[str, Workload, Workload]]:
    """(what, imnm, pydantic) for the round trip, then for writing and reading alone."""
    dumps, loads, validate = serialize.dumps, serialize.loads, model.model_validate_json
    texts = [_fresh(dumps(obj)) for obj in objects]
    twin_texts = [twin.model_dump_json() for twin in twins]
    yield (
        "round trip",
        lambda: [loads(dumps(obj), cls) for obj in objects],
        lambda: [validate(twin.model_dump_json()) for twin in twins],
    )
    yield (
        "dumps",
        lambda: [dumps(obj) for obj in objects],
        lambda: [twin.model_dump_json() for twin in twins],
    )
    yield (
        "loads",
        lambda: [loads(text, cls) for text in texts],
        lambda: [validate(text) for text in twin_texts],
    )


def _fresh(text: str) -> str:
    """An equal copy of *text* that is a new object (its hash not yet computed)."""
    return text.encode("utf-8").decode("utf-8")


def bench_paths(sizes: Sizes) -> Iterator[Row]:
    """Every public reader and writer on valid documents, against the fastest of its kind.

    Readers of text (``loads`` of ``str`` and of ``bytes``), readers of dicts
    (``from_dict``), writers of text (``dumps``) and writers of dicts
    (``to_dict``) each get the documents the benchmark's round trip uses, and
    the same documents as a person might write them (indented, keys in another
    order, no envelope, defaults left out), or objects equal to the
    classifier's own but not the same objects.  Each is timed against the
    fastest of its kind for the same type: a valid document that misses the
    fast path shows here.
    """
    combos = all_findings()
    sample = random.Random(8).sample(combos, sizes.payloads)
    cases: list[tuple[str, Sequence[Any], type]] = [
        ("Findings", sample, Findings),
        ("Classification", [imnm.classify(f) for f in sample], Classification),
    ]
    dumps, loads, to_dict, from_dict = (
        serialize.dumps,
        serialize.loads,
        serialize.to_dict,
        serialize.from_dict,
    )
    for label, objects, cls in cases:
        texts = [_fresh(dumps(obj)) for obj in objects]
        documents = [json.loads(text) for text in texts]
        by_hand = [_by_hand(document, cls) for document in documents]
        hand_texts = [json.dumps(document, indent=2, ensure_ascii=False) for document in by_hand]
        copies = [_equal_copy(obj) for obj in objects]
        encoded = [text.encode("utf-8") for text in texts]
        groups: dict[str, dict[str, Workload]] = {
            "read text": {
                "loads(str)": lambda: [loads(t, cls) for t in texts],  # noqa: B023
                "loads(bytes)": lambda: [loads(b, cls) for b in encoded],  # noqa: B023
                "loads(str), written by hand": lambda: [loads(t, cls) for t in hand_texts],  # noqa: B023
            },
            "read dict": {
                "from_dict": lambda: [from_dict(d, cls) for d in documents],  # noqa: B023
                "from_dict, written by hand": lambda: [from_dict(d, cls) for d in by_hand],  # noqa: B023
            },
            "write text": {
                "dumps": lambda: [dumps(obj) for obj in objects],  # noqa: B023
                "dumps, equal copy": lambda: [dumps(obj) for obj in copies],  # noqa: B023
            },
            "write dict": {
                "to_dict": lambda: [to_dict(obj) for obj in objects],  # noqa: B023
                "to_dict, equal copy": lambda: [to_dict(obj) for obj in copies],  # noqa: B023
            },
        }
        for workloads in groups.values():
            medians = compare_many(workloads, items=len(objects), rounds=sizes.rounds)
            fastest = min(medians.values())
            for what, seconds in medians.items():
                ratio = seconds / fastest
                yield Row(
                    name=f"{label} {what}",
                    subject=_us(seconds),
                    baseline=f"{_us(fastest)} (fastest of its kind)",
                    ratio=f"{ratio:.2f}x",
                    target="<= 2x",
                    verdict=_verdict(ratio <= 2),
                )
    yield from bench_first_use()


# Run in a fresh process: the first use of every canonical document fills the
# fast path's tables (imnm._fastwire).  With an argument, the memory they take
# (tracemalloc, which slows the run) instead of the time.
_FIRST_USE = f"""
import sys, time, tracemalloc
sys.path.insert(0, {_HERE!r})
import run
from imnm import classify, serialize
combos = run.all_findings()
pairs = [(f, classify(f)) for f in combos]  # the classifier's own memo: not counted
serialize.dumps(combos[0])  # imports and builds the converters: not counted
if len(sys.argv) > 1:
    tracemalloc.start()
start = time.process_time()
for findings, result in pairs:
    serialize.loads(serialize.dumps(findings), type(findings))
    serialize.loads(serialize.dumps(result), type(result))
seconds = time.process_time() - start
print(seconds / (2 * len(pairs)), tracemalloc.get_traced_memory()[0])
"""


def bench_first_use() -> Iterator[Row]:
    """What the fast path's tables cost: memory once full, and time to fill each entry."""
    seconds = float(_run_python(_FIRST_USE).split()[0])
    memory = int(_run_python(_FIRST_USE, "memory").split()[1])
    yield Row(
        name="fast path tables, filled by every findings and classification",
        subject=f"{memory / 1e6:,.1f} MB",
        baseline="",
        ratio="",
        target="(reported)",
        verdict="",
    )
    yield Row(
        name="first round trip of each of them (fills its entry)",
        subject=_us(seconds),
        baseline="",
        ratio="",
        target="(reported)",
        verdict="",
    )


def compare_many(workloads: dict[str, Workload], *, items: int, rounds: int) -> dict[str, float]:
    """Median seconds per item of each workload, run in an order that rotates every round."""
    names = list(workloads)
    times: dict[str, list[float]] = {name: [] for name in names}
    for workload in workloads.values():
        workload()  # warm-up
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(_timed(workloads[name]) / items)
    return {name: statistics.median(values) for name, values in times.items()}


def _by_hand(document: dict[str, Any], cls: type) -> dict[str, Any]:
    """*document* as a person might write it: no envelope, keys reversed, defaults left out."""
    defaults = {
        field.name: _default_on_the_wire(field.default)
        for field in attrs.fields(cls)
        if field.default is not attrs.NOTHING
    }
    return {
        key: value
        for key, value in reversed(document.items())
        if key not in ("kind", "imnm_format") and not (key in defaults and defaults[key] == value)
    }


def _default_on_the_wire(value: object) -> object:
    """A field's default as a document holds it (a nested rule set as its fields)."""
    if attrs.has(type(value)):
        try:
            return serialize.to_dict(value)
        except UnsupportedType:
            return attrs.asdict(value)  # type: ignore[arg-type]  # attrs.has() checked it
    return _plain(value)


def _plain(value: object) -> object:
    """A default value as the wire format writes it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def _equal_copy(obj: Any) -> Any:
    """An object equal to *obj* but not the same one (nor sharing its fields' objects)."""
    copy = attrs.evolve(obj)
    if isinstance(obj, Classification):
        copy = attrs.evolve(copy, findings=attrs.evolve(obj.findings))
    assert copy == obj
    assert copy is not obj
    return copy


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


# --- 3. imnm batch --------------------------------------------------------------------------

# Run in a fresh process per measurement: RUSAGE_CHILDREN then reports the
# peak resident memory of that one `imnm batch` run.
_PEAK_RSS = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run([sys.argv[1], "batch", sys.argv[2], sys.argv[3]], check=True)
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def write_csv(path: Path, rows: int) -> None:
    """A CSV of *rows* findings with an id column, each drawn at random from every combination."""
    combos = [
        [value.value for value in values] for values in itertools.product(*_FIELD_VALUES.values())
    ]
    draw = random.Random(8).choice
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", *_FIELD_VALUES])
        writer.writerows([f"p{index}", *draw(combos)] for index in range(rows))


def bench_batch(sizes: Sizes) -> Iterator[Row]:
    """``imnm batch`` end to end: rows per second and peak memory, as the input grows."""
    script = shutil.which("imnm", path=str(Path(sys.executable).parent))
    if script is None:
        yield Row(
            name="imnm batch",
            subject="not run: no `imnm` console script beside this Python",
            baseline="",
            ratio="",
            target=">= 100,000 rows/s; < 150 MB",
            verdict="not measured",
        )
        return
    with tempfile.TemporaryDirectory(prefix="imnm-bench-") as folder, _bytecode() as env:
        source, sink = Path(folder, "in.csv"), Path(folder, "out.csv")
        write_csv(source, 10)
        _run_python(_PEAK_RSS, script, str(source), str(sink), env=env)
        for rows in sizes.batch_rows:
            write_csv(source, rows)
            runs = [
                _run_python(_PEAK_RSS, script, str(source), str(sink), env=env).split()
                for _ in range(max(1, sizes.processes // 5))
            ]
            seconds = statistics.median(float(run[0]) for run in runs)
            peak_mb = max(int(run[1]) for run in runs) / 1024  # ru_maxrss is in KiB on Linux
            rate = rows / seconds
            yield Row(
                name=f"imnm batch, {rows:,} CSV rows",
                subject=f"{rate:,.0f} rows/s; peak {peak_mb:.0f} MB",
                baseline="",
                ratio="",
                target=">= 100,000 rows/s; < 150 MB",
                verdict=_verdict(rate >= 100_000 and peak_mb < 150),
            )


@contextlib.contextmanager
def _bytecode() -> Iterator[dict[str, str]]:
    """An environment in which child interpreters import from cached bytecode.

    As after `pip install`, every module then imports from bytecode, even where
    the environment says not to write any (PYTHONDONTWRITEBYTECODE): the first
    run fills a private cache that serves every later run, on both sides alike.
    """
    with tempfile.TemporaryDirectory(prefix="imnm-bench-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        yield env


# --- 4. Import cost -------------------------------------------------------------------------

# Each import is timed inside a fresh interpreter, from just before the import
# statement to just after it: the interpreter's own start-up (the noisiest part
# of a process) is the same for every side and is left out.  The judged figure
# is CPU time (the process's own, so time spent waiting for a core another
# process holds is not counted); the wall time is reported beside it.
_TIMED_IMPORT = (
    "import time; w, c = time.perf_counter(), time.process_time(); {}; "
    "print(time.perf_counter() - w, time.process_time() - c)"
)
_IMPORTS = {
    "attrs": "import attrs",
    "attrs, cattrs": "import attrs, cattrs",
    "imnm": "import imnm",
}
_OPTIONAL = ("cattrs", "click", "rich", "imnm.cli", "imnm.serialize")
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def bench_import(sizes: Sizes) -> Iterator[Row]:
    """Time to import imnm and its dependencies, each in fresh interpreters, in rounds.

    Every round runs one interpreter per import, in an order that rotates from
    round to round.  A shared machine only ever adds time, so each side's cost
    is estimated from its fastest rounds: the mean of its fastest quarter (a
    trimmed mean).  The median of the per-round differences is shown beside it.
    """
    names = list(_IMPORTS)
    with _bytecode() as env:
        for code in _IMPORTS.values():  # warm-up: fills the bytecode cache
            _run_python(_TIMED_IMPORT.format(code), env=env)
        cpu: dict[str, list[float]] = {name: [] for name in names}
        wall: dict[str, list[float]] = {name: [] for name in names}
        start: list[float] = []
        own: list[float] = []
        for round_ in range(sizes.imports):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                seconds = _run_python(_TIMED_IMPORT.format(_IMPORTS[name]), env=env).split()
                wall[name].append(float(seconds[0]))
                cpu[name].append(float(seconds[1]))
            began = time.perf_counter()
            _run_python("pass", env=env)
            start.append(time.perf_counter() - began)
            if round_ < sizes.processes:
                own.append(_own_import_time(env))
    # imnm imports attrs alone (not cattrs): both comparisons are shown.
    for baseline, note in (("attrs, cattrs", ""), ("attrs", " (all it imports)")):
        over = _fastest(cpu["imnm"]) - _fastest(cpu[baseline])
        yield Row(
            name=f"import imnm, over import {baseline}{note}, CPU time",
            subject=_ms(_fastest(cpu["imnm"])),
            baseline=f"{_ms(_fastest(cpu[baseline]))} (import {baseline})",
            ratio=f"{over * 1e3:+.1f} ms (median of rounds {_median_over(cpu, baseline)})",
            target="< +15 ms",
            verdict=_verdict(over < 0.015),
        )
    yield Row(
        name="import imnm, over import attrs, wall time",
        subject=_ms(_fastest(wall["imnm"])),
        baseline=f"{_ms(_fastest(wall['attrs']))} (import attrs)",
        ratio=f"{(_fastest(wall['imnm']) - _fastest(wall['attrs'])) * 1e3:+.1f} ms "
        f"(median of rounds {_median_over(wall, 'attrs')})",
        target="(reported)",
        verdict="",
    )
    loaded = _run_python(
        f"import sys, imnm; print([m for m in {_OPTIONAL!r} if m in sys.modules])"
    ).strip()
    yield Row(
        name="import imnm: imnm's own modules (-X importtime)",
        subject=_ms(statistics.median(own)),
        baseline=f"{_ms(statistics.median(start))} (bare interpreter start)",
        ratio="",
        target="(reported)",
        verdict="",
    )
    yield Row(
        name="import imnm loads " + ", ".join(_OPTIONAL),
        subject="none" if loaded == "[]" else loaded,
        baseline="",
        ratio="",
        target="none",
        verdict=_verdict(loaded == "[]"),
    )


def _fastest(seconds: Sequence[float]) -> float:
    """The mean of the fastest quarter of *seconds* (at least one value)."""
    fastest = sorted(seconds)[: max(1, len(seconds) // 4)]
    return statistics.fmean(fastest)


def _median_over(times: dict[str, list[float]], baseline: str) -> str:
    """The median of the per-round differences of imnm over *baseline*."""
    diffs = [a - b for a, b in zip(times["imnm"], times[baseline], strict=True)]
    return f"{statistics.median(diffs) * 1e3:+.1f} ms"


def _own_import_time(env: dict[str, str]) -> float:
    """Seconds spent in imnm's own modules (self time), by ``-X importtime``."""
    report = _run_python("import imnm", options=("-X", "importtime"), env=env)
    micros = sum(
        int(match[1])
        for match in _IMPORT_LINE.finditer(report)
        if match[4] == "imnm" or match[4].startswith("imnm.")
    )
    return micros / 1e6


# --- 5. Cohorts: DuckDB, Spark and imnm batch on one Parquet cohort --------------------------

# Runs a command, then prints its wall time and the peak resident memory of its processes.
_TIMED = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(done.stdout)
"""

# The DuckDB path, on every core: one query reads the Parquet cohort, classifies it and
# writes Parquet; prints the seconds of the setup (the decision table: classify over
# every combination, then the session's table and macros) and of the query.
_DUCKDB = """
import os, sys, time, duckdb
from imnm import sql
connection = duckdb.connect(config={"threads": os.cpu_count()})
connection.execute("SET enable_progress_bar = false")
start = time.perf_counter()
relation = sql.classify_duckdb(connection, f"read_parquet('{sys.argv[1]}')")
middle = time.perf_counter()
relation.select(sys.argv[3]).write_parquet(sys.argv[2])
print(middle - start, time.perf_counter() - middle)
"""

# The Spark path, local mode on every core; prints the job's seconds (session start excluded).
_SPARK = """
import sys, time
from pyspark.sql import SparkSession
spark = (
    SparkSession.builder.master("local[*]")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.sql.shuffle.partitions", "2")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
from imnm import sql
start = time.perf_counter()
result = sql.classify_spark(spark.read.parquet(sys.argv[1]))
result.select(*sys.argv[3].split(", ")).write.mode("overwrite").parquet(sys.argv[2])
print(time.perf_counter() - start)
spark.stop()
"""


def write_cohort(folder: Path, rows: int) -> tuple[Path, Path]:
    """The same *rows* random findings (with ids) as Parquet and as CSV, written by DuckDB."""
    import duckdb

    cells = ", ".join(
        f"{list(values)!r}[1 + floor(random() * {len(values)})::INTEGER] AS {name}"
        for name, values in ((c.name, c.values) for c in cohort.COLUMNS)
    )
    connection = duckdb.connect()
    connection.execute("SELECT setseed(0.15)")
    connection.execute(
        f"CREATE TABLE rows AS SELECT 'p' || i AS id, {cells} FROM range({rows}) AS r(i)"
    )
    parquet, text = folder / "cohort.parquet", folder / "cohort.csv"
    connection.execute(f"COPY rows TO '{parquet}' (FORMAT parquet)")
    connection.execute(f"COPY rows TO '{text}' (FORMAT csv, HEADER)")
    return parquet, text


def _timed_command(command: Sequence[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak MB and standard output of *command* in a fresh process."""
    first, *rest = _run_python(_TIMED, *command, env=env).split("\n", 2)
    seconds, peak_kib = first.split()
    return float(seconds), int(peak_kib) / 1024, rest[0] if rest else ""


def bench_cohorts(sizes: Sizes) -> Iterator[Row]:
    """One Parquet cohort through DuckDB, Spark (local) and ``imnm batch`` (Parquet and CSV)."""
    rows = sizes.cohort_rows
    script = shutil.which("imnm", path=str(Path(sys.executable).parent))
    if script is None:
        yield Row(
            name="Cohorts: DuckDB, Spark, imnm batch",
            subject="not run: no `imnm` console script beside this Python",
            baseline="",
            ratio="",
            target=">= 20x; < 1 GB",
            verdict="not measured",
        )
        return
    java = shutil.which("java") is not None
    python = [sys.executable, "-c"]
    # What every path writes: each row's id and result columns (imnm batch adds `line`
    # and writes the errors to their own report; the engines add an `error` column).
    written = ", ".join(["id", *sql.OUTPUT_COLUMNS])

    def commands(folder: Path, parquet: Path, text: Path) -> dict[str, list[str]]:
        paths = {
            "duckdb": [*python, _DUCKDB, str(parquet), str(folder / "d.parquet"), written],
            "parquet": [script, "batch", str(parquet), str(folder / "b.parquet")],
            "csv": [script, "batch", str(text), str(folder / "b.csv")],
        }
        if java:
            paths["spark"] = [*python, _SPARK, str(parquet), str(folder / "s"), written]
        return paths

    with tempfile.TemporaryDirectory(prefix="imnm-bench-") as name, _bytecode() as env:
        folder = Path(name)
        # Every path runs once on a small cohort first: each then imports from
        # cached bytecode, as after `pip install`, whichever runs first.
        (folder / "warm").mkdir()
        for command in commands(folder / "warm", *write_cohort(folder / "warm", 1_000)).values():
            _timed_command(command, env)
        parquet, text = write_cohort(folder, rows)
        paths = commands(folder, parquet, text)
        # The DuckDB path takes seconds, so it runs three times (the median is
        # reported); each batch run takes a minute or more and runs once.
        duck_runs = sorted(_timed_command(paths["duckdb"], env) for _ in range(3))
        duck_s, duck_mb, out = duck_runs[1]
        duck_mb = max(run[1] for run in duck_runs)
        setup_s, query_s = map(float, out.split()[-2:])
        batch_s, batch_mb, _ = _timed_command(paths["parquet"], env)
        csv_s, csv_mb, _ = _timed_command(paths["csv"], env)
        if java:
            total_s, spark_mb, out = _timed_command(paths["spark"], env)
            spark_s = float(out.split()[-1])
    duck, batch, csv_rate = rows / duck_s, rows / batch_s, rows / csv_s
    yield Row(
        name=f"DuckDB path, {rows:,} Parquet rows (`classify_duckdb` to Parquet)",
        subject=(
            f"{duck:,.0f} rows/s, median of 3 runs; peak {duck_mb:.0f} MB (of {duck_s:.2f} s: "
            f"setup {setup_s:.2f} s, query {query_s:.2f} s, the rest start-up and imports)"
        ),
        baseline=f"{batch:,.0f} rows/s (`imnm batch`, Parquet)",
        ratio=f"{duck / batch:.1f}x",
        target=">= 20x; < 1 GB",
        verdict=_verdict(duck / batch >= 20 and duck_mb < 1024),
    )
    if java:
        yield Row(
            name=f"Spark local path, {rows:,} Parquet rows (`classify_spark` to Parquet)",
            subject=(
                f"{rows / spark_s:,.0f} rows/s (job); {rows / total_s:,.0f} rows/s with "
                f"start-up; peak {spark_mb:.0f} MB"
            ),
            baseline=f"{batch:,.0f} rows/s (`imnm batch`, Parquet)",
            ratio=f"{rows / spark_s / batch:.1f}x",
            target="(reported)",
            verdict="",
        )
    yield Row(
        name=f"`imnm batch`, {rows:,} rows, Parquet in and out",
        subject=f"{batch:,.0f} rows/s; peak {batch_mb:.0f} MB",
        baseline=f"{csv_rate:,.0f} rows/s (CSV in and out); peak {csv_mb:.0f} MB",
        ratio=f"{batch / csv_rate:.2f}x",
        target=">= 1x (the CSV rate)",
        verdict=_verdict(batch >= csv_rate),
    )


# --- Report ---------------------------------------------------------------------------------

_JUDGED = True


def _verdict(met: bool) -> str:
    if not _JUDGED:
        return "(quick: not judged)"
    return "met" if met else "MISSED"


def _ns(seconds: float) -> str:
    return f"{seconds * 1e9:,.0f} ns"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.2f} µs"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def machine(argv: Sequence[str] = ()) -> list[str]:
    """The lines that say where and when the figures were taken, and by which command."""
    cpu = platform.processor() or "unknown CPU"
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)[1]  # type: ignore[index]
    except (OSError, TypeError):
        pass
    return [
        f"Machine: {platform.machine()}, {cpu}, {os.cpu_count()} CPUs; "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"imnm {imnm.__version__}",
        f"Date: {datetime.date.today().isoformat()}",
        " ".join(["Command: python benchmarks/run.py", *argv]),
        f"Load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def table(rows: Sequence[Row]) -> str:
    """*rows* as a Markdown table."""
    header = ("Benchmark", "imnm", "Baseline", "Ratio / difference", "Target", "Verdict")
    lines = [header, *(attrs.astuple(row) for row in rows)]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = ["| " + " | ".join(map(str.ljust, map(str, line), widths)) + " |" for line in lines]
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


BENCHMARKS = {
    "classify": bench_classify,
    "assess": bench_assess,
    "json": bench_round_trip,
    "paths": bench_paths,
    "batch": bench_batch,
    "import": bench_import,
    "cohorts": bench_cohorts,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    global _JUDGED
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; judge nothing")
    parser.add_argument(
        "--only", choices=sorted(BENCHMARKS), action="append", help="run only these (repeatable)"
    )
    parser.add_argument(
        "--cohort-rows", type=int, metavar="N", help="rows of the cohorts benchmark's cohort"
    )
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(arguments)
    _JUDGED = not args.quick
    sizes = QUICK if args.quick else FULL
    if args.cohort_rows is not None:
        sizes = attrs.evolve(sizes, cohort_rows=args.cohort_rows)
    rows: list[Row] = []
    for name, bench in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += bench(sizes)
    print("\n".join(machine(arguments)), end="\n\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
