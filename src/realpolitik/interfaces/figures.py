"""Figures drawn from result frames (Matplotlib for PNG/PDF/SVG, Plotly for HTML).

The functions only draw columns that the measures computed; they never compute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from realpolitik.errors import InputError
from realpolitik.interfaces.output import atomic_write

STATIC = (".png", ".pdf", ".svg")


def _check(path: Path) -> str:
    ext = path.suffix.lower()
    if ext not in (*STATIC, ".html"):
        raise InputError(f"cannot draw a figure as {path.name!r}",
                         "use a .png, .pdf, .svg or .html file name")
    return ext


def check_figure_path(path: Path | None) -> None:
    """Fail early (before any work) on a figure path we cannot draw to."""
    if path is not None:
        _check(path)
        if not (path.parent if str(path.parent) else Path(".")).is_dir():
            raise InputError(f"folder {str(path.parent)!r} does not exist",
                             "create it first or choose another --plot path")


def line_figure(
    frame: pd.DataFrame,
    x: str,
    y: str,
    group: str | None,
    path: Path,
    title: str,
    ylabel: str,
    hline: float | None = None,
    vline: float | None = None,
) -> None:
    """Draw ``y`` against ``x`` (one line per ``group``) into ``path``."""
    ext = _check(path)
    groups = [(str(k), g) for k, g in frame.groupby(group, sort=False)] if group else [(y, frame)]
    if ext == ".html":
        import plotly.graph_objects as go

        fig = go.Figure()
        for name, g in groups:
            fig.add_trace(go.Scatter(x=g[x], y=g[y], mode="lines+markers", name=name))
        if hline is not None:
            fig.add_hline(y=hline, line_dash="dot")
        if vline is not None:
            fig.add_vline(x=vline, line_dash="dot")
        fig.update_layout(title=title, xaxis_title=x, yaxis_title=ylabel, template="plotly_white")
        html = fig.to_html(include_plotlyjs=True, full_html=True)
        atomic_write(path, lambda p: p.write_text(html, encoding="utf-8"))
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_m, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    for name, g in groups:
        ax.plot(g[x], g[y], marker=".", label=name)
    if hline is not None:
        ax.axhline(hline, color="grey", lw=0.8, ls=":")
    if vline is not None:
        ax.axvline(vline, color="grey", lw=0.8, ls=":")
    ax.set_title(title)
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if len(groups) > 1:
        ax.legend(frameon=False)
    fig_m.tight_layout()
    try:
        atomic_write(path, lambda p: fig_m.savefig(p, format=ext.lstrip(".")))
    finally:
        plt.close(fig_m)


#: One colour per alignment label (order of realpolitik.models.labels.LABELS).
LABEL_COLOURS: dict[str, str] = {
    "hedging": "#d9d9d9",
    "bandwagoning": "#fdd49e",
    "soft_balancing": "#c6dbef",
    "hard_balancing": "#6baed6",
    "chain_ganging": "#2171b5",
    "buck_passing": "#c7e9c0",
}


def plane_figure(
    trajectory: pd.DataFrame,
    regions: dict[str, list[Any]],
    anchors: dict[str, tuple[float, float]],
    box: tuple[tuple[float, float], tuple[float, float]],
    path: Path,
    title: str,
    year_step: int = 5,
) -> None:
    """The essay's figure 2: the alignment plane with its regions shaded and labelled, a
    trajectory of (Rg, Ar) with its years, and the origin (the base year) marked.

    ``regions`` and ``anchors`` come from :func:`realpolitik.models.plane.region_polygons` and
    :func:`~realpolitik.models.plane.region_anchors`; ``box`` is ((rg_min, rg_max),
    (ar_min, ar_max)).
    """
    ext = _check(path)
    traj = trajectory.dropna(subset=["rg", "ar"])
    years = traj["year"].astype(int).tolist()
    shown = {y for y in years if y % year_step == 0} | ({years[0], years[-1]} if years else set())
    (x0, x1), (y0, y1) = box
    if ext == ".html":
        import plotly.graph_objects as go

        fig = go.Figure()
        for label, polys in regions.items():
            for k, poly in enumerate(polys):
                xs = [float(p[0]) for p in poly] + [float(poly[0][0])]
                ys = [float(p[1]) for p in poly] + [float(poly[0][1])]
                fig.add_trace(go.Scatter(
                    x=xs, y=ys, fill="toself", mode="lines",
                    line={"width": 0.5, "color": LABEL_COLOURS[label]},
                    fillcolor=LABEL_COLOURS[label], name=label.replace("_", " "),
                    legendgroup=label, showlegend=k == 0, hoverinfo="name"))
        for label, (ax_, ay_) in anchors.items():
            fig.add_annotation(x=ax_, y=ay_, text=label.replace("_", " "), showarrow=False,
                               font={"size": 11, "color": "#333"})
        fig.add_trace(go.Scatter(
            x=traj["rg"], y=traj["ar"], mode="lines+markers", name="trajectory",
            line={"color": "#b2182b"}, marker={"size": 6},
            text=[f"{y}: {lab}" for y, lab in zip(years, traj["label"].astype(str), strict=True)],
            hoverinfo="text"))
        for y, xr, yr in zip(years, traj["rg"], traj["ar"], strict=True):
            if y in shown:
                fig.add_annotation(x=xr, y=yr, text=str(y), showarrow=False, yshift=10,
                                   font={"size": 10, "color": "#b2182b"})
        fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name="origin (base year)",
                                 marker={"symbol": "star", "size": 14, "color": "black"}))
        fig.update_layout(title=title, template="plotly_white",
                          xaxis={"title": "Rg: power gap since the base year", "range": [x0, x1]},
                          yaxis={"title": "Ar: adversary's offensive response", "range": [y0, y1]})
        html = fig.to_html(include_plotlyjs=True, full_html=True)
        atomic_write(path, lambda p: p.write_text(html, encoding="utf-8"))
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon

    fig_m, ax = plt.subplots(figsize=(8.5, 6), dpi=130)
    for label, polys in regions.items():
        for poly in polys:
            ax.add_patch(Polygon(poly, closed=True, facecolor=LABEL_COLOURS[label],
                                 edgecolor=LABEL_COLOURS[label], lw=0.4))
    for label, (ax_, ay_) in anchors.items():
        ax.text(ax_, ay_, label.replace("_", " "), ha="center", va="center", fontsize=9,
                color="#333333", style="italic")
    ax.plot(traj["rg"], traj["ar"], "-o", color="#b2182b", ms=3.5, lw=1.2, label="trajectory")
    for y, xr, yr in zip(years, traj["rg"], traj["ar"], strict=True):
        if y in shown:
            ax.annotate(str(y), (xr, yr), textcoords="offset points", xytext=(4, 5), fontsize=8,
                        color="#b2182b")
    ax.plot([0], [0], marker="*", ms=13, color="black", ls="none", label="origin (base year)")
    ax.axhline(0, color="#555555", lw=0.5, ls=":")
    ax.axvline(0, color="#555555", lw=0.5, ls=":")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("Rg: power gap since the base year (1 = the ratio doubled)")
    ax.set_ylabel("Ar: adversary's offensive response since the base year")
    ax.set_title(title)
    ax.legend(loc="upper left", frameon=True, fontsize=8)
    fig_m.tight_layout()
    try:
        atomic_write(path, lambda p: fig_m.savefig(p, format=ext.lstrip(".")))
    finally:
        plt.close(fig_m)


def leeway_figure(table: pd.DataFrame, path: Path, title: str) -> None:
    """The essay's figure 1: each partner's leeway at t (alone) and t′ (cooperating), with the
    macro gain and the micro transfers that separate them. ``table`` is the ``component ==
    "total"`` rows of :func:`realpolitik.measures.leeway_inputs.leeway_table` (one per partner).
    """
    ext = _check(path)
    names = table["stateabb"].astype(str).tolist()
    series = {
        "leeway at t (alone)": table["standalone"].tolist(),
        "macro gain (share of the surplus)": table["macro_gain"].tolist(),
        "micro transfers paid (regions)": table["micro_transfer"].tolist(),
        "leeway at t′ (cooperating)": table["cooperative"].tolist(),
    }
    colours = ["#9e9e9e", "#4daf4a", "#e41a1c", "#377eb8"]
    if ext == ".html":
        import plotly.graph_objects as go

        fig = go.Figure()
        for (name, vals), col in zip(series.items(), colours, strict=True):
            fig.add_trace(go.Bar(x=names, y=vals, name=name, marker_color=col))
        fig.update_layout(barmode="group", title=title, template="plotly_white",
                          yaxis_title="leeway (share of freedom of action against C)")
        html = fig.to_html(include_plotlyjs=True, full_html=True)
        atomic_write(path, lambda p: p.write_text(html, encoding="utf-8"))
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_m, ax = plt.subplots(figsize=(8, 4.8), dpi=130)
    n = len(series)
    width = 0.8 / n
    for k, ((name, vals), col) in enumerate(zip(series.items(), colours, strict=True)):
        xs = [i - 0.4 + width * (k + 0.5) for i in range(len(names))]
        ax.bar(xs, vals, width=width, color=col, label=name)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("leeway (share of freedom of action against C)")
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig_m.tight_layout()
    try:
        atomic_write(path, lambda p: fig_m.savefig(p, format=ext.lstrip(".")))
    finally:
        plt.close(fig_m)
