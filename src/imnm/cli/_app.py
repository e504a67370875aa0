"""The ``imnm`` command: classify, batch, show, schema and table, built on click and rich.

Only :func:`imnm.cli.main` imports this module, so ``import imnm`` never pays
for (or needs) click and rich.  A user mistake ends with a one-line message:
exit status 2 for a usage error (with the usage line), 1 for bad data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, BinaryIO, TextIO, TypeVar

import click
from rich.console import Console

from .. import catalog, serialize
from .._schema import _attribute_docs
from ..classifier import classify as classify_findings
from ..criteria import CRITERIA
from ..errors import ImnmError
from ..findings import Biopsy, Findings, Presence, Serology
from . import _render
from ._batch import ERROR_COLUMNS, RESULT_COLUMNS, Parsed, RowError, read_csv, read_jsonl, run_batch
from ._fields import FIELDS, findings_from_cells
from ._output import Writer, format_for
from ._table import TABLE_COLUMNS, decision_table

__all__ = ["EXAMPLE", "cli"]

#: The built-in case of ``imnm classify --example``: made up, not a patient.
EXAMPLE = Findings(
    anti_srp=Serology.NEGATIVE,
    anti_hmgcr=Serology.POSITIVE,
    other_msa=Serology.NEGATIVE,
    elevated_ck=Presence.PRESENT,
    proximal_weakness=Presence.PRESENT,
    statin_exposure=Presence.PRESENT,
    extramuscular_features=Presence.ABSENT,
    muscle_biopsy=Biopsy.NECROTIZING,
)

_F = TypeVar("_F", bound=Callable[..., Any])
# Big enough that a batch run does not spend its time in write() calls.
_BUFFER = 1 << 16
# How many rows pass between two updates of the progress bar.
_PROGRESS_EVERY = 1 << 13


class _Command(click.Command):
    """A command whose every usage error shows the usage line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            # click raises some parser errors (an option missing its value) without a context.
            if error.ctx is None:
                error.ctx = ctx
            raise


class _Group(click.Group):
    """A group that turns the library's errors into a one-line message and exit status 1."""

    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImnmError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
# The version is read from the package metadata only when --version asks for it.
@click.version_option(
    None, "--version", package_name="imnm", prog_name="imnm", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Knowledge about immune-mediated necrotizing myopathy (IMNM), and its classifier.

    imnm informs; it does not diagnose.
    """


def _finding_options(command: _F) -> _F:
    # The same words as the Findings docstring and the JSON Schema.
    docs = _attribute_docs(Findings)
    for field in reversed(FIELDS):
        option = click.option(
            field.option,
            field.name,
            type=click.Choice(field.values),
            default=None,
            help=f"{docs[field.name]} Default: {field.default.value}.",
        )
        command = option(command)
    return command


_STYLES = ("text", "markdown", "json")


def _style_options(*more_styles: str) -> Callable[[_F], _F]:
    # --json and --markdown are short for --format json / markdown (one destination).
    def decorate(command: _F) -> _F:
        format_option = click.option(
            "--format",
            "style",
            type=click.Choice((*_STYLES, *more_styles)),
            default=None,
            help="How to print the result (default: text).",
        )
        json_option = click.option(
            "--json", "style", flag_value="json", help="Print the wire format (JSON)."
        )
        markdown_option = click.option(
            "--markdown", "style", flag_value="markdown", help="Print Markdown source."
        )
        return format_option(json_option(markdown_option(command)))

    return decorate


def _print_text(markdown: str, style: str | None) -> None:
    if style == "markdown":
        click.echo(markdown, nl=False)
    else:
        # Imported here: rendering Markdown costs more to import than all `imnm batch` needs.
        from rich.markdown import Markdown

        Console(soft_wrap=False).print(Markdown(markdown))


@cli.command()
@click.argument("document", type=click.File("rb"), required=False)
@click.option("--example", is_flag=True, help="Start from a built-in, made-up case.")
@_style_options("phenopacket", "fhir", "fhir-observation")
@click.option(
    "--subject-id",
    default="subject-1",
    show_default=True,
    help="With --format phenopacket: the subject's id.",
)
@click.option(
    "--created",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help="With --format phenopacket: when it was made (UTC if no offset; default: now).",
)
@click.option(
    "--patient-reference",
    default="Patient/subject-1",
    show_default=True,
    help="With --format fhir or fhir-observation: the resource's subject reference.",
)
@_finding_options
def classify(
    document: BinaryIO | None,
    example: bool,
    style: str | None,
    subject_id: str,
    created: dt.datetime | None,
    patient_reference: str,
    **values: str | None,
) -> None:
    """Classify one patient's findings and explain the result.

    Give the findings as options (a field not given is unknown), as a
    findings DOCUMENT in JSON (a file, or - for standard input), or start
    from --example; options override the document or the example.  Besides
    text, Markdown and the wire format (JSON), the result can be printed as a
    GA4GH Phenopacket v2, an HL7 FHIR R4 Condition (fhir: only where the
    criteria are met or open; never for criteria not met) or an HL7 FHIR R4
    Observation of the evaluation (fhir-observation: any result).
    """
    given = {name: value for name, value in values.items() if value is not None}
    if document is not None and example:
        raise click.UsageError("give a DOCUMENT or --example, not both")
    if document is None and not example and not given:
        raise click.UsageError(
            "give findings as options, a JSON DOCUMENT (- for stdin), or --example"
        )
    if document is not None:
        base = serialize.loads(document.read(), Findings)
    else:
        base = EXAMPLE if example else Findings()
    cells = tuple(given.get(f.name, str(getattr(base, f.name).value)) for f in FIELDS)
    result = classify_findings(findings_from_cells(cells))
    if style == "json":
        click.echo(serialize.dumps(result))
    elif style == "phenopacket":
        from ..interop.phenopacket import to_phenopacket

        # The command line is the edge where reading the clock belongs.
        when = dt.datetime.now(dt.timezone.utc) if created is None else created
        when = when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)
        packet = to_phenopacket(result.findings, result, subject_id=subject_id, created=when)
        click.echo(json.dumps(packet, ensure_ascii=False, indent=2))
    elif style == "fhir":
        from ..interop.fhir import to_fhir_condition

        condition = to_fhir_condition(result.findings, result, patient_reference=patient_reference)
        click.echo(json.dumps(condition, ensure_ascii=False, indent=2))
    elif style == "fhir-observation":
        from ..interop.fhir import to_fhir_observation

        observation = to_fhir_observation(
            result.findings, result, patient_reference=patient_reference
        )
        click.echo(json.dumps(observation, ensure_ascii=False, indent=2))
    else:
        _print_text(_render.classification_markdown(result), style)


_COLLECTIONS: dict[str, tuple[object, ...]] = {
    "complications": catalog.COMPLICATIONS,
    "criteria": CRITERIA,
    "references": catalog.REFERENCES,
}
_TOPICS = (*(subtype.id for subtype in catalog.SUBTYPES), *_COLLECTIONS)


@cli.command()
@click.argument("topic", required=False, metavar="[TOPIC]", type=click.Choice(_TOPICS))
@_style_options()
def show(topic: str | None, style: str | None) -> None:
    """Show what the catalog knows: everything, or one TOPIC.

    TOPIC is a subtype id, "complications", "criteria" or "references".  With
    --json, a collection is a JSON array of documents.
    """
    if style == "json":
        if topic in _COLLECTIONS:
            items = [serialize.to_dict(item) for item in _COLLECTIONS[topic]]
            click.echo(json.dumps(items, ensure_ascii=False))
        else:
            click.echo(
                serialize.dumps(catalog.IMNM if topic is None else catalog.get_subtype(topic))
            )
        return
    if topic is None:
        text = _render.disease_markdown(catalog.IMNM)
    elif topic == "complications":
        text = _render.complications_markdown(catalog.IMNM)
    elif topic == "criteria":
        text = _render.criteria_markdown()
    elif topic == "references":
        text = _render.references_markdown(catalog.REFERENCES)
    else:
        text = _render.subtype_markdown(catalog.get_subtype(topic))
    _print_text(text, style)


@cli.command()
@click.argument("kind", metavar="KIND", type=click.Choice(sorted(serialize.DOCUMENT_KINDS)))
def schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a KIND of document.

    KIND is one of: findings, classification, and the catalog's autoantibody,
    complication, criterion, disease, ontology_term, reference, statement,
    subtype and therapy.
    """
    click.echo(
        json.dumps(
            serialize.json_schema(serialize.DOCUMENT_KINDS[kind]), indent=2, ensure_ascii=False
        )
    )


@contextlib.contextmanager
def _text_output(path: str) -> Iterator[TextIO]:
    if path == "-":
        yield sys.stdout
        return
    try:
        stream = open(  # noqa: SIM115 - closed below, after the yield
            path, "w", encoding="utf-8", errors="surrogateescape", newline="", buffering=_BUFFER
        )
    except OSError as error:
        raise click.FileError(path, error.strerror) from None
    with stream:
        yield stream


def _format_option(flag: str, dest: str, choices: tuple[str, ...], path: str) -> Callable[[_F], _F]:
    return click.option(
        flag,
        dest,
        type=click.Choice(choices),
        help=f"Format (default: by the {path} extension, else csv).",
    )


@cli.command()
@_format_option("--format", "fmt", ("csv", "json"), "--output")
@click.option(
    "--output",
    "-o",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to this file instead of standard output.",
)
def table(fmt: str | None, output: str) -> None:
    """Print the complete decision table: all 6,561 combinations of findings.

    One row per combination: the eight field columns (wire values), the
    subtype id (empty or null for none) and the criteria status.  Join it on
    the field columns to classify rows in SQL, DuckDB, Polars or Spark.
    """
    with _text_output(output) as stream:
        writer = Writer(stream, fmt or format_for(output, "csv"), TABLE_COLUMNS)
        for row in decision_table():
            writer.write(row)
        writer.close()


def _open_input(path: str) -> tuple[IO[bytes], TextIO, int | None]:
    if path == "-":
        raw: IO[bytes] = sys.stdin.buffer
        size = None
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller's exit stack
        except OSError as error:  # pragma: no cover - click checked that it exists
            raise click.FileError(path, error.strerror) from None
        size = os.path.getsize(path) or None  # None for a named pipe
    # utf-8-sig drops the byte-order mark spreadsheets write; surrogateescape
    # keeps undecodable bytes so that the row, not the batch, fails.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return raw, text, size


def _with_progress(
    rows: Iterable[Parsed | RowError], raw: IO[bytes], size: int | None, console: Console
) -> Iterator[Parsed | RowError]:
    from rich.progress import (  # only a terminal shows progress: imported when one does
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("reading", total=size)
        for count, row in enumerate(rows, 1):
            if not count % _PROGRESS_EVERY:
                position = raw.tell() if size is not None else None
                progress.update(task, completed=position, description=f"{count:,} rows")
            yield row


@cli.command()
@click.argument(
    "input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
@click.argument("output_path", metavar="OUTPUT", type=click.Path(dir_okay=False, allow_dash=True))
@_format_option("--input-format", "input_format", ("csv", "jsonl"), "INPUT")
@_format_option("--format", "fmt", ("csv", "jsonl"), "OUTPUT")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False),
    help="Write the error report here (CSV, or JSON Lines for .jsonl) instead of to stderr.",
)
@click.option("--id-column", default="id", show_default=True, help="The column with row ids.")
@click.option(
    "--ignore-extra-columns", is_flag=True, help="Skip unknown columns instead of refusing them."
)
@click.pass_context
def batch(
    ctx: click.Context,
    input_path: str,
    output_path: str,
    input_format: str | None,
    fmt: str | None,
    errors_path: str | None,
    id_column: str,
    ignore_extra_columns: bool,
) -> None:
    """Classify every row of INPUT into OUTPUT (- for standard input or output).

    INPUT is CSV with a header of field names (a missing column or a blank
    cell means unknown) or JSON Lines of objects keyed by field names.  Each
    row gives one OUTPUT row (line, id, subtype, criteria) or one error
    (line, id, field, value, message).  The exit status is 1 when a row failed.
    """
    reader = read_jsonl if (input_format or format_for(input_path, "csv")) == "jsonl" else read_csv
    stderr = Console(stderr=True)
    with contextlib.ExitStack() as stack:
        raw, text, size = _open_input(input_path)
        stack.callback(raw.close)
        rows: Iterable[Parsed | RowError] = reader(
            text, id_column=id_column, ignore_extra=ignore_extra_columns
        )
        output = stack.enter_context(_text_output(output_path))
        results = Writer(output, fmt or format_for(output_path, "csv"), RESULT_COLUMNS)
        write_error: Callable[[RowError], object]
        if errors_path is None:
            write_error = lambda error: click.echo(f"imnm: {error}", err=True)  # noqa: E731
        else:
            errors_stream = stack.enter_context(_text_output(errors_path))
            errors = Writer(errors_stream, format_for(errors_path, "csv"), ERROR_COLUMNS)
            stack.callback(errors.close)
            write_error = lambda error: errors.write(error.as_row())  # noqa: E731
        if stderr.is_terminal:
            rows = _with_progress(rows, raw, size, stderr)
        start = time.perf_counter()
        classified, failed = run_batch(rows, results.write, write_error)
        results.close()
        seconds = time.perf_counter() - start
    rate = (classified + failed) / seconds if seconds else 0.0
    click.echo(
        f"imnm: {classified:,} rows classified, {failed:,} failed, "
        f"in {seconds:.2f} s ({rate:,.0f} rows/s)",
        err=True,
    )
    if failed:
        ctx.exit(1)
