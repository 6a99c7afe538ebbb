"""Ingestion: read an agency extract, check it against its source contract, load it into ``raw``.

The stages, one module each: ``contract`` (what a file must look like) → ``reader`` (bytes to text
rows) → ``validate`` (rows to loadable rows and quarantined rows) → ``load`` (one transaction into
``raw`` and ``ops``). ``run`` ties them together for one file.
"""
