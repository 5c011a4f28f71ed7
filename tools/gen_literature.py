"""Write docs/reference/literature.md from the component registry (realpolitik.references).

    python tools/gen_literature.py          # rewrite the page
    python tools/gen_literature.py --check  # exit 1 if the page is out of date (used by a test)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from realpolitik.references import WORKS, components

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "literature.md"


def render() -> str:
    comps = components()
    lines = [
        "# Reference: the literature behind each component",
        "",
        "Every index, region map, option, game and strategy pattern declares the works it rests",
        "on (`realpolitik.references`, in the style of Axelrod's strategy metadata). This page is",
        "generated from that registry by `tools/gen_literature.py`; a test fails if it is stale.",
        "Works marked † are cited from the developers' knowledge and have not been checked",
        "against the text: verify them before quoting.",
        "",
        "## Components",
        "",
        "| component | kind | rests on | what |",
        "|---|---|---|---|",
    ]
    for c in comps:
        works = ", ".join(WORKS[w].short + ("" if WORKS[w].verified else "†") for w in c.works)
        summary = c.summary.replace("|", "\\|")
        lines.append(f"| `{c.name}` | {c.kind} | {works} | {summary} |")
    cited = sorted({w for c in comps for w in c.works}, key=lambda k: (WORKS[k].authors,
                                                                        WORKS[k].year))
    lines += ["", "## Works", ""]
    for k in cited:
        w = WORKS[k]
        lines.append(f"- {w.full()}{'' if w.verified else ' †'} (`{k}`)")
    lines += ["", ">>> from realpolitik.references import components",
              f">>> len(components()) >= {len(comps)}", "True", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = render()
    if args.check:
        current = PAGE.read_text() if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE} is out of date: run python tools/gen_literature.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text)
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
