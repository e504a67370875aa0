"""Guard the wire format's version promise: pin a fingerprint of the documents per version.

The fingerprint of a format version is a SHA-256 digest of the structure of every
document kind's JSON Schema (keys, types, enums, ids, defaults, patterns; not the
descriptions, which are prose).  ``tests/api/format_fingerprints.json`` pins one
per format version, and whether that version has been released::

    {"1": {"sha256": "...", "released": "0.1.0"}}

A released version's fingerprint never changes: documents that differ from it
need a new format version (``serialize.FORMAT_VERSION``), an upgrade step from
the version before (``serialize._UPGRADES``) and golden files.  A version not
released yet may be re-pinned while it is being built.

Usage (from the repository root, in the dev environment)::

    python tools/format_fingerprint.py                  # check; exit 1 with what to do
    python tools/format_fingerprint.py --update         # pin the current version (unreleased only)
    python tools/format_fingerprint.py --release 0.2.0  # mark the current version released

This file is a development tool: it is not part of the shipped package.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from imnm import serialize

PINS = Path(__file__).resolve().parents[1] / "tests" / "api" / "format_fingerprints.json"
UPDATE_COMMAND = "python tools/format_fingerprint.py --update"
RELEASE_COMMAND = "python tools/format_fingerprint.py --release VERSION"

# Schema keys that are prose or restate the version, not structure.
_PROSE = frozenset({"description", "title", "$id"})

Pins = dict[str, dict[str, Any]]


@attrs.frozen(kw_only=True)
class Format:
    """What the guard reads of the wire format.

    Attributes:
        version: ``serialize.FORMAT_VERSION``.
        upgrades: The versions that have an upgrade step to the next (``serialize._UPGRADES``).
        digest: The fingerprint of the documents as the code writes them today.
    """

    version: int
    upgrades: Collection[int]
    digest: str


def structure(schema: object) -> object:
    """*schema* without its prose: every ``description``, ``title`` and ``$id`` removed."""
    if isinstance(schema, dict):
        return {key: structure(value) for key, value in schema.items() if key not in _PROSE}
    if isinstance(schema, list):
        return [structure(item) for item in schema]
    return schema


def fingerprint(schemas: Mapping[str, object]) -> str:
    """The SHA-256 digest of the structure of *schemas* (by kind), as canonical JSON."""
    canonical = json.dumps(
        {kind: structure(schema) for kind, schema in schemas.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def current() -> Format:
    """The wire format as the imported imnm writes it."""
    schemas = {kind: serialize.json_schema(cls) for kind, cls in serialize.DOCUMENT_KINDS.items()}
    return Format(
        version=serialize.FORMAT_VERSION,
        upgrades=frozenset(serialize._UPGRADES),
        digest=fingerprint(schemas),
    )


def read_pins(path: Path | None = None) -> Pins:
    """The pinned fingerprints (of :data:`PINS` by default), by format version as a string."""
    pins: Pins = json.loads((path or PINS).read_text(encoding="utf-8"))
    return pins


def problems(fmt: Format, pins: Pins) -> list[str]:
    """What is wrong with *fmt* against *pins*, each with what to do; empty when all is well."""
    found = []
    n = fmt.version
    for missing in sorted(set(range(1, n)) - set(fmt.upgrades)):
        found.append(
            f"serialize._UPGRADES has no step from format version {missing} to {missing + 1}: "
            f"documents of version {missing} could not be read. Add the step (it is never removed)."
        )
    newer = sorted(int(v) for v in pins if int(v) > n)
    if newer:
        found.append(
            f"format version(s) {newer} are pinned but serialize.FORMAT_VERSION is {n}: "
            "a pinned version is never taken back."
        )
    pin = pins.get(str(n))
    if pin is None:
        found.append(
            f"format version {n} has no pinned fingerprint. Add golden files written by "
            f"version {n} (tests/golden/, SHA256SUMS, GOLDEN_OBJECTS in tests/test_serialize.py), "
            f"then run `{UPDATE_COMMAND}`."
        )
    elif pin["sha256"] != fmt.digest and pin["released"] is not None:
        found.append(
            f"The documents changed: the JSON Schemas no longer have the structure of format "
            f"version {n}, which imnm {pin['released']} released, so an older reader could "
            f"refuse the new documents. Bump serialize.FORMAT_VERSION to {n + 1}, add an "
            f"upgrade step serialize._UPGRADES[{n}] that turns a version-{n} document body into "
            f"a version-{n + 1} one, add golden files for version {n + 1} (tests/golden/, "
            f"SHA256SUMS, GOLDEN_OBJECTS in tests/test_serialize.py; keep every old one), run "
            f"`python tools/write_schemas.py`, then run `{UPDATE_COMMAND}`, and record the new "
            "format version in CHANGELOG.md (see docs/wire-format.md, 'Changing the format')."
        )
    elif pin["sha256"] != fmt.digest:
        found.append(
            f"The documents of format version {n} changed since it was pinned. It is not "
            f"released yet, so if the change is intended, re-pin it: run `{UPDATE_COMMAND}` "
            "(and keep its golden files in step)."
        )
    return found


def update(fmt: Format, pins: Pins) -> Pins:
    """*pins* with the current version pinned to *fmt*'s fingerprint.

    Raises:
        ValueError: The current version is released and its fingerprint differs.
    """
    key = str(fmt.version)
    pin = pins.get(key)
    if pin is not None and pin["released"] is not None and pin["sha256"] != fmt.digest:
        raise ValueError(
            f"format version {key} was released in imnm {pin['released']}; its fingerprint "
            "never changes. Bump serialize.FORMAT_VERSION instead: run "
            "`python tools/format_fingerprint.py` to see every step."
        )
    return {
        **pins,
        key: {"sha256": fmt.digest, "released": None if pin is None else pin["released"]},
    }


def release(fmt: Format, pins: Pins, library_version: str) -> Pins:
    """*pins* with the current format version marked released in *library_version*.

    Raises:
        ValueError: The current version is not pinned to *fmt*'s fingerprint.
    """
    key = str(fmt.version)
    pin = pins.get(key)
    if pin is None or pin["sha256"] != fmt.digest:
        raise ValueError(f"pin format version {key} first: run `{UPDATE_COMMAND}`")
    if pin["released"] is not None:
        return pins
    return {**pins, key: {"sha256": pin["sha256"], "released": library_version}}


def write_pins(pins: Pins, path: Path | None = None) -> None:
    """Write *pins* (to :data:`PINS` by default), sorted by version."""
    ordered = dict(sorted(pins.items(), key=lambda item: int(item[0])))
    (path or PINS).write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None, fmt: Callable[[], Format] = current) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--update", action="store_true", help="pin the current format version")
    group.add_argument("--release", metavar="VERSION", help="mark it released in imnm VERSION")
    args = parser.parse_args(argv)
    pins, now = read_pins(), fmt()
    try:
        if args.update:
            write_pins(update(now, pins))
        elif args.release:
            write_pins(release(now, pins, args.release))
    except ValueError as error:
        print(error)
        return 1
    found = problems(now, read_pins())
    for problem in found:
        print(problem)
    if not found:
        print(f"format version {now.version} matches its pinned fingerprint")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
