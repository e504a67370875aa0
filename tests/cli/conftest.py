from collections.abc import Callable, Sequence

import pytest
from click.testing import CliRunner, Result

from imnm.cli._app import cli

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the ``imnm`` command in-process, as a user without a colour terminal would."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(args: Sequence[str], stdin: str | bytes | None = None) -> Result:
        return runner.invoke(cli, list(args), input=stdin, prog_name="imnm")

    return run
