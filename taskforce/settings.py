"""One place for configuration, read from the environment.

The warehouse is chosen by a single URL in ``TASKFORCE_WAREHOUSE_URL``:

* ``duckdb:///relative/path.duckdb`` or ``duckdb:////absolute/path.duckdb`` (the default is
  ``data/warehouse.duckdb`` under the project), the embedded engine for laptops and the demo;
* ``postgresql://user:password@host:port/dbname`` for production.

``dbt_project/profiles.yml`` reads the same variable, so ``taskforce build`` and a plain ``dbt build``
(run from ``dbt_project/``) target the same warehouse.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
URL_VARIABLE = "TASKFORCE_WAREHOUSE_URL"
DATA_DIR_VARIABLE = "TASKFORCE_DATA_DIR"

Engine = Literal["duckdb", "postgres"]


class SettingsError(ValueError):
    """The configuration cannot be used; the message says which variable to fix."""


@dataclass(frozen=True)
class Settings:
    warehouse_url: str
    data_dir: Path
    duckdb_memory_limit: str = "512MB"  # TASKFORCE_DUCKDB_MEMORY_LIMIT

    @property
    def engine(self) -> Engine:
        return engine_of(self.warehouse_url)

    @property
    def duckdb_path(self) -> Path:
        """The DuckDB file that ingest and build write to."""
        if self.engine != "duckdb":
            raise SettingsError("the warehouse is PostgreSQL; there is no DuckDB file")
        path = Path(self.warehouse_url.removeprefix("duckdb:///"))
        return path if path.is_absolute() else (Path.cwd() / path).resolve()

    @property
    def serving_path(self) -> Path:
        """The published DuckDB snapshot that dashboards read (swapped in atomically after a build)."""
        path = self.duckdb_path
        return path.with_name(f"{path.stem}.serving{path.suffix}")

    @property
    def dbt_project_dir(self) -> Path:
        return PROJECT_ROOT / "dbt_project"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo_extracts"

    def dbt_env(self) -> dict[str, str]:
        """Environment for a dbt subprocess: the same URL, made absolute for DuckDB."""
        url = self.warehouse_url
        if self.engine == "duckdb":
            url = f"duckdb:///{self.duckdb_path}"
        return {**os.environ, URL_VARIABLE: url}


def engine_of(url: str) -> Engine:
    scheme = url.split("://", 1)[0].lower()
    if scheme == "duckdb":
        return "duckdb"
    if scheme in {"postgresql", "postgres"}:
        return "postgres"
    raise SettingsError(
        f"{URL_VARIABLE} must start with duckdb:/// or postgresql://; got a URL with scheme '{scheme}'"
    )


@dataclass(frozen=True)
class PostgresParts:
    user: str
    password: str
    host: str
    port: int
    dbname: str


def postgres_parts(url: str) -> PostgresParts:
    """Split a postgresql:// URL the same way profiles.yml does, and reject what it cannot read."""
    parts = urlsplit(url)
    if not (parts.username and parts.hostname and parts.path.strip("/")):
        raise SettingsError(f"{URL_VARIABLE} must have the form postgresql://user:password@host:port/dbname")
    return PostgresParts(
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        host=parts.hostname,
        port=parts.port or 5432,
        dbname=parts.path.strip("/"),
    )


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get(DATA_DIR_VARIABLE) or PROJECT_ROOT / "data").resolve()
    url = env.get(URL_VARIABLE) or f"duckdb:///{data_dir / 'warehouse.duckdb'}"
    engine = engine_of(url)
    if engine == "postgres":
        postgres_parts(url)
    memory = env.get("TASKFORCE_DUCKDB_MEMORY_LIMIT") or "512MB"
    return Settings(warehouse_url=url, data_dir=data_dir, duckdb_memory_limit=memory)
