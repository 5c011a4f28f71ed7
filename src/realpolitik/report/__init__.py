"""The forecast report's content: everything ``realpolitik report`` shows, computed here.

:func:`build_report` turns a stored run id or a scenario (preset name or file) into a
:class:`ReportContent` — the forecast Dataset, the historical path on the alignment plane, the
power and gap series under the three indices, the base-year leeway and Beaufre tables, the region
polygons, the sensitivity drivers, the data citations and a plain-language summary generated from
the numbers (:func:`summarize`). The HTML and PNG renderers
(:mod:`realpolitik.interfaces.report_html`) only draw what this package computed.

Layer: this package sits between the store and the interfaces; it imports measures, models,
simulate and store, never an interface.
"""

from __future__ import annotations

from realpolitik.report.content import (
    SECTIONS,
    Driver,
    Outcome,
    PlaneContent,
    ReportContent,
    RunInfo,
    Source,
    Summary,
    build_report,
    content_from_dataset,
    describe_parameter,
    fan_bands,
    identify,
    label_text,
    outcomes,
    summarize,
)

__all__ = [
    "SECTIONS",
    "Driver",
    "Outcome",
    "PlaneContent",
    "ReportContent",
    "RunInfo",
    "Source",
    "Summary",
    "build_report",
    "content_from_dataset",
    "describe_parameter",
    "fan_bands",
    "identify",
    "label_text",
    "outcomes",
    "summarize",
]
