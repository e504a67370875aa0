"""The ``imnm`` command: classify, batch, show, schema and table, built on click and rich.

Only :func:`imnm.cli.main` imports this module, so ``import imnm`` never pays
for (or needs) click and rich.  A user mistake ends with a one-line message:
exit status 2 for a usage error (with the usage line), 1 for bad data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, BinaryIO, TextIO, TypeVar

import click
from click.core import ParameterSource
from rich.console import Console

from .. import serialize
from .._docstrings import attribute_docs
from ..classifier import classify as classify_findings
from ..errors import ImnmError
from ..findings import Biopsy, Findings, Presence, Serology
from ._batch import (
    ERROR_COLUMNS,
    INPUT_FORMATS,
    RESULT_COLUMNS,
    Parsed,
    RowError,
    run_batch,
)
from ._fields import FIELDS, findings_from_cells
from ._output import FORMATS, RowWriter, format_for, open_writer
from ._styles import CLASSIFY_STYLES, SHOW_STYLES, TOPICS, Medium, Options, Style, json_text
from ._table import TABLE_COLUMNS, decision_table
from ._words import expected, fold, plural

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
T = TypeVar("T")
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
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a closed pipe shows here at the latest
        except ImnmError as error:
            raise click.ClickException(str(error)) from None
        except BrokenPipeError:
            # The reader went away (`imnm ... | head`): stop quietly, as standard tools do.
            _silence_stdout()
            raise click.exceptions.Exit(0) from None


def _silence_stdout() -> None:
    # As the Python documentation recommends (signal module, "Note on SIGPIPE"):
    # point standard output at devnull so that the flush at exit cannot fail again.
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (a test runner's stream)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


class _Console(Console):
    """A rich console that leaves a closed pipe to :class:`_Group` (rich would exit 1)."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def _console(*, stderr: bool = False) -> Console:
    return _Console(stderr=stderr, soft_wrap=False)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
# The version is read from the package metadata only when --version asks for it.
@click.version_option(
    None, "--version", package_name="imnm", prog_name="imnm", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Knowledge about immune-mediated necrotizing myopathy (IMNM), and its classifier.

    imnm informs; it does not diagnose.
    """


class _Choice(click.Choice[str]):
    """A choice matched by the command line's rule (:func:`imnm.cli._words.fold`).

    ASCII whitespace and case do not matter; a refusal names the nearest choice.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if fold(text) not in self.choices:
            choices = [str(choice) for choice in self.choices]
            self.fail(f"{text!r} is not {expected(text, choices)}", param, ctx)
        return fold(text)


def _finding_options(command: _F) -> _F:
    # The same words as the Findings docstring and the JSON Schema.
    docs = attribute_docs(Findings)
    for field in reversed(FIELDS):
        option = click.option(
            field.option,
            field.name,
            type=_Choice(field.values),
            default=None,
            help=f"{docs[field.name]} Default: {field.default.value}.",
        )
        command = option(command)
    return command


_indent_option = click.option(
    "--indent/--compact",
    "indent",
    default=None,
    help="JSON output: indented, or compact on one line "
    "(default: indented on a terminal, compact otherwise).",
)


def _json_indent(indent: bool | None) -> bool:
    return sys.stdout.isatty() if indent is None else indent


def _style_options(styles: Mapping[str, Style[Any]]) -> Callable[[_F], _F]:
    # --json and --markdown are short for --format json / markdown; _chosen_style refuses
    # a mix that names two styles, and options that the chosen style does not take.
    def decorate(command: _F) -> _F:
        options = [
            click.option(
                "--format",
                "style",
                type=_Choice(tuple(styles)),
                default=None,
                help="How to print the result (default: text).",
            ),
            click.option("--json", "as_json", is_flag=True, help="Short for --format json."),
            click.option(
                "--markdown", "as_markdown", is_flag=True, help="Short for --format markdown."
            ),
            _indent_option,
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _chosen_style(
    styles: Mapping[str, Style[T]], style: str | None, as_json: bool, as_markdown: bool
) -> Style[T]:
    """The style the options name; a usage error if they name two, or give an option it refuses."""
    asked = {} if style is None else {f"--format {style}": style}
    if as_json:
        asked["--json"] = "json"
    if as_markdown:
        asked["--markdown"] = "markdown"
    if len(set(asked.values())) > 1:
        raise click.UsageError(f"{' and '.join(asked)} ask for different outputs: give one")
    name = next(iter(asked.values()), "text")
    chosen = styles[name]
    ctx = click.get_current_context()
    dependent = frozenset().union(*(entry.accepts for entry in styles.values()))
    for param in ctx.command.params:
        if param.name not in dependent or param.name in chosen.accepts:
            continue
        if ctx.get_parameter_source(param.name) in (None, ParameterSource.DEFAULT):
            continue
        takers = [f"--format {key}" for key, entry in styles.items() if param.name in entry.accepts]
        raise click.UsageError(
            f"{param.opts[0]} applies only to {' or '.join(takers)}, not to {name} output"
        )
    return chosen


def _emit(style: Style[T], subject: T, options: Options, indent: bool | None) -> None:
    product = style.export(subject, options)
    if style.medium is Medium.JSON:
        click.echo(json_text(product, indent=_json_indent(indent)))
    elif style.medium is Medium.MARKDOWN:
        click.echo(product, nl=False)
    else:
        # Imported here: rendering Markdown costs more to import than all `imnm batch` needs.
        from rich.markdown import Markdown

        _console().print(Markdown(product))


@cli.command()
@click.argument("document", type=click.File("rb"), required=False)
@click.option("--example", is_flag=True, help="Start from a built-in, made-up case.")
@_style_options(CLASSIFY_STYLES)
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
    help="With --format fhir: the Condition's subject reference.",
)
@_finding_options
def classify(
    document: BinaryIO | None,
    example: bool,
    style: str | None,
    as_json: bool,
    as_markdown: bool,
    indent: bool | None,
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
    GA4GH Phenopacket v2 or an HL7 FHIR R4 Condition.
    """
    chosen = _chosen_style(CLASSIFY_STYLES, style, as_json, as_markdown)
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
    options = {
        "subject_id": subject_id,
        "created": created,
        "patient_reference": patient_reference,
    }
    _emit(chosen, result, options, indent)


@cli.command()
@click.argument("topic", required=False, metavar="[TOPIC]", type=_Choice(TOPICS))
@_style_options(SHOW_STYLES)
def show(
    topic: str | None, style: str | None, as_json: bool, as_markdown: bool, indent: bool | None
) -> None:
    """Show what the catalog knows: everything, or one TOPIC.

    TOPIC is a subtype id, "complications", "criteria" or "references".  With
    --json, a collection is a JSON array of documents.
    """
    _emit(_chosen_style(SHOW_STYLES, style, as_json, as_markdown), topic, {}, indent)


@cli.command()
@click.argument("kind", metavar="KIND", type=_Choice(sorted(serialize.DOCUMENT_KINDS)))
@_indent_option
def schema(kind: str, indent: bool | None) -> None:
    """Print the JSON Schema (draft 2020-12) of a KIND of document.

    KIND is one of: findings, classification, and the catalog's autoantibody,
    complication, criterion, disease, ontology_term, reference, statement,
    subtype and therapy.
    """
    document = serialize.json_schema(serialize.DOCUMENT_KINDS[kind])
    click.echo(json_text(document, indent=_json_indent(indent)))


@contextlib.contextmanager
def _output(path: str, *, binary: bool = False) -> Iterator[IO[Any]]:
    if path == "-":
        if binary:
            sys.stdout.flush()
            yield sys.stdout.buffer
        else:
            yield sys.stdout
        return
    try:
        stream: IO[Any]
        if binary:
            stream = open(path, "wb", buffering=_BUFFER)  # noqa: SIM115 - closed below
        else:
            stream = open(  # noqa: SIM115 - closed below, after the yield
                path, "w", encoding="utf-8", errors="surrogateescape", newline="", buffering=_BUFFER
            )
    except OSError as error:
        raise click.FileError(path, error.strerror) from None
    with stream:
        yield stream


@contextlib.contextmanager
def _row_output(path: str, fmt: str | None, columns: Sequence[str]) -> Iterator[RowWriter]:
    """A writer of rows to *path* in *fmt*, else in the format *path*'s extension names."""
    name = fmt or format_for(path, FORMATS, "csv")
    with _output(path, binary=FORMATS[name].binary) as stream:
        writer = open_writer(stream, name, columns)
        yield writer
        writer.close()


def _format_option(
    flag: str, dest: str, registry: Mapping[str, object], path: str
) -> Callable[[_F], _F]:
    return click.option(
        flag,
        dest,
        type=_Choice(tuple(registry)),
        help=f"Format (default: by the {path} extension, else csv).",
    )


@cli.command()
@_format_option("--format", "fmt", FORMATS, "--output")
@click.option(
    "--output",
    "-o",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to this file instead of standard output.",
)
def table(fmt: str | None, output: str) -> None:
    """Print the complete decision table: every combination of findings.

    One row per combination: the field columns (wire values), the
    subtype id (empty or null for none) and the criteria status.  Join it on
    the field columns to classify rows in SQL, DuckDB, Polars or Spark.
    """
    with _row_output(output, fmt, TABLE_COLUMNS) as writer:
        for row in decision_table():
            writer.write(row)


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
@_format_option("--input-format", "input_format", INPUT_FORMATS, "INPUT")
@_format_option("--format", "fmt", FORMATS, "OUTPUT")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False),
    help="Write the error report here instead of to stderr (format by the extension, else csv).",
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

    INPUT is CSV (comma, semicolon or tab-separated) with a header of field
    names (a missing column or a blank cell means unknown) or JSON Lines of
    objects keyed by field names; names and values are matched without regard
    to ASCII case and surrounding whitespace.  Each
    row gives one OUTPUT row (line, id, subtype, criteria) or one error
    (line, id, field, value, message).  The exit status is 1 when a row failed.
    """
    reading = INPUT_FORMATS[input_format or format_for(input_path, INPUT_FORMATS, "csv")]
    stderr = _console(stderr=True)
    with contextlib.ExitStack() as stack:
        raw, text, size = _open_input(input_path)
        stack.callback(raw.close)
        rows: Iterable[Parsed | RowError] = reading.reader(
            raw if reading.binary else text,
            id_column=id_column,
            ignore_extra=ignore_extra_columns,
            notice=lambda words: click.echo(f"imnm: {words}", err=True),
        )
        results = stack.enter_context(_row_output(output_path, fmt, RESULT_COLUMNS))
        write_error: Callable[[RowError], object]
        if errors_path is None:
            write_error = lambda error: click.echo(f"imnm: {error}", err=True)  # noqa: E731
        else:
            errors = stack.enter_context(_row_output(errors_path, None, ERROR_COLUMNS))
            write_error = lambda error: errors.write(error.as_row())  # noqa: E731
        if stderr.is_terminal:
            rows = _with_progress(rows, raw, size, stderr)
        start = time.perf_counter()
        classified, failed = run_batch(rows, results.write, write_error)
        seconds = time.perf_counter() - start
    rate = (classified + failed) / seconds if seconds else 0.0
    click.echo(
        f"imnm: {plural(classified, 'row')} classified, {failed:,} failed, "
        f"in {seconds:.2f} s ({rate:,.0f} rows/s)",
        err=True,
    )
    if failed:
        ctx.exit(1)
