"""Documentation stays in step with the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_literature_page_is_generated_from_the_registry() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_literature.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_every_reference_page_is_linked_from_the_index() -> None:
    index = (ROOT / "docs" / "index.md").read_text()
    for page in sorted((ROOT / "docs").rglob("*.md")):
        rel = page.relative_to(ROOT / "docs").as_posix()
        if rel != "index.md":
            assert f"({rel})" in index, f"docs/index.md does not link {rel}"


def test_every_component_cites_known_works() -> None:
    from realpolitik.references import WORKS, components

    comps = components()
    assert {c.name for c in comps} >= {"power.cinc", "power.cline", "power.haushofer",
                                       "plane.map.default", "plane.map.quadrant"}
    for c in comps:
        assert c.works and all(w in WORKS for w in c.works), c.name
