"""The side-check process: answers come back to the chunk that asked, even after an ingest that failed
midway left answers nobody read, and errors come back without cell values."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest import side_checks
from ingest.contract import load_registry
from taskforce.demo_data import POLICE_HEADER, person_key

POLICE = load_registry()["police_identifications"]
TCKN = "17291716060"


def frame(op: str) -> pd.DataFrame:
    row = ["EGM-1", person_key(1), "03.04.2008", "tespit_edilen", "34", "MDA", "K", "24", "cinsel", "stk", op]
    return pd.DataFrame([row], columns=POLICE.column_names, dtype="str")


def test_unread_answers_never_land_on_a_later_chunk() -> None:
    assert len(POLICE_HEADER) == len(POLICE.column_names)
    empty_rows = pd.DataFrame(
        {c: pd.Series([], dtype="object") for c in [*POLICE.column_names, "_source_row"]}
    )
    side_checks.submit(POLICE, frame(f"TC {TCKN}"), [], empty_rows)  # answer never read (a failed ingest)
    clean = side_checks.submit(POLICE, frame(""), [], empty_rows)
    findings, suite = clean.result()
    assert findings == [] and suite.success
    leaky = side_checks.submit(POLICE, frame(TCKN), [], empty_rows)
    findings, _ = leaky.result()
    assert {f.rule for f in findings} == {"tr_national_id"}
    assert TCKN not in repr(findings)


def test_a_failing_check_comes_back_without_values() -> None:
    broken = side_checks.submit(POLICE, frame(""), [], pd.DataFrame({"not_a_column": [TCKN]}))
    _, suite = broken.result()
    assert not suite.success  # the table's columns do not match the suite
    assert TCKN not in repr(suite) + suite.summary()


def test_a_chunk_that_cannot_be_handed_over_fails_clearly_and_the_next_ingest_gets_a_new_worker() -> None:
    unpicklable = frame("").astype(object)
    unpicklable.loc[0, "operation_ref"] = lambda: None  # pickle refuses functions defined inline
    empty_rows = pd.DataFrame(
        {c: pd.Series([], dtype="object") for c in [*POLICE.column_names, "_source_row"]}
    )
    broken = side_checks.submit(POLICE, unpicklable, [], empty_rows)
    with pytest.raises(RuntimeError, match="side-check process stopped"):
        broken.result()
    findings, suite = side_checks.submit(POLICE, frame(""), [], empty_rows).result()
    assert findings == [] and suite.success
