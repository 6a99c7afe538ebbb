"""docs/extract-spec.md is generated from the contracts and must be current."""

from ingest.contract import load_registry
from ingest.spec import render_spec
from taskforce.settings import PROJECT_ROOT


def test_committed_spec_matches_the_contracts() -> None:
    committed = (PROJECT_ROOT / "docs" / "extract-spec.md").read_text(encoding="utf-8")
    assert committed == render_spec(load_registry()), "run `taskforce spec --out docs/extract-spec.md`"


def test_spec_lists_every_column_of_every_source() -> None:
    text = render_spec(load_registry())
    for contract in load_registry().values():
        assert f"## {contract.source}:" in text
        for column in contract.columns:
            assert f"`{column.name}`" in text
