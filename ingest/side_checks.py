"""The two costliest file-level checks, the PII scan and the Great Expectations suite, run in a second
process beside reading, row checks and loading.

Both are CPU-bound Python (about 2.4 s and 2.5 s per million rows, plus 2 s to import GX) and the
machines here have two cores: run in line they took half of an ingest. The worker is started, and
imports GX, as soon as an ingest begins; it lives as long as the ingesting process, gets one chunk at a
time, and hands back only value-free results (findings with counts, and which expectations held).
Setting TASKFORCE_INGEST_WORKERS=0 runs them inline instead.
"""

from __future__ import annotations

import atexit
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence

import pandas as pd

from ingest.contract import Contract
from ingest.expectations import SuiteResult, run_suite, suite_path
from ingest.pii import Finding, scan_extract

PERSON_KEY_MARK = "[0-9a-f]{64}"  # contract columns with this in their pattern hold person keys


def pii_findings(frame: pd.DataFrame, ragged: Sequence[Sequence[str]], contract: Contract) -> list[Finding]:
    """Findings for one chunk: its well-formed rows by column, and its ragged rows by position."""
    dates = [c.name for c in contract.columns if c.type in ("date", "datetime")]
    keys = [c.name for c in contract.columns if c.pattern and PERSON_KEY_MARK in c.pattern]
    columns = list(frame.columns)
    found = scan_extract(columns, frame, date_columns=dates, key_columns=keys)
    if ragged:
        width = max(len(fields) for fields in ragged)
        names = columns + [f"(extra field {n + 1})" for n in range(width - len(columns))]
        rows = [list(fields) + [""] * (width - len(fields)) for fields in ragged]
        found += scan_extract(names, rows, date_columns=dates, key_columns=keys)
    return found


def side_check(
    contract: Contract, frame: pd.DataFrame, ragged: Sequence[Sequence[str]], rows: pd.DataFrame
) -> tuple[list[Finding], SuiteResult]:
    """Both checks for one chunk: PII on its text as read, the suite on its loadable rows."""
    return pii_findings(frame, ragged, contract), run_suite(suite_path(contract.source), rows)


class _Pending:
    """The answer to one submitted chunk, read from the worker when asked for (answers come in order)."""

    def __init__(self, worker: _Worker | None, value: object = None, task_id: int = 0) -> None:
        self._worker, self._value, self._task_id = worker, value, task_id

    def result(self) -> tuple[list[Finding], SuiteResult]:
        if self._worker is not None:
            self._value, self._worker = self._worker.receive(self._task_id), None
        if isinstance(self._value, BaseException):
            raise self._value
        return self._value  # type: ignore[return-value]


class _Worker:
    """``python -m ingest.side_checks`` with pickled tasks on its stdin and answers on its stdout.

    A plain subprocess rather than multiprocessing: spawn re-runs the caller's main script, which breaks
    any script without an ``if __name__ == "__main__"`` guard. Tasks are written by a thread of their
    own, so handing over a chunk never waits for the worker to finish the previous one (or, for the first
    chunk, to import GX): the ingest reads and checks the next chunks meanwhile. Answers are small
    (counts and flags), so they cannot fill their pipe while tasks are still being written."""

    def __init__(self) -> None:
        self.next_id = 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ingest.side_checks"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._outbox: queue.Queue[tuple[int, tuple] | None] = queue.Queue()
        self._broken: BaseException | None = None
        self._writer = threading.Thread(target=self._write, name="side-check-writer", daemon=True)
        self._writer.start()

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        while (item := self._outbox.get()) is not None:
            try:
                pickle.dump(item, stdin, protocol=pickle.HIGHEST_PROTOCOL)
                stdin.flush()
            except Exception as exc:  # a dead worker, or a task that cannot be pickled
                self._broken = exc
                stdin.close()  # the worker sees the end of its input and stops; receive() reports it
                return
            del item  # the chunk need not live until the next one arrives

    @property
    def broken(self) -> bool:
        return self._broken is not None

    def send(self, task: tuple) -> int:
        if self._broken is not None:
            raise BrokenPipeError("the ingest side-check process stopped")
        self.next_id += 1
        self._outbox.put((self.next_id, task))
        return self.next_id

    def receive(self, task_id: int) -> object:
        """The answer to ``task_id``. Answers to tasks nobody waited for (an ingest that failed midway)
        come first on the pipe and are skipped, so an answer never lands on the wrong chunk."""
        assert self.process.stdout is not None
        while True:
            try:
                answered, answer = pickle.load(self.process.stdout)
            except EOFError as exc:
                cause = f" ({type(self._broken).__name__})" if self._broken else ""
                raise RuntimeError(f"the ingest side-check process stopped unexpectedly{cause}") from exc
            if answered == task_id:
                return answer

    def close(self) -> None:
        while True:  # tasks not yet handed over are dropped: nobody waits for their answers any more
            try:
                self._outbox.get_nowait()
            except queue.Empty:
                break
        self._outbox.put(None)
        self._writer.join(timeout=0.2)
        if self._writer.is_alive():  # blocked handing over a chunk the worker has no time to read
            self._stop_process()
            self._writer.join(timeout=5)
        if self.process.stdin and not self.process.stdin.closed and not self._writer.is_alive():
            self.process.stdin.close()
        try:
            self.process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:  # still importing GX (a file rejected early) or checking a
            self._stop_process()  # chunk nobody waits for: no reason to let it finish

    def _stop_process(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_worker: _Worker | None = None


def _shared_worker() -> _Worker:
    global _worker
    if _worker is None or _worker.process.poll() is not None or _worker.broken:
        _worker = _Worker()
        atexit.register(_worker.close)
    return _worker


def stop() -> None:
    """End the worker (it is also ended when the process exits)."""
    global _worker
    if _worker is not None:
        _worker.close()
        _worker = None


def inline() -> bool:
    return os.environ.get("TASKFORCE_INGEST_WORKERS") == "0"


def start() -> None:
    """Have the worker running (and importing GX) before the first chunk is ready."""
    if not inline():
        _shared_worker()


def submit(
    contract: Contract, frame: pd.DataFrame, ragged: Sequence[Sequence[str]], rows: pd.DataFrame
) -> _Pending:
    """Start both checks of one chunk; ``.result()`` waits for them."""
    if inline():
        try:
            return _Pending(None, side_check(contract, frame, ragged, rows))
        except Exception as exc:
            return _Pending(None, exc)
    worker = _shared_worker()
    try:
        task_id = worker.send((contract, frame, list(ragged), rows))
    except BrokenPipeError as exc:
        raise RuntimeError("the ingest side-check process stopped unexpectedly") from exc
    return _Pending(worker, task_id=task_id)


def _safe_error(exc: Exception) -> Exception:
    """Errors travel back without their message unless it is known to hold no cell value."""
    from ingest.expectations import SuiteError

    return exc if isinstance(exc, SuiteError) else RuntimeError(f"side check failed ({type(exc).__name__})")


def main() -> None:
    """The worker: answer each task on stdin with its result (or error) on stdout, until stdin closes."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answers
    tasks = sys.stdin.buffer
    from ingest.expectations import warm_up

    warm_up()  # import GX now, while the parent reads the first chunk
    while True:
        try:
            task_id, task = pickle.load(tasks)
        except (EOFError, pickle.UnpicklingError):  # the parent closed the pipe (maybe mid-task)
            return
        try:
            answer: object = side_check(*task)
        except Exception as exc:
            answer = _safe_error(exc)
        pickle.dump((task_id, answer), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    main()
