"""The embedded results store (DuckDB + Parquet): run manifests, summaries, chunk checkpoints.

The default file is ``results.duckdb`` in the user's data directory; ``$REALPOLITIK_STORE``
moves it. See ``docs/how-to/results-store.md``.
"""

from __future__ import annotations

from realpolitik.store.duck import (
    DIMS,
    EXPORT_FORMATS,
    SCHEMA_VERSION,
    ResultsStore,
    chunk_payload,
    default_store_path,
    netcdf_engine,
)

__all__ = [
    "DIMS",
    "EXPORT_FORMATS",
    "SCHEMA_VERSION",
    "ResultsStore",
    "chunk_payload",
    "default_store_path",
    "netcdf_engine",
]
