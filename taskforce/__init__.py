"""Task Force counter-trafficking data warehouse: CLI, settings and pipeline orchestration."""

__version__ = "0.1.0"
