"""Convert the shared data sets into the compressed Parquet files shipped inside the package.

Run from the repository root, with the shared data folder beside it::

    python tools/bundle_data.py [--shared ../shared/data]

The conversion is lossless: values are copied as they are (missing codes such as ``-9`` are kept;
the loaders in :mod:`realpolitik.data.loaders` apply the caveats at run time, where they are
tested). Empty cells become nulls; no other text is read as missing, so Namibia's ISO-2 code
``"NA"`` in the UN votes survives. A manifest records, per file, its SHA-256 (checked when the
package loads the file), row count and the SHA-256 of the shared file it came from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tomllib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
PKG_DATA = ROOT / "src" / "realpolitik" / "data"
OUT = PKG_DATA / "_bundled"

# key -> (shared file, columns to keep or None for all)
FILES: dict[str, tuple[str, list[str] | None]] = {
    "nmc": ("cow/cow_nmc_v7.0.csv", None),
    "states": ("cow/states2016.csv", None),
    "majors": ("cow/majors2024.csv", None),
    "false_dyads": ("cow/false_cow_dyads.csv", None),
    "atop_ddy": ("atop/atop5_1_ddyr_peacesciencer.csv.gz", None),
    "idealpoints": ("unga/IdealpointsJuly2025.csv", None),
    "un_votes": ("unga/un_votes.csv.gz", None),
    "un_roll_calls": ("unga/un_roll_calls.csv", None),
    "un_roll_call_issues": ("unga/un_roll_call_issues.csv", None),
    "unsc_vetoes": ("unsc/unsc_vetoes_1946_sept2022.csv", None),
    "maddison": ("gdp/mpd2023_MaddisonData.csv", None),
    "maddison_countries": ("gdp/mpd2023_MaddisonCountries.csv", None),
    "gdppop": ("gdp/cw_gdppop.csv", None),
    "sipri_milex": ("milex/sipri_milex_1949_2023_long.csv", None),
    "tss_rivalries": ("rivalry/tss_rivalries.csv", None),
    "td_rivalries": ("rivalry/td_rivalries.csv", None),
    "trade_ndy": ("cow/cow_trade_ndy_CHN_RUS_USA.csv", None),
    "contdir": ("geo/cow_contdir.csv", None),
    "capitals": ("geo/cow_capitals.csv", None),
    "mindist": ("geo/cow_mindist.csv.gz", None),
    "gml_mid_ddy": ("mid/gml_mid_ddydisps.csv", None),
    "cow_mid_ddy": ("mid/cow_mid_ddydisps.csv", None),
    "gml_mid_disps": ("mid/gml_mid_disps.csv", None),
    "cow_mid_disps": ("mid/cow_mid_disps.csv", None),
    "archigos": ("leaders/archigos.csv", None),
    "democracy": ("regime/cw_democracy.csv", None),
    "polity5": (
        "regime/p5v2018.csv",
        ["ccode", "scode", "country", "year", "democ", "autoc", "polity", "polity2", "xconst",
         "durable"],
    ),
    "maoz_powers": ("powers/maoz_powers.csv", None),
}

# Columns that must stay text even when every value looks like a number or a date.
TEXT_COLUMNS = {
    "un_votes": ["country", "country_code", "vote"],
    "un_roll_calls": ["date", "unres", "short", "descr"],
    "unsc_vetoes": ["date", "draft", "meeting_record"],
    "contdir": ["stdate", "enddate"],
    "capitals": ["stdate", "enddate"],
    "archigos": ["startdate", "enddate"],
    "maoz_powers": ["regstdate", "regenddate", "globstdate", "globenddate"],
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_csv(path: Path, text_columns: list[str]) -> pa.Table:
    convert = pacsv.ConvertOptions(
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        column_types={c: pa.string() for c in text_columns},
        timestamp_parsers=[],  # never guess dates: ISO text stays text, parsed by the loaders
    )
    return pacsv.read_csv(path, convert_options=convert)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    cat_path = PKG_DATA / "catalog.toml"
    catalog = tomllib.loads(cat_path.read_text()) if cat_path.exists() else {}
    OUT.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, object]] = {}
    for key, (rel, keep) in FILES.items():
        src = args.shared / rel
        table = read_csv(src, TEXT_COLUMNS.get(key, []))
        if keep is not None:
            table = table.select(keep)
        dest = OUT / f"{key}.parquet"
        pq.write_table(table, dest, compression="zstd", compression_level=19)
        years: list[int] = []
        for first, last in (("year", "year"), ("styear", "endyear"), ("start", "end"),
                            ("styear", "styear")):
            if first in table.column_names and last in table.column_names:
                years = [int(pc.min(table.column(first)).as_py()),
                         int(pc.max(table.column(last)).as_py())]
                break
        manifest[key] = {
            "file": dest.name,
            "sha256": sha256(dest),
            "rows": table.num_rows,
            "columns": table.column_names,
            "years": years,
            "shared_file": rel,
            "shared_sha256": sha256(src),
            "in_catalog": key in catalog,
        }
        print(f"{key:22s} {table.num_rows:>9,d} rows  {dest.stat().st_size / 1e6:7.2f} MB")
    (OUT / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    total = sum((OUT / m["file"]).stat().st_size for m in manifest.values())  # type: ignore[arg-type]
    print(f"total {total / 1e6:.2f} MB in {len(manifest)} files")


if __name__ == "__main__":
    main()
