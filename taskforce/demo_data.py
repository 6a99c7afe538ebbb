"""Deterministic demo extracts, shaped like what the agencies sent the Task Force in 2006-2010.

Each agency's file looks like its real export: the police, gendarmerie, justice, labour and health
ministries send windows-1254, ``;``-delimited files with DD.MM.YYYY dates and Turkish headers; IOM sends
UTF-8 CSV with ISO dates; the shelters send Excel workbooks with title and total rows; the helpline
sends a resend (a correction) of one year. A small, fixed share of rows is deliberately broken so the
quarantine has work to do; ``DemoFile.broken`` lists them, line by line.

Nothing here is real: person keys are HMACs of made-up serial numbers under a public demo key. The
generator lives in ``taskforce.demo``; this module keeps the names the rest of the project imports.
"""

from __future__ import annotations

from taskforce.demo.common import DEMO_KEY, DEMO_SEED, YEARS, BrokenRow, DemoFile, person_key
from taskforce.demo.identifications import (
    IOM_HEADER,
    POLICE_HEADER,
    Victim,
    generate_returns,
    generate_victims,
)
from taskforce.demo.world import (
    build_world,
    demo_corrections,
    demo_extracts,
    demo_files,
    generate_demo,
    write_demo_extracts,
)

__all__ = [
    "DEMO_KEY",
    "DEMO_SEED",
    "IOM_HEADER",
    "POLICE_HEADER",
    "YEARS",
    "BrokenRow",
    "DemoFile",
    "Victim",
    "build_world",
    "demo_corrections",
    "demo_extracts",
    "demo_files",
    "generate_demo",
    "generate_returns",
    "generate_victims",
    "person_key",
    "write_demo_extracts",
]
