"""Source contracts: the registry loads, malformed contracts are refused with a message naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.contract import ContractError, contract_for_file, load_registry, parse_contract

MINIMAL = """
source: s
agency: a
contract_version: 1
file: {name_pattern: '^s_(?P<period>\\\\d{4})\\\\.csv$'}
period_column: day
columns:
  - {name: day, type: date, format: '%Y-%m-%d', required: true}
  - {name: kind, type: code, codes: [x, y]}
"""


def test_registry_has_the_skeleton_sources() -> None:
    registry = load_registry()
    assert {"police_identifications", "iom_returns"} <= set(registry)
    police = registry["police_identifications"]
    assert police.delimiter == ";"
    assert police.encodings == ("utf-8", "windows-1254")
    assert police.column("identification_date").format == "%d.%m.%Y"
    assert police.column("nationality").codes is not None and "MDA" in police.column("nationality").codes
    assert "Tespit Tarihi" in police.column("identification_date").aliases


def test_file_names_identify_source_and_period() -> None:
    registry = load_registry()
    contract = contract_for_file("tnp_identifications_2008.csv", registry)
    assert contract is not None and contract.source == "police_identifications"
    assert contract.period_of("tnp_identifications_2008.csv") == "2008"
    assert contract_for_file("iom_returns_2009-03.csv", registry).source == "iom_returns"
    assert contract_for_file("holiday_photos.csv", registry) is None


def test_minimal_contract_parses() -> None:
    contract = parse_contract(MINIMAL, Path("s.yaml"))
    assert contract.column_names == ["day", "kind"]
    assert contract.column("kind").codes == frozenset({"x", "y"})
    assert contract.raw_table == "raw.s"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("type: code, codes: [x, y]", "type: code"), "needs 'codes' or 'code_list'"),
        (("type: code, codes", "type: colour, codes"), "type 'colour' is not one of"),
        (("format: '%Y-%m-%d', ", ""), "a date column needs a 'format'"),
        (("period_column: day", "period_column: kind"), "must be a date or datetime column"),
        (("source: s\n", ""), "missing key 'source'"),
        (("name: kind", "name: day"), "appears twice"),
    ],
)
def test_malformed_contracts_are_refused(change: tuple[str, str], message: str) -> None:
    text = MINIMAL.replace(*change)
    assert text != MINIMAL
    with pytest.raises(ContractError, match=message):
        parse_contract(text, Path("s.yaml"))


def test_code_list_must_name_a_seed_column() -> None:
    text = MINIMAL.replace("codes: [x, y]", "code_list: countries.no_such_column")
    with pytest.raises(ContractError, match="no column 'no_such_column'"):
        parse_contract(text, Path("s.yaml"))
