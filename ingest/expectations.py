"""Great Expectations suites generated from the source contracts, and a value-free way to run them.

The contract is the single source of truth: each suite in ``expectations/<source>.json`` is derived from
it by ``suite_for_contract`` and committed, so a reviewer sees in the diff what a contract change does to
the checks, and a test fails when a committed suite is stale. Ingestion runs the suite on the rows that
``ingest.validate`` let through; it is a second, independent opinion, so a failing expectation means a
row check missed something.

Two rules shape this module. ``import great_expectations`` costs seconds, so it happens inside
``run_suite`` only, never at import (this module imports nothing heavy, not even pandas). And GX's
SUMMARY/COMPLETE results, its exception messages and its log lines can carry cell values, which may be
personal data: suites run with BOOLEAN_ONLY results, GX logging is muted while they run, and only the
expectation type, column and success leave ``run_suite``.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ingest.contract import Column, Contract

if TYPE_CHECKING:
    import pandas as pd

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"
SOURCE_ROW_COLUMN = "_source_row"  # added by ingest.validate to every loadable row
SUITE_NOTES = "Generated from the source contract by ingest.expectations.write_suites; do not edit by hand."
_NUMERIC_TYPES = ("integer", "decimal")
_TEXT_VALUED_TYPES = ("text", "code")  # typed value == stripped raw text, so a raw-text pattern applies
_GX_LOCK = threading.Lock()  # one cached GX context per process; GX contexts are not thread-safe


class SuiteError(ValueError):
    """A suite file or dict is not a valid GX suite (GX itself would only log and drop the bad part)."""


# --- building suites from contracts -------------------------------------------------------------


def _expectation(kind: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": f"expect_{kind}", "kwargs": kwargs}


def _fullmatch_regex(pattern: str) -> str:
    """The contract's pattern as a regex GX can use: GX's pandas engine runs ``str.contains`` (a search),
    while ``ingest.validate`` runs ``fullmatch``; anchoring the whole pattern gives the same answer."""
    body = pattern.removeprefix("^")
    trailing_backslashes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
    if body.endswith("$") and trailing_backslashes % 2 == 0:  # an anchor, not an escaped dollar
        body = body[:-1]
    return f"^(?:{body})$"


def _code_set_regex(col: Column) -> str:
    """Only separator-joined listed codes: ``ingest.validate`` stores a code set as its stripped items
    joined by the separator, so anything else (unknown code, empty item, stray space) is a miss."""
    item = "(?:" + "|".join(re.escape(code) for code in sorted(col.codes or ())) + ")"
    return f"^{item}(?:{re.escape(col.separator)}{item})*$"


def _column_expectations(col: Column) -> list[dict[str, Any]]:
    """The expectations one contract column implies, in a fixed order so the JSON never churns."""
    found: list[dict[str, Any]] = []
    if col.required:
        found.append(_expectation("column_values_to_not_be_null", column=col.name))
    if col.unique:
        found.append(_expectation("column_values_to_be_unique", column=col.name))
    if col.type == "code":
        found.append(
            _expectation("column_values_to_be_in_set", column=col.name, value_set=sorted(col.codes or ()))
        )
    if col.type == "code_set":
        found.append(
            _expectation("column_values_to_match_regex", column=col.name, regex=_code_set_regex(col))
        )
    if col.pattern and col.type in _TEXT_VALUED_TYPES:
        regex = _fullmatch_regex(col.pattern)
        found.append(_expectation("column_values_to_match_regex", column=col.name, regex=regex))
    if col.type in _NUMERIC_TYPES and (col.minimum is not None or col.maximum is not None):
        bounds = {"min_value": col.minimum, "max_value": col.maximum}
        found.append(
            _expectation(
                "column_values_to_be_between",
                column=col.name,
                **{key: value for key, value in bounds.items() if value is not None},
            )
        )
    return found


def suite_for_contract(contract: Contract) -> dict[str, Any]:
    """The GX 1.x suite for a contract's loadable rows, as a JSON-able dict (``ExpectationSuite(**it)``).

    Only what the typed rows still show is checked: a pattern is checked on text and code columns only,
    since dates and numbers no longer look like the text the pattern was written for. Nulls are left to
    the not-null expectations (GX column-map expectations skip nulls, as the contract skips empty values).
    """
    columns = sorted([*contract.column_names, SOURCE_ROW_COLUMN])
    expectations = [_expectation("table_columns_to_match_set", column_set=columns, exact_match=True)]
    for col in contract.columns:
        expectations.extend(_column_expectations(col))
    return {
        "name": contract.source,
        "meta": {
            "contract": contract.path.name,
            "contract_version": contract.version,
            "source": contract.source,
        },
        "notes": SUITE_NOTES,
        "expectations": expectations,
    }


def suite_json(suite: Mapping[str, Any]) -> str:
    """Stable text for a suite: sorted keys, two-space indent, final newline (committed files diff well)."""
    return json.dumps(suite, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def suite_path(source: str, directory: Path = EXPECTATIONS_DIR) -> Path:
    """Where the committed suite of a source lives."""
    return directory / f"{source}.json"


def expected_suite_files(registry: Mapping[str, Contract]) -> dict[str, str]:
    """Repository-relative file name -> JSON text of every suite the registry implies (to compare with
    what is committed, like the generated extract spec)."""
    return {
        f"{EXPECTATIONS_DIR.name}/{source}.json": suite_json(suite_for_contract(contract))
        for source, contract in sorted(registry.items())
    }


def write_suites(registry: Mapping[str, Contract], directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    """Write one suite per contract into ``directory``; returns the paths. Suites of sources that are no
    longer in the registry are left alone (and flagged by the test), never deleted silently."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source, contract in sorted(registry.items()):
        path = suite_path(source, directory)
        path.write_text(suite_json(suite_for_contract(contract)), encoding="utf-8")
        written.append(path)
    return written


# --- running a suite ----------------------------------------------------------------------------


class Outcome(NamedTuple):
    """One expectation's verdict. Deliberately nothing else: GX's details may hold cell values."""

    expectation_type: str
    column: str | None
    success: bool


@dataclass(frozen=True)
class SuiteResult:
    """What a suite run may tell: safe to store in ``ops`` or print, because it holds no cell value."""

    suite: str
    success: bool
    evaluated_expectations: int
    outcomes: tuple[Outcome, ...]

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)

    def summary(self) -> str:
        """One line for a batch message or a log: which expectations failed, never which values."""
        if self.success:
            return f"suite {self.suite}: all {self.evaluated_expectations} expectations met"
        failed = ", ".join(f"{o.expectation_type} ({o.column or 'table'})" for o in self.failed)
        count = f"{len(self.failed)} of {self.evaluated_expectations}"
        return f"suite {self.suite}: {count} expectations failed: {failed}"


def load_suite(suite: Path | str | Mapping[str, Any]) -> dict[str, Any]:
    """A suite as a fresh dict, from a JSON file or a dict (copied: GX writes into ``meta``)."""
    if isinstance(suite, Mapping):
        return copy.deepcopy(dict(suite))
    try:
        loaded = json.loads(Path(suite).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteError(f"cannot read suite {suite}: {exc.__class__.__name__}") from exc
    if not isinstance(loaded, dict):
        raise SuiteError(f"suite {suite} is not a JSON object")
    return loaded


def _column_for_gx(column: pd.Series) -> pd.Series | None:
    """A GX-friendly copy of one column, or None when it is fine as is.

    Dates (Python or Arrow) become datetime64 (GX's pandas engine and pandas 3 compare datetime64 columns
    with ISO timestamps such as ``2008-01-01T00:00:00``; against a bare ``2008-01-01`` the expectation
    errors).
    Nullable integers become float64 with NaN (exact below 2**53; the contract's integers are far smaller):
    the numpy form GX's numeric metrics are written for, so no comparison ever meets ``pd.NA``.
    """
    import pandas as pd

    if isinstance(column.dtype, pd.ArrowDtype) and column.dtype.kind == "M":  # validate_chunk's dates
        import pyarrow as pa

        moments = pa.array(column).cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
        return pd.Series(moments, index=column.index, name=column.name)
    nullable = isinstance(column.dtype, pd.api.extensions.ExtensionDtype)
    if nullable and pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype("float64")
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "date":
        return pd.to_datetime(column)
    return None


def frame_for_gx(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as GX should see it, as a new frame: the caller's frame (and its dtypes) stay as they are,
    with or without pandas copy-on-write."""
    import pandas as pd

    columns = {}
    for name in frame.columns:
        converted = _column_for_gx(frame[name])
        columns[name] = frame[name] if converted is None else converted
    return pd.DataFrame(columns, index=frame.index)


@cache
def _batch_definition() -> Any:
    """One ephemeral context, pandas datasource, dataframe asset and batch definition per process.

    Building them is cheap next to the import, but caching keeps every run after the first free of
    setup and of the progress-bar configuration (GX prints tqdm bars to stderr by default).
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every dataframe under this many bytes by hashing all its cells, for a batch marker
    # that no expectation reads (and run_suite never returns): half of a suite run's time on a chunk.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    datasource = context.data_sources.add_pandas("taskforce_ingest")
    asset = datasource.add_dataframe_asset("loadable_rows")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def warm_up() -> None:
    """Import GX and build the reusable context now, so the first suite run does not pay for it."""
    _batch_definition()


@lru_cache(maxsize=64)
def _gx_suite_for(spec_text: str) -> Any:
    """Building a GX suite costs about 0.3 s (pydantic validation of every expectation): once per
    suite and process, not once per chunk."""
    return _gx_suite(json.loads(spec_text))


def _gx_suite(spec: dict[str, Any]) -> Any:
    """Build GX's ExpectationSuite, refusing what GX would silently drop (it logs and skips an unknown
    expectation type instead of raising)."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    try:
        suite = ExpectationSuite(**spec)
    except (TypeError, ValueError) as exc:  # pydantic errors for bad kwargs are ValueErrors
        raise SuiteError(
            f"suite {spec.get('name')!r} is not a valid GX suite ({exc.__class__.__name__})"
        ) from exc
    dropped = len(spec.get("expectations", [])) - len(suite.expectations)
    if dropped:
        raise SuiteError(
            f"suite {spec.get('name')!r}: GX dropped {dropped} expectation(s) as unknown or invalid"
        )
    return suite


@contextmanager
def _gx_logging_muted() -> Iterator[None]:
    """GX logs metric exceptions with their message (``Caught exception ...``), which can quote a cell
    value: mute its loggers while a suite runs."""
    gx_logger = logging.getLogger("great_expectations")
    previous = gx_logger.level
    gx_logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        gx_logger.setLevel(previous)


def _outcomes(results: list[Any], spec: dict[str, Any]) -> tuple[Outcome, ...]:
    """Value-free outcomes in the suite's own order (GX groups results by domain)."""
    order: dict[tuple[str, str | None], int] = {}
    for position, expectation in enumerate(spec.get("expectations", [])):
        order.setdefault((expectation["type"], expectation.get("kwargs", {}).get("column")), position)
    outcomes = [
        Outcome(str(r.expectation_config.type), r.expectation_config.kwargs.get("column"), bool(r.success))
        for r in results
    ]
    return tuple(sorted(outcomes, key=lambda o: order.get((o.expectation_type, o.column), len(order))))


def run_suite(suite: Path | str | Mapping[str, Any], frame: pd.DataFrame) -> SuiteResult:
    """Validate a frame with a suite (a JSON file or dict) and keep only which expectations held.

    Results are requested as BOOLEAN_ONLY: it is faster than SUMMARY (half the time at 1M rows) and GX
    then computes no unexpected values at all, so none can leak into ``ops`` tables or logs. An
    expectation that raises inside GX (e.g. a column of the wrong type) counts as failed.
    """
    spec = load_suite(suite)
    adapted = frame_for_gx(frame)
    with _GX_LOCK, _gx_logging_muted():
        gx_suite = _gx_suite_for(suite_json(spec))
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": adapted})
        result = batch.validate(gx_suite, result_format="BOOLEAN_ONLY")
    return SuiteResult(
        suite=str(spec.get("name")),
        success=bool(result.success),
        evaluated_expectations=int(result.statistics["evaluated_expectations"]),
        outcomes=_outcomes(list(result.results), spec),
    )
