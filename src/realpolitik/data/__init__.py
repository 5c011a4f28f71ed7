"""Data layer: bundled data sets, their citations, state identity and provenance."""

from __future__ import annotations

import difflib

import pandas as pd

from realpolitik.data import loaders
from realpolitik.data.bundle import catalog, manifest
from realpolitik.data.loaders import load
from realpolitik.data.states import State, all_states, resolve_state, resolve_states
from realpolitik.errors import InputError

__all__ = [
    "State",
    "all_states",
    "catalog",
    "cite",
    "load",
    "loaders",
    "manifest",
    "resolve_state",
    "resolve_states",
    "sources",
]

PACKAGE_BIBTEX = """@software{realpolitik,
  title = {realpolitik: measure, explain and forecast alignment of two powers against an adversary},
  author = {{realpolitik developers}},
  version = {%s},
  year = {2026}
}"""


def sources() -> pd.DataFrame:
    """One row per bundled data set: key, title, version, years covered, rows, citation."""
    cat, man = catalog(), manifest()
    rows = []
    for key in sorted(man):
        meta = cat.get(key, {})
        years = man[key].get("years") or []
        rows.append(
            {
                "key": key,
                "title": meta.get("title", key),
                "version": meta.get("version", ""),
                "coverage": f"{years[0]}–{years[1]}" if len(years) == 2 else "",
                "rows": int(man[key]["rows"]),
                "citation": " ".join(str(meta.get("citation_text", "")).split()),
            }
        )
    return pd.DataFrame(rows)


def cite(*keys: str) -> str:
    """BibTeX for the named data sets (all bundled data sets and the package if none named).

    >>> print(cite("nmc").splitlines()[0])  # doctest: +ELLIPSIS
    @...
    """
    from realpolitik._version import __version__

    cat = catalog()
    chosen = list(keys) or sorted(cat)
    unknown = [k for k in chosen if k not in cat]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(cat), n=3)
        raise InputError(
            f"no data set named {unknown[0]!r}",
            ("did you mean " + ", ".join(close) + "?") if close
            else "see `realpolitik data sources` for the keys",
        )
    seen: set[str] = set()
    entries: list[str] = []
    for k in chosen:
        for entry in _split_bibtex(str(cat[k].get("bibtex", ""))):
            head = entry.split(",", 1)[0]
            if head not in seen:
                seen.add(head)
                entries.append(entry)
    if not keys:
        entries.append(PACKAGE_BIBTEX % __version__)
    return "\n\n".join(entries) + "\n"


def _split_bibtex(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith("@") and current:
            parts.append("\n".join(current).strip())
            current = []
        current.append(line)
    if current:
        parts.append("\n".join(current).strip())
    return [p for p in parts if p]
