"""Recording dashboard access in the append-only audit log (``taskforce/audit.py`` has the table).

Recorded: sign-ins (and failed ones, and refusals), every query a page runs (page, the filters the page
noted with ``note_filters``, rows returned), page views without queries, and every export downloaded
(``export_callback`` on a download button, or ``recorded_download`` as a deferred download's data). A
query's row is written before its rows are returned to the page, so nothing is shown that was not
recorded; a ``recorded_download`` file is handed over only once its export is recorded. On PostgreSQL
the row is written with the user's own role login, which may INSERT into the log and do nothing else
with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboards.auth import Identity, connection_settings, current_identity
from dashboards.data import Session, current_session, execute
from taskforce.audit import INSERT_SQL, AuditEvent, write_duckdb
from taskforce.settings import Settings, load_settings
from taskforce.users import User

LAST_FILTERS_KEY = "taskforce_audit_filters"
NOT_RECORDED = (
    "This view could not be recorded in the audit log, so nothing more is shown. Try again in a moment; "
    "tell the administrator if it persists."
)
log = logging.getLogger("taskforce.dashboard")


def record(
    settings: Settings,
    user: User | None,
    method: str,
    session_id: str,
    event: str,
    page: str,
    filters: dict[str, Any] | None = None,
    rows: int = 0,
    export_file: str | None = None,
    user_name: str | None = None,
) -> None:
    """Append one event. ``settings`` are the user's connection settings (on PostgreSQL, the role's
    login). Raises when the event cannot be written."""
    audit_event = AuditEvent(
        user_name=user.name if user else (user_name or "-")[:128],
        user_role=user.role if user else "-",
        agency=user.agency if user else None,
        auth_method=method,
        session_id=session_id,
        event=event,
        page=page,
        filters=filters or {},
        rows_returned=rows,
        export_file=export_file,
    )
    if settings.engine == "duckdb":
        write_duckdb(settings, audit_event)
    else:
        execute(INSERT_SQL, audit_event.row(), settings)


def record_identity(identity: Identity, settings: Settings, event: str, page: str, **fields: Any) -> None:
    record(settings, identity.user, identity.method, identity.session_id, event, page, **fields)


def query_recorder(identity: Identity) -> Callable[[Session, int], None]:
    """The hook ``dashboards/data.py`` calls after each query of the run, before returning its rows."""

    def on_query(session: Session, rows: int) -> None:
        try:
            page = session.page or "-"
            record_identity(identity, session.settings, "query", page, filters=session.filters, rows=rows)
        except Exception as exc:
            log.error("query by %s not recorded (%s)", identity.user.name, type(exc).__name__)
            st.error(NOT_RECORDED)
            st.stop()

    return on_query


def note_filters(**filters: Any) -> None:
    """The filters in force on this page (widget values), recorded with the queries that follow."""
    session = current_session()
    if session is not None:
        session.filters = dict(filters)
    st.session_state[LAST_FILTERS_KEY] = dict(filters)


def record_page_view(page: str, rows: int = 0) -> None:
    """A page view that runs no query of its own (the donor's report page: ``rows`` it shows). Raises
    when the event cannot be written."""
    identity, session = current_identity(), current_session()
    if identity is not None and session is not None:
        record_identity(identity, session.settings, "page_view", page, filters=session.filters, rows=rows)


class ExportNotRecorded(RuntimeError):
    """A download whose export could not be written to the audit log (and so is not handed over)."""


def recorded_download(
    identity: Identity,
    settings: Settings,
    page: str,
    file_name: str,
    filters: dict[str, Any],
    make: Callable[[], bytes],
) -> Callable[[], bytes]:
    """The ``data`` of a deferred ``st.download_button`` (made when the user clicks, on a thread of its
    own, with no session state): makes the file, records the export (file name, the filters it was
    made with), then hands the file over. A file whose export cannot be recorded is not handed over."""

    def produce() -> bytes:
        content = make()
        try:
            record_identity(identity, settings, "export", page, filters=filters, export_file=file_name)
        except Exception as exc:
            log.error("export by %s not recorded (%s)", identity.user.name, type(exc).__name__)
            raise ExportNotRecorded("the download could not be recorded in the audit log") from None
        return content

    return produce


def export_callback(page: str, file_name: str) -> Callable[[], None]:
    """An ``on_click`` for ``st.download_button``: records the export (file name, the page's filters)."""

    def on_click() -> None:
        identity = current_identity()
        if identity is None:
            return
        try:
            settings = connection_settings(identity.user, load_settings())
            filters = st.session_state.get(LAST_FILTERS_KEY) or {}
            record_identity(identity, settings, "export", page, filters=filters, export_file=file_name)
        except Exception as exc:
            log.error("export by %s not recorded (%s)", identity.user.name, type(exc).__name__)

    return on_click
