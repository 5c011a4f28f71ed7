"""Figures drawn from result frames (Matplotlib for PNG/PDF/SVG, Plotly for HTML).

The functions only draw columns that the measures computed; they never compute.
"""

from __future__ import annotations

from pathlib import Path

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
