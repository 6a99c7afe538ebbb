"""Repeated rows and repeated unique keys across all chunks of one file, found by 64-bit hashes.

A false match needs a hash collision: about 1 in 10^6 files of 10M rows. Values are hashed by an
in-memory DuckDB over the chunk's Arrow columns (C++, no Python per row: about ten times faster than
pandas' hashing of Arrow strings), and nothing but the hash and the line of each first occurrence is
kept, so memory stays near 12 bytes per row and key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# A merge briefly holds the old runs and the merged one: runs stop growing at about 2M entries (24 MB),
# so a 10M-row file keeps a few big runs instead of paying 120 MB more for one last merge.
MAX_MERGED_RUN = 1 << 21


def row_hashes(values: pd.Series | pd.DataFrame, connection: object | None = None) -> np.ndarray:
    """One uint64 per row, combining every column of ``values`` (a string column or a text frame)."""
    import duckdb
    import pyarrow as pa

    frame = values.to_frame() if isinstance(values, pd.Series) else values
    table = pa.Table.from_pandas(frame, preserve_index=False)
    names = [f"c{i}" for i in range(table.num_columns)]
    table = table.rename_columns(names)
    con = connection if connection is not None else duckdb.connect()
    hashes = con.from_arrow(table).project(f"hash({', '.join(names)}) as h").fetchnumpy()["h"]
    return np.asarray(hashes, dtype=np.uint64)


def _merged(older: tuple[np.ndarray, np.ndarray], newer: tuple[np.ndarray, np.ndarray]) -> tuple:
    """Two sorted runs with no hash in common as one sorted run, without a sort: each newer hash goes
    where ``searchsorted`` puts it, shifted by the newer hashes before it."""
    (old_hash, old_line), (new_hash, new_line) = older, newer
    at = np.searchsorted(old_hash, new_hash) + np.arange(len(new_hash))
    hashes = np.empty(len(old_hash) + len(new_hash), dtype=np.uint64)
    lines = np.empty(len(hashes), dtype=np.uint32)
    from_old = np.ones(len(hashes), dtype=bool)
    from_old[at] = False
    hashes[at], lines[at] = new_hash, new_line
    hashes[from_old], lines[from_old] = old_hash, old_line
    return hashes, lines


class DuplicateTracker:
    """Seen hashes are kept per name as sorted runs of (hashes, first lines), merged when two runs have
    similar sizes, like a log-structured merge (up to ``MAX_MERGED_RUN``): a lookup searches a few
    runs, and memory stays near 12 bytes per row and key."""

    def __init__(self) -> None:
        self._runs: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._connection: object | None = None

    def _duckdb(self) -> object:
        if self._connection is None:
            import duckdb

            self._connection = duckdb.connect(config={"threads": 1})  # the other core runs the side checks
        return self._connection

    def first_lines(
        self, name: str, values: pd.Series | pd.DataFrame, lines: np.ndarray, usable: np.ndarray
    ) -> np.ndarray:
        """For each row, the line where the same value first appeared (0 if this row is the first)."""
        first = np.zeros(len(values), dtype=np.int64)
        candidates = np.flatnonzero(usable)
        if not len(candidates):
            return first
        hashes = row_hashes(values, self._duckdb())[candidates]
        order = np.argsort(hashes)  # sorted needles: quicker lookups, and the new run comes out sorted
        hashes, candidates = hashes[order], candidates[order]
        candidate_lines = np.asarray(lines, dtype=np.int64)[candidates]
        seen = np.zeros(len(hashes), dtype=np.int64)
        runs = self._runs.setdefault(name, [])
        for run_hash, run_line in runs:  # a hash is in at most one run
            at = np.searchsorted(run_hash, hashes).clip(max=len(run_hash) - 1)
            hit = run_hash[at] == hashes
            seen[hit] = run_line[at[hit]]
        first[candidates] = seen
        fresh = seen == 0
        hashes, candidates, candidate_lines = hashes[fresh], candidates[fresh], candidate_lines[fresh]
        if not len(hashes):
            return first
        # repeats inside this chunk: equal hashes are neighbours; each group's first line is its minimum
        starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
        group_first = np.minimum.reduceat(candidate_lines, starts)
        each_first = np.repeat(group_first, np.diff(np.r_[starts, len(hashes)]))
        repeat = candidate_lines != each_first
        first[candidates[repeat]] = each_first[repeat]
        runs.append((hashes[starts], group_first.astype(np.uint32)))
        while (
            len(runs) > 1
            and len(runs[-2][0]) <= 2 * len(runs[-1][0])
            and len(runs[-2][0]) + len(runs[-1][0]) <= MAX_MERGED_RUN
        ):
            newer = runs.pop()
            runs[-1] = _merged(runs[-1], newer)
        return first
