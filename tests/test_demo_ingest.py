"""Every demo extract through the real reader and checks: exactly the rows the generator broke on purpose
are quarantined, every other row loads, and title/total rows are skipped and counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.run import check_file
from taskforce.demo_data import generate_demo

DEMO = generate_demo()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    for demo_file in DEMO:
        path = folder / demo_file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(demo_file.content)
    return folder


@pytest.mark.parametrize("demo_file", DEMO, ids=lambda f: f.path)
def test_exactly_the_broken_rows_are_quarantined(written: Path, demo_file) -> None:
    result = check_file(written / demo_file.path)
    assert result.outcome == "accepted", result.message
    quarantined = {int(reason.split(":", 1)[0].removeprefix("line ")) for reason in result.quarantine_reasons}
    assert quarantined == {b.line for b in demo_file.broken}
    assert result.rows_loaded + result.rows_quarantined == demo_file.rows
    assert result.rows_read == demo_file.rows + result.rows_skipped
