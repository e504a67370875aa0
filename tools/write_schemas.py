"""Write the JSON Schema of every document kind to src/imnm/schemas/<kind>.json.

Run after changing a model class: ``python tools/write_schemas.py``.  The test
suite fails while a shipped schema differs from the generated one.
"""

from __future__ import annotations

import json
import pathlib

from imnm import serialize

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "src" / "imnm" / "schemas"


def main() -> None:
    """Write every schema, and remove schema files of kinds that no longer exist."""
    SCHEMAS.mkdir(exist_ok=True)
    written = set()
    for kind, cls in serialize.DOCUMENT_KINDS.items():
        path = SCHEMAS / f"{kind}.json"
        schema = serialize.json_schema(cls)
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.add(path)
    for stale in set(SCHEMAS.glob("*.json")) - written:
        stale.unlink()


if __name__ == "__main__":
    main()
