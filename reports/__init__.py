"""Donor indicator reports: what is released, and the disclosure control every released table goes through.

* ``reports.tables``: a released table set (every table published together, its margins, hidden cells
  that link them, and the additive relations), built from an aggregate and a hierarchy spec.
* ``reports.disclosure``: the policy (threshold, zeros, secondary suppression, rates), ``protect``,
  ``audit``/``verify``, the marker and its legend in English and Turkish.
* ``reports.attack``: the attacker's linear program used by both protection and the audit.

A report writer builds one ``TableSet`` for everything it releases, calls ``protect``, then ``verify``,
and writes ``ProtectedSet.release(name)`` frames with ``legend()`` under each table.

The donor report (``taskforce report``) is built that way, in modules not imported here (they need
reportlab and matplotlib):

* ``reports.source``: reads the ``reporting`` schema and nothing else (the donor role's rights);
* ``reports.release``: protection, linking and the audit of every released count, rates checked
  against their parts;
* ``reports.content``: the report's tables (``build_report``); ``reports.document``: the ``Report``;
* ``reports.xlsx_writer``, ``reports.csv_writer``, ``reports.pdf_writer`` (+ ``reports.charts``);
* ``reports.report``: ``generate_report``, ``write_report`` and ``build_report_bytes`` (dashboards).
"""

from reports.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    AuditResult,
    CellStatus,
    DisclosureError,
    ProtectedSet,
    ZeroRule,
    audit,
    is_safe,
    legend,
    primary_suppression,
    protect,
    rate,
    suppress_rates,
    verify,
)
from reports.tables import (
    CellKey,
    Constraint,
    Hierarchy,
    ReleasedTable,
    TableSet,
    TableSetError,
    TableSpec,
    build_table_set,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "SUPPRESSED",
    "AuditResult",
    "CellKey",
    "CellStatus",
    "Constraint",
    "DisclosureError",
    "Hierarchy",
    "ProtectedSet",
    "ReleasedTable",
    "TableSet",
    "TableSetError",
    "TableSpec",
    "ZeroRule",
    "audit",
    "build_table_set",
    "is_safe",
    "legend",
    "primary_suppression",
    "protect",
    "rate",
    "suppress_rates",
    "verify",
]
