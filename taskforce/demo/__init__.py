"""The demo world: deterministic extracts of every agency for 2006-2010, shaped like their real exports.

``taskforce.demo_data`` is the stable entry point; the modules here hold one concern each:
``common`` (seed, keys, rows, CSV/XLSX writers), ``identifications`` (police, gendarmerie, IOM returns),
``enforcement`` (operations, suspects, prosecutions, decisions), ``protection`` (referrals, shelter
stays, health services), ``outreach`` (helpline, trainings, labour inspections, cooperation) and
``world`` (one world, all files, in ingest order).
"""
