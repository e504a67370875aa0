"""imnm's published speed and memory figures, each measured beside its baseline in one run.

Usage::

    python benchmarks/run.py            # full sizes (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # small sizes: proves the script runs (CI)

Every comparison interleaves subject and baseline in alternating order, round
after round, and reports medians and the median of the per-round ratios, so
that a shared, noisy machine slows both sides alike.  Targets are printed
beside the figures; this script judges nothing in quick mode and fails on no
target (its exit status says only whether it ran).

The baselines:

1. ``classify``: a bare ``dict`` keyed by the same ``Findings`` objects
   (``table[f]``), so hashing costs the same on both sides.
2. JSON round trip: an equivalent pydantic v2 model of the same payload, as
   strict as imnm's published JSON Schema (unknown keys refused, enums, ids of
   the catalog, non-blank strings), written here only: pydantic is no
   dependency of imnm.
3. ``imnm batch``: throughput and peak memory of the installed console script
   on generated CSV files of growing size.
4. Import: fresh interpreters running ``import attrs`` and
   ``import attrs, cattrs`` against ``import imnm``.
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
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

import imnm
from imnm import Biopsy, Classification, Findings, Outcome, Presence, Serology, serialize
from imnm.classifier import CriteriaStatus

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
    batch_rows: tuple[int, ...]


FULL = Sizes(rounds=15, payloads=200, processes=15, batch_rows=(100_000, 1_000_000))
QUICK = Sizes(rounds=3, payloads=20, processes=3, batch_rows=(2_000,))


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
    # As timeit does: a collection in the middle of one side is noise, not cost.
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        workload()
        return time.perf_counter() - start
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


# --- 2. JSON round trip ---------------------------------------------------------------------

Text = Annotated[str, StringConstraints(strict=True, pattern=r"\S")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FindingsModel(_Strict):
    """A findings document, as strict as imnm's JSON Schema for it."""

    kind: Literal["findings"] = "findings"
    imnm_format: Annotated[int, Field(ge=1, le=1)] = 1
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
    imnm_format: Annotated[int, Field(ge=1, le=1)] = Field(default=1, exclude=True)


class RuleResultModel(_Strict):
    """One explanation entry."""

    criterion: _CriterionId
    outcome: Outcome
    detail: Text


class StatementModel(_Strict):
    """A note: its text and the ids of its references."""

    text: Text
    references: tuple[str, ...] = ()


class ClassificationModel(_Strict):
    """A classification document, as strict as imnm's JSON Schema for it."""

    kind: Literal["classification"] = "classification"
    imnm_format: Annotated[int, Field(ge=1, le=1)] = 1
    findings: FindingsBody
    subtype: _SubtypeId | None
    criteria: CriteriaStatus
    explanation: Annotated[tuple[RuleResultModel, ...], Field(min_length=1)]
    next_steps: tuple[Text, ...] = ()
    notes: tuple[StatementModel, ...] = ()


def _pydantic_twin(obj: object, model: type[BaseModel]) -> BaseModel:
    """The pydantic model of the payload *obj* writes; checked to write the same document."""
    text = serialize.dumps(obj)
    twin = model.model_validate_json(text)
    if json.loads(twin.model_dump_json()) != json.loads(text):
        raise AssertionError(f"the pydantic model writes another payload than imnm for {obj!r}")
    return twin


def bench_round_trip(sizes: Sizes) -> Iterator[Row]:
    """``dumps`` then ``loads`` of findings and classifications, against pydantic v2."""
    combos = all_findings()
    sample = random.Random(8).sample(combos, sizes.payloads)
    cases: list[tuple[str, Sequence[object], type, type[BaseModel]]] = [
        ("Findings", sample, Findings, FindingsModel),
        ("Classification", [imnm.classify(f) for f in sample], Classification, ClassificationModel),
    ]
    for label, objects, cls, model in cases:
        twins = [_pydantic_twin(obj, model) for obj in objects]
        for what, subject, baseline in _json_workloads(objects, cls, twins, model):
            result = compare(subject, baseline, items=len(objects), rounds=sizes.rounds)
            headline = what == "round trip"
            yield Row(
                name=f"{label} JSON {what}" + ("" if headline else " (part)"),
                subject=_us(result.subject),
                baseline=f"{_us(result.baseline)} (pydantic {_pydantic_version()})",
                ratio=f"{result.ratio:.2f}x",
                target="<= 1.0x" if headline else "",
                verdict=_verdict(result.ratio <= 1) if headline else "",
            )


def _json_workloads(
    objects: Sequence[object], cls: type, twins: Sequence[BaseModel], model: type[BaseModel]
) -> Iterator[tuple[str, Workload, Workload]]:
    """(what, imnm, pydantic) for the round trip, then for writing and reading alone."""
    dumps, loads, validate = serialize.dumps, serialize.loads, model.model_validate_json
    texts = [dumps(obj) for obj in objects]
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


def _pydantic_version() -> str:
    import pydantic

    return pydantic.VERSION


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

_IMPORTS = {
    "nothing": "pass",
    "attrs": "import attrs",
    "attrs, cattrs": "import attrs, cattrs",
    "imnm": "import imnm",
}
_OPTIONAL = ("cattrs", "click", "rich", "imnm.cli", "imnm.serialize")
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def bench_import(sizes: Sizes) -> Iterator[Row]:
    """Wall time of fresh interpreters importing imnm and its dependencies."""
    with _bytecode() as env:
        for code in _IMPORTS.values():  # warm-up: fills the bytecode cache
            _run_python(code, env=env)
        times: dict[str, list[float]] = {name: [] for name in _IMPORTS}
        own: list[float] = []
        for _ in range(sizes.processes):
            for name, code in _IMPORTS.items():
                start = time.perf_counter()
                _run_python(code, env=env)
                times[name].append(time.perf_counter() - start)
            own.append(_own_import_time(env))
    median = {name: statistics.median(values) for name, values in times.items()}
    # imnm imports attrs alone (not cattrs): both comparisons are shown.
    for baseline, note in (("attrs, cattrs", ""), ("attrs", " (all it imports)")):
        over = median["imnm"] - median[baseline]
        yield Row(
            name=f"import imnm, over import {baseline}{note}",
            subject=_ms(median["imnm"]),
            baseline=f"{_ms(median[baseline])} (import {baseline})",
            ratio=f"{over * 1000:+.1f} ms",
            target="< +15 ms",
            verdict=_verdict(over < 0.015),
        )
    loaded = _run_python(
        f"import sys, imnm; print([m for m in {_OPTIONAL!r} if m in sys.modules])"
    ).strip()
    yield Row(
        name="import imnm: imnm's own modules (-X importtime)",
        subject=_ms(statistics.median(own)),
        baseline=f"{_ms(median['nothing'])} (bare interpreter start)",
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


def _own_import_time(env: dict[str, str]) -> float:
    """Seconds spent in imnm's own modules (self time), by ``-X importtime``."""
    report = _run_python("import imnm", options=("-X", "importtime"), env=env)
    micros = sum(
        int(match[1])
        for match in _IMPORT_LINE.finditer(report)
        if match[4] == "imnm" or match[4].startswith("imnm.")
    )
    return micros / 1e6


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


def machine() -> list[str]:
    """The lines that say where and when the figures were taken."""
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
        f"Command: python benchmarks/run.py{' --quick' if not _JUDGED else ''}",
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
    "json": bench_round_trip,
    "batch": bench_batch,
    "import": bench_import,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    global _JUDGED
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; judge nothing")
    parser.add_argument(
        "--only", choices=sorted(BENCHMARKS), action="append", help="run only these (repeatable)"
    )
    args = parser.parse_args(argv)
    _JUDGED = not args.quick
    sizes = QUICK if args.quick else FULL
    rows: list[Row] = []
    for name, bench in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += bench(sizes)
    print("\n".join(machine()), end="\n\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
