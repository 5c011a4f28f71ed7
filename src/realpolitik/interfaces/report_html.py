"""Drawing the forecast report: one self-contained HTML file (Plotly) and PNG figures
(Matplotlib).

Rendering only: every number comes from a :class:`realpolitik.report.ReportContent`; this
module draws, formats and escapes, it never computes. The HTML embeds plotly.js once, inline, so
the file opens offline: no ``<script src>``, no stylesheet or font from the network. All text is
escaped with :func:`html.escape`. Files are written atomically
(:func:`realpolitik.interfaces.output.atomic_write`): an interrupted write leaves no half-written
file and an existing file intact.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from realpolitik.errors import InputError
from realpolitik.interfaces.figures import LABEL_COLOURS
from realpolitik.interfaces.output import atomic_write
from realpolitik.models.labels import LABELS

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from matplotlib.figure import Figure

    from realpolitik.report import ReportContent

__all__ = ["FIGURES", "plotly_figures", "render_html", "write_html", "write_pngs"]

#: The report's figures: key → title (the HTML div is ``fig-<key>``, the PNG ``<key>.png``).
FIGURES: dict[str, str] = {
    "plane": "Figure 2 — the alignment plane: history, forecast fan and cloud",
    "probabilities": "Probability of each outcome over time",
    "leeway": "Figure 1 — leeway by partner and region",
    "power": "Power under the three indices",
    "gap": "Power gap Rg and adversary response Ar: history and forecast fan",
    "beaufre": "Beaufre's strategy ratio",
}
COL_A, COL_B, COL_C = "#2166ac", "#b2182b", "#4d4d4d"
COL_HIST, COL_FORECAST = "#053061", "#b2182b"
INDEX_COLOURS = {"cinc": "#2166ac", "cline": "#1b7837", "haushofer": "#762a83"}
INDEX_DASH = {"cinc": "solid", "cline": "dot", "haushofer": "dash"}
INDEX_UNITS = {"cinc": "CINC (share of world capabilities)", "cline": "Cline's perceived power",
               "haushofer": "Haushofer index (0–1]"}
# label fill colours are pale (for regions); darker edges for stacked areas
LABEL_EDGES = {"hedging": "#969696", "bandwagoning": "#e6550d", "soft_balancing": "#6baed6",
               "hard_balancing": "#2171b5", "chain_ganging": "#08306b",
               "buck_passing": "#41ab5d"}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 3, signed: bool = False) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "NA"
    if not math.isfinite(x):
        return "NA"
    text = f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"
    zero = "0." + "0" * digits
    return text.replace("-" + zero, ("+" if signed else "") + zero)


def _label(label: str) -> str:
    if label in ("chain_ganging", "buck_passing"):
        return label.replace("_", "-")
    return label.replace("_", " ")


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _names(content: ReportContent) -> tuple[str, str, str]:
    return content.info.a, content.info.b, content.info.c


# -- Plotly ---------------------------------------------------------------------------------
def _fan_plotly(fig: go.Figure, frame: pd.DataFrame, bands: Sequence[tuple[float, float]],
                colour: str, name: str, row: int | None = None, col: int | None = None,
                legend: bool = True) -> None:
    import plotly.graph_objects as go

    kw: dict[str, Any] = {} if row is None else {"row": row, "col": col}
    years = frame.index.tolist()
    for i, (lo, hi) in enumerate(bands):
        alpha = 0.15 + 0.17 * i
        fig.add_trace(go.Scatter(x=years, y=frame[hi].tolist(), mode="lines",
                                 line={"width": 0}, hoverinfo="skip", showlegend=False,
                                 legendgroup=name), **kw)
        fig.add_trace(go.Scatter(x=years, y=frame[lo].tolist(), mode="lines",
                                 line={"width": 0}, fill="tonexty",
                                 fillcolor=_rgba(colour, alpha),
                                 name=f"{name}: {lo * 100:g}–{hi * 100:g} % of trajectories",
                                 legendgroup=name, showlegend=legend, hoverinfo="skip"), **kw)
    if 0.5 in frame.columns:
        fig.add_trace(go.Scatter(x=years, y=frame[0.5].tolist(), mode="lines",
                                 line={"color": colour, "width": 2}, name=f"{name}: median",
                                 legendgroup=name, showlegend=legend,
                                 hovertemplate="%{x}: %{y:.3f}<extra>median</extra>"), **kw)


def _plane_plotly(content: ReportContent) -> go.Figure:
    import plotly.graph_objects as go

    pc = content.plane
    assert pc is not None
    a, b, c = _names(content)
    fig = go.Figure()
    for label in LABELS:
        for k, poly in enumerate(pc.regions.get(label, [])):
            xs = [p[0] for p in poly] + [poly[0][0]]
            ys = [p[1] for p in poly] + [poly[0][1]]
            fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", mode="lines",
                                     line={"width": 0.5, "color": LABEL_COLOURS[label]},
                                     fillcolor=LABEL_COLOURS[label], name=_label(label),
                                     legendgroup=label, showlegend=k == 0, hoverinfo="name"))
    for label, (x, y) in pc.anchors.items():
        fig.add_annotation(x=x, y=y, text=f"<i>{_e(_label(label))}</i>", showarrow=False,
                           font={"size": 13, "color": "#333"})
    if pc.lines is not None:
        lx: list[float | None] = []
        ly: list[float | None] = []
        for _, g in pc.lines.groupby("trajectory", sort=True):
            lx += [*g["rg"].tolist(), None]
            ly += [*g["ar"].tolist(), None]
        n_lines = int(pc.lines["trajectory"].nunique())
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", connectgaps=False,
                                 line={"width": 0.8, "color": "rgba(60,60,60,0.16)"},
                                 name=f"{n_lines} sampled trajectories", hoverinfo="skip"))
    if pc.cloud is not None:
        fig.add_trace(go.Scatter(
            x=pc.cloud["rg"].tolist(), y=pc.cloud["ar"].tolist(), mode="markers",
            marker={"size": 3.5, "color": _rgba(COL_FORECAST, 0.35)},
            name=f"{len(pc.cloud):,d} trajectories in {pc.cloud_year}",
            text=[_label(x) for x in pc.cloud["label"]],
            hovertemplate="Rg %{x:.2f}, Ar %{y:.2f}: %{text}<extra></extra>"))
    if pc.history is not None:
        h = pc.history.dropna(subset=["rg", "ar"])
        fig.add_trace(go.Scatter(
            x=h["rg"].tolist(), y=h["ar"].tolist(), mode="lines+markers",
            line={"color": COL_HIST, "width": 1.6}, marker={"size": 5},
            name=f"measured path {int(h['year'].min())}–{int(h['year'].max())}"
            if len(h) else "measured path",
            text=[f"{int(y)}: {_label(str(lab))}" for y, lab in zip(h["year"], h["label"],
                                                                    strict=True)],
            hovertemplate="%{text}<br>Rg %{x:.3f}, Ar %{y:.3f}<extra></extra>"))
        years = h["year"].astype(int).tolist()
        for y, xr, yr in zip(years, h["rg"], h["ar"], strict=True):
            if y % 5 == 0 or y == years[0]:
                fig.add_annotation(x=xr, y=yr, text=str(y), showarrow=False, yshift=10,
                                   font={"size": 10, "color": COL_HIST})
    med = pc.median
    fig.add_trace(go.Scatter(
        x=med["rg"].tolist(), y=med["ar"].tolist(), mode="lines+markers",
        line={"color": COL_FORECAST, "width": 2.4, "dash": "dash"}, marker={"size": 6},
        name="forecast: median Rg and Ar per year",
        text=[str(int(y)) for y in med["year"]],
        hovertemplate="%{text}: median Rg %{x:.3f}, Ar %{y:.3f}<extra></extra>"))
    for y, xr, yr in zip(med["year"].astype(int), med["rg"], med["ar"], strict=True):
        if y in pc.marks:
            fig.add_annotation(x=xr, y=yr, text=f"<b>{y}</b>", showarrow=False, xshift=16,
                               yshift=-10, font={"size": 11, "color": COL_FORECAST})
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name=f"origin ({content.info.t0})",
                             marker={"symbol": "star", "size": 15, "color": "black"}))
    (x0, x1), (y0, y1) = pc.box
    fig.update_layout(
        height=680, template="plotly_white", legend={"orientation": "v", "x": 1.01, "y": 1},
        margin={"l": 70, "r": 20, "t": 40, "b": 60},
        title={"text": f"{_e(a)}–{_e(b)} against {_e(c)} on the alignment plane "
                       f"(origin {content.info.t0}, {_e(pc.map_name)} region map)",
               "font": {"size": 16}},
        xaxis={"title": f"Rg: power gap since {content.info.t0} (1 = {_e(a)}/{_e(b)} ratio "
                        "doubled)", "range": [x0, x1], "zeroline": False},
        yaxis={"title": f"Ar: {_e(c)}'s offensive response since {content.info.t0}",
               "range": [y0, y1], "zeroline": False})
    return fig


def _probabilities_plotly(content: ReportContent) -> go.Figure:
    import plotly.graph_objects as go

    prob = content.probability
    fig = go.Figure()
    years = prob.index.tolist()
    for label in LABELS:
        if label not in prob.columns:
            continue
        fig.add_trace(go.Scatter(
            x=years, y=prob[label].tolist(), mode="lines", stackgroup="p", name=_label(label),
            line={"width": 1, "color": LABEL_EDGES[label]},
            fillcolor=LABEL_COLOURS[label],
            hovertemplate="%{x}: %{y:.3f}<extra>" + _e(_label(label)) + "</extra>"))
    fig.update_layout(height=420, template="plotly_white", hovermode="x unified",
                      title={"text": f"Probability of each outcome, {content.info.t0}–"
                                     f"{content.info.horizon} "
                                     f"({content.info.n_trajectories:,d} trajectories)",
                             "font": {"size": 16}},
                      xaxis={"title": "year"},
                      yaxis={"title": "probability (share of trajectories)", "range": [0, 1]},
                      margin={"l": 70, "r": 20, "t": 50, "b": 50})
    return fig


def _leeway_plotly(content: ReportContent) -> go.Figure:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    a, b, c = _names(content)
    t0 = content.info.t0
    fig = make_subplots(rows=2, cols=2, specs=[[{}, {}], [{"colspan": 2}, None]],
                        subplot_titles=(f"Macro level and total, {t0}",
                                        "Forecast: mean leeway per year",
                                        f"Regions, {t0}: zero-sum shares (micro level)"),
                        vertical_spacing=0.16, horizontal_spacing=0.1)
    lt = content.leeway
    series = [("A", "standalone", f"{a} alone (t)", _rgba(COL_A, 0.45)),
              ("A", "cooperative", f"{a} cooperating (t′)", COL_A),
              ("B", "standalone", f"{b} alone (t)", _rgba(COL_B, 0.45)),
              ("B", "cooperative", f"{b} cooperating (t′)", COL_B)]
    if lt is not None:
        comps = [x for x in lt["component"].unique().tolist() if x not in ("macro", "total")]
        for partner, col, name, colour in series:
            part = lt[lt["partner"] == partner].set_index("component")
            fig.add_trace(go.Bar(x=["macro", "total"],
                                 y=part[col].reindex(["macro", "total"]).astype(float).tolist(),
                                 name=name, marker_color=colour, legendgroup=name,
                                 hovertemplate="%{x}: %{y:.4f}<extra>" + _e(name) + "</extra>"),
                          row=1, col=1)
            fig.add_trace(go.Bar(x=[k.replace("/", "/<br>") for k in comps],
                                 y=part[col].reindex(comps).astype(float).tolist(), name=name,
                                 marker_color=colour, legendgroup=name, showlegend=False,
                                 hovertemplate="%{x}: %{y:.4f}<extra>" + _e(name) + "</extra>"),
                          row=2, col=1)
    else:
        for axis in ("", "3"):
            fig.add_annotation(text="not available", showarrow=False, x=0.5, y=0.5,
                               xref=f"x{axis} domain", yref=f"y{axis} domain")
    lf = content.leeway_forecast
    if lf is not None:
        for partner, colour, who in (("A", COL_A, a), ("B", COL_B, b)):
            for comp, dash in (("total", "solid"), ("macro", "dot")):
                part = lf[(lf["partner"] == partner) & (lf["component"] == comp)]
                fig.add_trace(go.Scatter(
                    x=part["year"].tolist(), y=part["value"].tolist(), mode="lines",
                    line={"color": colour, "dash": dash, "width": 2},
                    name=f"{who} {comp} (forecast mean)",
                    hovertemplate="%{x}: %{y:.4f}<extra>" + _e(f"{who} {comp}") + "</extra>"),
                    row=1, col=2)
    fig.update_layout(barmode="group", height=760, template="plotly_white",
                      title={"text": f"Leeway of {_e(a)} and {_e(b)} against {_e(c)}: alone "
                                     "(t) and cooperating (t′)", "font": {"size": 16}},
                      margin={"l": 70, "r": 20, "t": 80, "b": 60},
                      legend={"orientation": "h", "y": -0.12})
    fig.update_yaxes(title_text="leeway (share of freedom of action)", row=1, col=1)
    fig.update_yaxes(title_text="leeway", row=1, col=2)
    fig.update_xaxes(title_text="year", row=1, col=2)
    fig.update_yaxes(title_text="regional leeway", row=2, col=1)
    return fig


def _power_plotly(content: ReportContent) -> go.Figure:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    a, b, c = _names(content)
    indices = ["cinc", "cline", "haushofer"]
    fig = make_subplots(rows=1, cols=3, subplot_titles=[INDEX_UNITS[i] for i in indices],
                        horizontal_spacing=0.07)
    pw = content.power
    for j, idx in enumerate(indices, start=1):
        part = pw[pw["index"] == idx] if pw is not None else None
        if part is None or part.empty:
            fig.add_annotation(text="no data", showarrow=False, x=0.5, y=0.5,
                               xref=f"x{j if j > 1 else ''} domain",
                               yref=f"y{j if j > 1 else ''} domain")
            continue
        for state, colour in ((a, COL_A), (b, COL_B), (c, COL_C)):
            s = part[part["stateabb"] == state]
            fig.add_trace(go.Scatter(x=s["year"].tolist(), y=s["power"].tolist(),
                                     mode="lines", line={"color": colour, "width": 2},
                                     name=state, legendgroup=state, showlegend=j == 1,
                                     hovertemplate="%{x}: %{y:.4f}<extra>" + _e(state) +
                                     f" ({idx})</extra>"), row=1, col=j)
    fig.update_layout(height=400, template="plotly_white",
                      title={"text": f"Power of {_e(a)}, {_e(b)} and {_e(c)} under three "
                                     "indices", "font": {"size": 16}},
                      margin={"l": 60, "r": 20, "t": 80, "b": 50})
    fig.update_xaxes(title_text="year")
    return fig


def _gap_plotly(content: ReportContent) -> go.Figure:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    a, b, c = _names(content)
    t0 = content.info.t0
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=(f"Rg: the {a}/{b} power ratio relative to {t0} "
                                        "(history under three indices, forecast fan)",
                                        f"Ar: {c}'s response relative to {t0} (history: "
                                        "measured threat; forecast: scenario response)"))
    gap = content.gap
    if gap is not None:
        yrs = gap["year"].tolist()
        fig.add_trace(go.Scatter(x=yrs, y=gap["rg_max"].tolist(), mode="lines",
                                 line={"width": 0}, hoverinfo="skip", showlegend=False),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=yrs, y=gap["rg_min"].tolist(), mode="lines",
                                 line={"width": 0}, fill="tonexty",
                                 fillcolor="rgba(120,120,120,0.22)",
                                 name="spread across indices", hoverinfo="skip"), row=1, col=1)
        for idx in ("cinc", "cline", "haushofer"):
            colname = f"rg_{idx}"
            if colname in gap.columns:
                fig.add_trace(go.Scatter(
                    x=yrs, y=gap[colname].tolist(), mode="lines",
                    line={"color": INDEX_COLOURS[idx], "dash": INDEX_DASH[idx], "width": 1.8},
                    name=f"Rg ({idx})",
                    hovertemplate="%{x}: %{y:.3f}<extra>" + f"Rg {idx}</extra>"), row=1, col=1)
    _fan_plotly(fig, content.fan["rg"], content.bands, COL_FORECAST, "forecast Rg", 1, 1)
    pc = content.plane
    if pc is not None and pc.history is not None:
        h = pc.history
        fig.add_trace(go.Scatter(x=h["year"].tolist(), y=h["ar"].tolist(), mode="lines",
                                 line={"color": COL_HIST, "width": 1.8},
                                 name="Ar measured (threat score)",
                                 hovertemplate="%{x}: %{y:.3f}<extra>Ar measured</extra>"),
                      row=2, col=1)
    _fan_plotly(fig, content.fan["ar"], content.bands, "#e08214", "forecast Ar", 2, 1)
    for r in (1, 2):
        fig.add_vline(x=t0, line_dash="dot", line_color="#777", row=r, col=1)
        fig.add_hline(y=0, line_color="#bbb", line_width=1, row=r, col=1)
    fig.update_layout(height=720, template="plotly_white",
                      title={"text": "Power gap and adversary response: history and forecast",
                             "font": {"size": 16}},
                      margin={"l": 70, "r": 20, "t": 90, "b": 50})
    fig.update_yaxes(title_text="Rg (doublings since t0)", row=1, col=1)
    fig.update_yaxes(title_text="Ar", row=2, col=1)
    fig.update_xaxes(title_text="year", row=2, col=1)
    return fig


def _beaufre_plotly(content: ReportContent) -> go.Figure:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    a, b, c = _names(content)
    t0 = content.info.t0
    fig = make_subplots(rows=1, cols=2, column_widths=[0.62, 0.38], horizontal_spacing=0.1,
                        subplot_titles=("Forecast: (Ψ_A·P_A + Ψ_B·P_B) / (Ψ_C·P_C)",
                                        f"{t0} by domain: (S_A + S_B) / S_C"))
    _fan_plotly(fig, content.fan["beaufre"], content.bands, "#542788", "forecast ratio", 1, 1)
    st = content.strategy
    if st is not None:
        overall = content.strategy_info.get("tandem_ratio", {}).get("overall")
        xs = [*st["domain"].tolist(), "overall"]
        ys = [*st["tandem_ratio"].tolist(), overall]
        fig.add_trace(go.Bar(x=xs, y=ys, marker_color=["#8073ac"] * len(st) + ["#2d004b"],
                             name=f"tandem ratio {t0}",
                             hovertemplate="%{x}: %{y:.3f}<extra></extra>"), row=1, col=2)
    else:
        fig.add_annotation(text="not available", showarrow=False, x=0.5, y=0.5,
                           xref="x2 domain", yref="y2 domain")
    for col in (1, 2):
        fig.add_hline(y=1, line_dash="dot", line_color="#777", row=1, col=col)
    pattern = str(content.strategy_info.get("pattern", "")).replace("_", " ")
    fig.update_layout(height=430, template="plotly_white",
                      title={"text": f"Beaufre's ratio of the {_e(a)}–{_e(b)} tandem to "
                                     f"{_e(c)}" + (f" — pattern in {t0}: {_e(pattern)}"
                                                   if pattern else ""),
                             "font": {"size": 16}},
                      margin={"l": 60, "r": 20, "t": 80, "b": 50})
    fig.update_xaxes(title_text="year", row=1, col=1)
    fig.update_yaxes(title_text="ratio (1 = parity)", row=1, col=1)
    return fig


_PLOTLY: dict[str, Callable[[ReportContent], go.Figure]] = {
    "plane": _plane_plotly, "probabilities": _probabilities_plotly, "leeway": _leeway_plotly,
    "power": _power_plotly, "gap": _gap_plotly, "beaufre": _beaufre_plotly,
}


def _available(content: ReportContent, key: str) -> bool:
    if key == "plane":
        return content.plane is not None
    if key == "leeway":
        return content.leeway is not None or content.leeway_forecast is not None
    if key == "power":
        return content.power is not None
    return True


def plotly_figures(content: ReportContent) -> dict[str, go.Figure]:
    """The report's Plotly figures by key (:data:`FIGURES`); unavailable ones are left out."""
    return {k: fn(content) for k, fn in _PLOTLY.items() if _available(content, k)}


# -- HTML -----------------------------------------------------------------------------------
CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #b2182b; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
             sans-serif; }
header { padding: 24px 40px 12px; border-bottom: 3px solid var(--accent); }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 2px 0; color: var(--muted); }
nav { padding: 8px 40px; border-bottom: 1px solid var(--line); font-size: 14px; }
nav a { margin-right: 14px; color: var(--ink); }
main { max-width: 1240px; padding: 0 40px 40px; }
section { margin: 28px 0; }
h2 { font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.figure { width: 100%; min-height: 300px; border: 1px solid var(--line); border-radius: 4px; }
.caption { color: var(--muted); font-size: 13.5px; margin: 6px 0 0; }
.missing { background: #fff4e5; border-left: 4px solid #e08214; padding: 8px 12px; }
.summary p, .summary li { font-size: 16px; }
.summary ul { padding-left: 20px; }
.summary li { margin: 6px 0; }
.note { color: var(--muted); font-size: 13.5px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13.5px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left;
         vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f5f7fa; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.prov dt { font-weight: 600; }
dl.prov dd { margin: 0; }
pre { background: #f5f7fa; padding: 10px; overflow-x: auto; font-size: 12.5px; }
footer { color: var(--muted); font-size: 12.5px; padding: 12px 40px 30px;
         border-top: 1px solid var(--line); }
"""


def _missing_note(content: ReportContent, *keys: str) -> str:
    out = []
    for k in keys:
        if k in content.missing:
            out.append(f'<p class="missing" data-missing="{_e(k)}">Not available: '
                       f"{_e(content.missing[k])}</p>")
    for k in keys:
        for note in content.notes.get(k, []):
            out.append(f'<p class="note">Note: {_e(note)}</p>')
    return "\n".join(out)


def _figure_div(figs: dict[str, go.Figure], key: str) -> str:
    import plotly.io as pio

    if key not in figs:
        return ""
    fig = figs[key]
    height = fig.layout.height or 500
    div = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=f"fig-{key}",
                      config=PLOTLY_CONFIG, default_height=f"{height}px", default_width="100%")
    return f'<div class="figure" data-figure="{_e(key)}">{div}</div>'


def _table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Callable[[Any], str]]],
           cls: str = "") -> str:
    head = "".join(f"<th>{_e(title)}</th>" for _, title, _ in columns)
    rows = []
    for rec in frame.to_dict("records"):
        cells = []
        for col, _, fmt in columns:
            value = rec.get(col)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(f'<td{" class=n" if numeric else ""}>{_e(fmt(value))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="{_e(cls)}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _summary_html(content: ReportContent) -> str:
    s = content.summary
    items = []
    for o, sentence in zip(s.outcomes, s.sentences, strict=True):
        attrs = (f' data-year="{o.year}" data-label="{_e(o.label or "")}"'
                 f' data-p="{_e(repr(float(o.p)))}" data-base-p="{_e(repr(float(o.base_p)))}"')
        items.append(f'<li class="outcome"{attrs}>{_e(sentence)}</li>')
    parts = [f"<p>{_e(s.intro)}</p>", '<ul class="outcomes">' + "".join(items) + "</ul>"]
    if s.spread:
        parts.append(f'<p class="spread">{_e(s.spread)}</p>')
    parts.append(f'<p class="note drivers-note">{_e(s.drivers_note)}</p>')
    return "\n".join(parts)


def _numbers_html(content: ReportContent) -> str:
    cols: list[tuple[str, str, Callable[[Any], str]]] = [("year", "year", str)]
    cols += [(lab, _label(lab), lambda v: _num(v, 3)) for lab in LABELS
             if lab in content.table.columns]
    cols += [("rg_median", "Rg median", lambda v: _num(v, 3, signed=True)),
             ("ar_median", "Ar median", lambda v: _num(v, 3, signed=True)),
             ("beaufre_median", "Beaufre ratio median", lambda v: _num(v, 2))]
    return _table(content.table, cols, "numbers")


def _sensitivity_html(content: ReportContent) -> str:
    d = content.drivers
    if d is None:
        return _missing_note(content, "sensitivity") or '<p class="missing">Not available.</p>'
    if d.empty:
        return "<p>No parameter of the design moves the most likely outcomes.</p>"
    cols: list[tuple[str, str, Callable[[Any], str]]] = [
        ("year", "year", str), ("label", "most likely outcome", lambda v: _label(str(v))),
        ("p", "p", lambda v: _num(v, 2)), ("rank", "rank", str),
        ("description", "parameter", str), ("parameter", "scenario key", str),
        ("low", "range low", lambda v: _num(v, 4)), ("high", "range high", lambda v: _num(v, 4)),
        ("mu_star", "μ*", lambda v: _num(v, 3))]
    return _table(d, cols, "drivers") + _missing_note(content, "sensitivity")


def _provenance_html(content: ReportContent) -> str:
    import yaml

    p = content.provenance
    info = content.info
    run = (f"{info.run_id} in {info.store}" if info.run_id else "not stored (--no-store)")
    if info.source == "scenario" and info.recorded:
        run += " (recorded by this report)"
    rows = [
        ("Package", f"realpolitik {p.get('version')} (report by {p.get('report_version')})"),
        ("Run", run),
        ("Scenario", f"{info.scenario_name}" + (f" — {info.description}"
                                                 if info.description else "")),
        ("Tandem, adversary", f"{info.a}–{info.b} against {info.c}"),
        ("Years", f"t0 = {info.t0} (base year, origin of the plane) to {info.horizon}"),
        ("Power index", info.index),
        ("Trajectories", f"{info.n_trajectories:,d}"),
        ("Seed", str(info.seed)),
        ("Created", info.created or "—"),
    ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    out = [f'<dl class="prov" id="prov-main">{dl}</dl>']
    est = p.get("estimates") or {}
    if est:
        names = {"A": info.a, "B": info.b, "C": info.c}
        frame = pd.DataFrame([{"role": f"{r} ({names[r]})", "drift": v.get("drift"),
                               "volatility": v.get("volatility"),
                               "source": "estimated from data" if any(
                                   (v.get("estimated") or {}).values()) else "scenario"}
                              for r, v in est.items() if r in names])
        out.append("<h3>Growth of log power (per year)</h3>")
        out.append(_table(frame, [("role", "actor", str),
                                  ("drift", "drift", lambda v: _num(v, 4, signed=True)),
                                  ("volatility", "volatility", lambda v: _num(v, 4)),
                                  ("source", "source", str)]))
    rm = p.get("region_map") or {}
    if rm:
        keys = [k for k in ("a_S", "a_H", "a_C", "r_B0", "beta", "r_P", "r_C", "hysteresis",
                            "offense_shift", "temperature") if k in rm]
        out.append(f"<h3>Region map: {_e(rm.get('name', ''))}</h3>")
        out.append("<p>" + _e(", ".join(f"{k} = {rm[k]}" for k in keys)) + "</p>")
    ds = p.get("datasets") or []
    out.append("<h3>Data sets</h3>")
    if ds:
        out.append(_table(pd.DataFrame(ds), [("key", "key", str), ("title", "data set", str),
                                             ("version", "version", str),
                                             ("citation", "citation", str)], "datasets"))
        bib = "\n\n".join(d["bibtex"] for d in ds if d.get("bibtex"))
        out.append(f"<details><summary>BibTeX</summary><pre>{_e(bib)}</pre></details>")
    lit = p.get("literature") or []
    if lit:
        out.append("<h3>Literature behind the model components</h3><ul>" + "".join(
            f"<li>{_e(w['full'])}" + ("" if w.get("verified") else
                                      " <span class=note>(not verified)</span>") + "</li>"
            for w in lit) + "</ul>")
    sens = p.get("sensitivity")
    if sens:
        params = ", ".join(f"{x['key']} ∈ [{x['low']:g}, {x['high']:g}]"
                           for x in sens.get("params", []))
        out.append("<h3>Sensitivity analysis</h3><p>" + _e(
            f"Morris screening (SALib {sens.get('salib', '?')}), r = {sens.get('n_base')}, "
            f"{sens.get('n_evaluations')} evaluations × {sens.get('trajectories')} trajectories "
            f"per year, years {', '.join(map(str, sens.get('years', [])))}, seed "
            f"{info.seed}; parameters: {params}.") + "</p>")
    scen = p.get("scenario") or {}
    out.append("<h3>Scenario parameters</h3><pre id=\"prov-scenario\">" + _e(
        yaml.safe_dump(scen, sort_keys=False, allow_unicode=True)) + "</pre>")
    timings = p.get("timings") or {}
    if timings:
        shown = ", ".join(f"{k} {float(v):.2f} s" for k, v in timings.items()
                          if isinstance(v, int | float) and k not in ("trajectory_years",
                                                                      "chunks", "workers",
                                                                      "trajectory_years_per_"
                                                                      "second"))
        out.append(f'<p class="note">Timings: {_e(shown)}.</p>')
    return "\n".join(out)


def _captions(content: ReportContent) -> dict[str, str]:
    a, b, c = _names(content)
    i = content.info
    pc = content.plane
    sample = ""
    if pc is not None and pc.lines is not None:
        sample = (f" Grey lines: {pc.lines['trajectory'].nunique()} of the run's trajectories; "
                  f"red dots: the first {pc.n_sample:,d} trajectories in {pc.cloud_year} (the "
                  "forecast cloud).")
    hist = ""
    if pc is not None and pc.history is not None and len(pc.history):
        hist = (f" Blue: the measured path {int(pc.history['year'].min())}–{i.t0} (Rg from "
                f"{i.index.upper()}, Ar from the threat score of {c} toward the pair, both "
                f"relative to {i.t0}).")
    return {
        "plane": (f"Regions of the {pc.map_name if pc else 'default'} map shaded by outcome; "
                  f"the origin is {i.t0}." + hist + " Red dashes: the forecast's median Rg and "
                  "median Ar per year (marginal medians, not a single trajectory), labelled at "
                  "the years of the summary." + sample + " The forecast's Ar is the scenario's "
                  f"response of {c}; the history's Ar is the measured threat score: both start "
                  f"at 0 in {i.t0}."),
        "probabilities": ("Share of the simulated trajectories in each region of the plane, "
                          "per year (stacked; they sum to 1)."),
        "leeway": (f"Top left: each partner's leeway at t0 = {i.t0}, alone (t) and cooperating "
                   f"(t′, after the Nash split of the cooperation surplus and the regional "
                   "transfers). Bottom: the regional contests (zero-sum Tullock shares). Top "
                   "right: the forecast's mean leeway per year, total (solid) and macro level "
                   "(dotted)."),
        "power": (f"Power of {a}, {b} and {c} under CINC (COW composite index), Cline's "
                  "perceived power and the Haushofer index; each in its own unit."),
        "gap": (f"Top: the power gap Rg = ln(P_{a}/P_{b}) relative to {i.t0}, in doublings, "
                "under each index (grey band: the spread across indices), and the forecast's "
                f"quantile fan under {i.index.upper()}. Bottom: the adversary's response Ar. "
                f"Dotted: t0 = {i.t0}."),
        "beaufre": ("Left: the forecast's Beaufre ratio of the tandem's strategic means to the "
                    "adversary's (Ψ-weighted power), quantile fan; 1 is parity. Right: "
                    f"Beaufre's S = k·F·Ψ·τ by domain at {i.t0}, tandem over adversary."),
    }


def render_html(content: ReportContent) -> str:
    """The report as one self-contained HTML document (plotly.js inline, once)."""
    from plotly.offline import get_plotlyjs

    figs = plotly_figures(content)
    caps = _captions(content)
    i = content.info
    js = get_plotlyjs().replace("</script", "<\\/script")
    title = (f"Forecast report: {i.a}–{i.b} against {i.c} ({i.scenario_name}, "
             f"{i.t0}–{i.horizon})")
    sections: list[tuple[str, str, str]] = [
        ("summary", "Summary", f'<div class="summary">{_summary_html(content)}</div>')]
    fig_missing = {"plane": ("plane", "plane.history"), "probabilities": (),
                   "leeway": ("leeway",), "power": ("power",), "gap": ("gap",),
                   "beaufre": ("beaufre.base",)}
    for key, heading in FIGURES.items():
        body = _figure_div(figs, key)
        if key in figs:
            body += f'<p class="caption">{_e(caps[key])}</p>'
        body += _missing_note(content, *fig_missing[key])
        sections.append((key, heading, body))
    sections.append(("numbers", "The numbers", _numbers_html(content) +
                     '<p class="caption">Probability of each outcome, and the medians of Rg, Ar '
                     "and the Beaufre ratio, at t0 and the years of the summary.</p>"))
    sections.append(("sensitivity", "What drives the most likely outcomes",
                     _sensitivity_html(content)))
    sections.append(("provenance", "Provenance", _provenance_html(content)))
    short = {"summary": "Summary", "plane": "Plane (figure 2)", "probabilities": "Outcomes",
             "leeway": "Leeway (figure 1)", "power": "Power", "gap": "Gap and response",
             "beaufre": "Beaufre ratio", "numbers": "Numbers", "sensitivity": "Drivers",
             "provenance": "Provenance"}
    nav = "".join(f'<a href="#{k}">{_e(short.get(k, h))}</a>' for k, h, _ in sections)
    body = "\n".join(f'<section id="{_e(k)}"><h2>{_e(h)}</h2>\n{b}\n</section>'
                     for k, h, b in sections)
    sub = (f"run {i.run_id}" if i.run_id else "not stored") + \
        f" · {i.n_trajectories:,d} trajectories · seed {i.seed} · realpolitik " + \
        str(content.provenance.get("report_version", ""))
    meta = json.dumps({"run_id": i.run_id, "scenario": i.scenario_name, "seed": i.seed,
                       "t0": i.t0, "horizon": i.horizon, "figures": sorted(figs)})
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="realpolitik {_e(content.provenance.get('report_version', ''))}">
<title>{_e(title)}</title>
<style>{CSS}</style>
<script type="text/javascript">/* plotly.js (MIT licence), embedded so that the report works
offline */
{js}</script>
</head>
<body data-report="{_e(meta)}">
<header><h1>{_e(title)}</h1><p>{_e(sub)}</p></header>
<nav>{nav}</nav>
<main>
{body}
</main>
<footer>Generated by realpolitik from the numbers of the forecast, without a language model.
This file is self-contained: it needs no network access.</footer>
</body>
</html>
"""


def write_html(content: ReportContent, path: Path) -> int:
    """Write the report to ``path`` atomically; return its size in bytes."""
    text = render_html(content)
    data = text.encode("utf-8")
    atomic_write(Path(path), lambda p: p.write_bytes(data))
    return len(data)


# -- Matplotlib (PNG) -----------------------------------------------------------------------
def _years_axis(*axes: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _fan_mpl(ax: Any, frame: pd.DataFrame, bands: Sequence[tuple[float, float]], colour: str,
             name: str) -> None:
    years = frame.index.to_numpy()
    for i, (lo, hi) in enumerate(bands):
        ax.fill_between(years, frame[lo].to_numpy(float), frame[hi].to_numpy(float),
                        color=colour, alpha=0.15 + 0.17 * i, lw=0,
                        label=f"{name}: {lo * 100:g}–{hi * 100:g} %")
    if 0.5 in frame.columns:
        ax.plot(years, frame[0.5].to_numpy(float), color=colour, lw=1.8, label=f"{name}: median")


def _plane_mpl(content: ReportContent) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon

    pc = content.plane
    assert pc is not None
    a, b, c = _names(content)
    fig, ax = plt.subplots(figsize=(11.5, 6.5))
    for label in LABELS:
        for k, poly in enumerate(pc.regions.get(label, [])):
            ax.add_patch(Polygon(poly, closed=True, facecolor=LABEL_COLOURS[label],
                                 edgecolor=LABEL_COLOURS[label], lw=0.4,
                                 label=_label(label) if k == 0 else None))
    for label, (x, y) in pc.anchors.items():
        ax.text(x, y, _label(label), ha="center", va="center", fontsize=10, style="italic",
                color="#333333")
    if pc.lines is not None:
        n_lines = int(pc.lines["trajectory"].nunique())
        for k, (_, g) in enumerate(pc.lines.groupby("trajectory", sort=True)):
            ax.plot(g["rg"], g["ar"], color="#3c3c3c", alpha=0.12, lw=0.6,
                    label=f"{n_lines} sampled trajectories" if k == 0 else None)
    if pc.cloud is not None:
        ax.scatter(pc.cloud["rg"], pc.cloud["ar"], s=4, color=COL_FORECAST, alpha=0.35,
                   lw=0, label=f"{len(pc.cloud):,d} trajectories in {pc.cloud_year}")
    if pc.history is not None:
        h = pc.history.dropna(subset=["rg", "ar"])
        ax.plot(h["rg"], h["ar"], "-o", color=COL_HIST, ms=3, lw=1.3,
                label="measured path" + (f" {int(h['year'].min())}–{int(h['year'].max())}"
                                         if len(h) else ""))
        years = h["year"].astype(int).tolist()
        for y, xr, yr in zip(years, h["rg"], h["ar"], strict=True):
            if y % 5 == 0 or y == years[0]:
                ax.annotate(str(y), (xr, yr), textcoords="offset points", xytext=(3, 5),
                            fontsize=7.5, color=COL_HIST)
    med = pc.median
    ax.plot(med["rg"], med["ar"], "--o", color=COL_FORECAST, ms=3.5, lw=2,
            label="forecast: median Rg, Ar")
    for y, xr, yr in zip(med["year"].astype(int), med["rg"], med["ar"], strict=True):
        if y in pc.marks:
            ax.annotate(str(y), (xr, yr), textcoords="offset points", xytext=(6, -10),
                        fontsize=8.5, color=COL_FORECAST, weight="bold")
    ax.plot([0], [0], marker="*", ms=13, color="black", ls="none",
            label=f"origin ({content.info.t0})")
    (x0, x1), (y0, y1) = pc.box
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    t0 = content.info.t0
    ax.set_xlabel(f"Rg: power gap since {t0} (1 = {a}/{b} ratio doubled)")
    ax.set_ylabel(f"Ar: {c}'s offensive response since {t0}")
    ax.set_title(f"{a}–{b} against {c} on the alignment plane (origin {t0})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


def _probabilities_mpl(content: ReportContent) -> Figure:
    import matplotlib.pyplot as plt

    prob = content.probability
    labels = [lab for lab in LABELS if lab in prob.columns]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.stackplot(prob.index.to_numpy(), *[prob[lab].fillna(0).to_numpy(float)
                                          for lab in labels],
                 labels=[_label(lab) for lab in labels],
                 colors=[LABEL_COLOURS[lab] for lab in labels],
                 edgecolor=[LABEL_EDGES[lab] for lab in labels], lw=0.6)
    ax.set_ylim(0, 1)
    ax.set_xlim(prob.index.min(), prob.index.max())
    ax.set_xlabel("year")
    ax.set_ylabel("probability (share of trajectories)")
    ax.set_title(f"Probability of each outcome ({content.info.n_trajectories:,d} trajectories)")
    _years_axis(ax)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    return fig


def _leeway_mpl(content: ReportContent) -> Figure:
    import matplotlib.pyplot as plt

    a, b, c = _names(content)
    t0 = content.info.t0
    fig = plt.figure(figsize=(11, 8))
    grid = fig.add_gridspec(2, 2, hspace=0.55, wspace=0.25)
    ax1, ax2, ax3 = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), \
        fig.add_subplot(grid[1, :])
    series = [("A", "standalone", f"{a} alone (t)", COL_A, 0.45),
              ("A", "cooperative", f"{a} cooperating (t′)", COL_A, 1.0),
              ("B", "standalone", f"{b} alone (t)", COL_B, 0.45),
              ("B", "cooperative", f"{b} cooperating (t′)", COL_B, 1.0)]
    lt = content.leeway
    if lt is not None:
        comps = [x for x in lt["component"].unique().tolist() if x not in ("macro", "total")]
        width = 0.8 / len(series)
        for k, (partner, col, name, colour, alpha) in enumerate(series):
            part = lt[lt["partner"] == partner].set_index("component")
            for ax, keys in ((ax1, ["macro", "total"]), (ax3, comps)):
                xs = [i - 0.4 + width * (k + 0.5) for i in range(len(keys))]
                ax.bar(xs, part[col].reindex(keys).astype(float).tolist(), width=width,
                       color=colour, alpha=alpha, label=name if ax is ax1 else None)
        ax1.set_xticks(range(2), ["macro", "total"])
        ax3.set_xticks(range(len(comps)), [x.replace("/", "/\n") for x in comps], fontsize=8)
        top = float(lt[["standalone", "cooperative"]].max().max())
        ax1.set_ylim(0, top * 1.45 if math.isfinite(top) and top > 0 else 1)
        ax1.legend(fontsize=7.5, frameon=False, ncol=2, loc="upper center")
    else:
        for ax in (ax1, ax3):
            ax.text(0.5, 0.5, "not available", ha="center", transform=ax.transAxes)
    ax1.set_title(f"Macro level and total, {t0}", fontsize=10)
    ax1.set_ylabel("leeway (share of freedom of action)")
    ax3.set_title(f"Regions, {t0}: zero-sum shares (micro level)", fontsize=10)
    ax3.set_ylabel("regional leeway")
    lf = content.leeway_forecast
    if lf is not None:
        for partner, colour, who in (("A", COL_A, a), ("B", COL_B, b)):
            for comp, ls in (("total", "-"), ("macro", ":")):
                part = lf[(lf["partner"] == partner) & (lf["component"] == comp)]
                ax2.plot(part["year"], part["value"], ls=ls, color=colour, lw=1.8,
                         label=f"{who} {comp}")
        ax2.legend(fontsize=7.5, frameon=False)
    ax2.set_title("Forecast: mean leeway per year", fontsize=10)
    ax2.set_xlabel("year")
    _years_axis(ax2)
    for ax in (ax1, ax2, ax3):
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"Leeway of {a} and {b} against {c}: alone (t) and cooperating (t′)")
    return fig


def _power_mpl(content: ReportContent) -> Figure:
    import matplotlib.pyplot as plt

    a, b, c = _names(content)
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    pw = content.power
    for ax, idx in zip(axes, ("cinc", "cline", "haushofer"), strict=True):
        part = pw[pw["index"] == idx] if pw is not None else None
        ax.set_title(INDEX_UNITS[idx], fontsize=9.5)
        ax.set_xlabel("year")
        if part is None or part.empty:
            ax.text(0.5, 0.5, "no data", ha="center", transform=ax.transAxes)
            continue
        for state, colour in ((a, COL_A), (b, COL_B), (c, COL_C)):
            s = part[part["stateabb"] == state]
            ax.plot(s["year"], s["power"], color=colour, lw=1.6, label=state)
        ax.grid(alpha=0.3)
        _years_axis(ax)
    axes[0].legend(fontsize=8, frameon=False)
    fig.suptitle(f"Power of {a}, {b} and {c} under three indices")
    return fig


def _gap_mpl(content: ReportContent) -> Figure:
    import matplotlib.pyplot as plt

    a, b, c = _names(content)
    t0 = content.info.t0
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7.5), sharex=True)
    gap = content.gap
    if gap is not None:
        ax1.fill_between(gap["year"], gap["rg_min"].to_numpy(float),
                         gap["rg_max"].to_numpy(float), color="#787878", alpha=0.22, lw=0,
                         label="spread across indices")
        styles = {"solid": "-", "dot": ":", "dash": "--"}
        for idx in ("cinc", "cline", "haushofer"):
            if f"rg_{idx}" in gap.columns:
                ax1.plot(gap["year"], gap[f"rg_{idx}"], color=INDEX_COLOURS[idx],
                         ls=styles[INDEX_DASH[idx]], lw=1.4, label=f"Rg ({idx})")
    _fan_mpl(ax1, content.fan["rg"], content.bands, COL_FORECAST, "forecast Rg")
    pc = content.plane
    if pc is not None and pc.history is not None:
        ax2.plot(pc.history["year"], pc.history["ar"], color=COL_HIST, lw=1.4,
                 label="Ar measured (threat score)")
    _fan_mpl(ax2, content.fan["ar"], content.bands, "#e08214", "forecast Ar")
    for ax in (ax1, ax2):
        ax.axvline(t0, color="#777777", ls=":", lw=1)
        ax.axhline(0, color="#bbbbbb", lw=0.8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        _years_axis(ax)
    ax1.set_ylabel("Rg (doublings since t0)")
    ax1.set_title(f"Rg: the {a}/{b} power ratio relative to {t0}", fontsize=10)
    ax2.set_ylabel("Ar")
    ax2.set_title(f"Ar: {c}'s response relative to {t0}", fontsize=10)
    ax2.set_xlabel("year")
    fig.suptitle("Power gap and adversary response: history and forecast")
    return fig


def _beaufre_mpl(content: ReportContent) -> Figure:
    import matplotlib.pyplot as plt

    a, b, c = _names(content)
    t0 = content.info.t0
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2),
                                   gridspec_kw={"width_ratios": [1.6, 1]})
    _fan_mpl(ax1, content.fan["beaufre"], content.bands, "#542788", "forecast ratio")
    ax1.axhline(1, color="#777777", ls=":", lw=1)
    ax1.set_xlabel("year")
    ax1.set_ylabel("ratio (1 = parity)")
    ax1.set_title("Forecast: (Ψ_A·P_A + Ψ_B·P_B)/(Ψ_C·P_C)", fontsize=10)
    ax1.legend(fontsize=7.5, frameon=False)
    ax1.grid(alpha=0.3)
    _years_axis(ax1)
    st = content.strategy
    if st is not None:
        overall = content.strategy_info.get("tandem_ratio", {}).get("overall", math.nan)
        xs = [*st["domain"].tolist(), "overall"]
        ys = [*st["tandem_ratio"].tolist(), overall]
        ax2.bar(range(len(xs)), ys, color=["#8073ac"] * len(st) + ["#2d004b"])
        ax2.set_xticks(range(len(xs)), xs, fontsize=8, rotation=20)
        ax2.axhline(1, color="#777777", ls=":", lw=1)
    else:
        ax2.text(0.5, 0.5, "not available", ha="center", transform=ax2.transAxes)
    ax2.set_title(f"{t0} by domain: (S_A + S_B)/S_C", fontsize=10)
    pattern = str(content.strategy_info.get("pattern", "")).replace("_", " ")
    fig.suptitle(f"Beaufre's ratio of the {a}–{b} tandem to {c}"
                 + (f" — pattern in {t0}: {pattern}" if pattern else ""))
    return fig


_MPL: dict[str, Callable[[ReportContent], Figure]] = {
    "plane": _plane_mpl, "probabilities": _probabilities_mpl, "leeway": _leeway_mpl,
    "power": _power_mpl, "gap": _gap_mpl, "beaufre": _beaufre_mpl,
}


def check_png_folder(folder: Path) -> None:
    """Fail early if ``folder`` cannot receive the PNGs (its parent must exist)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--png {str(folder)!r} is a file, not a folder",
                         "give a folder for the PNG figures")
    parent = folder.parent if str(folder.parent) else Path(".")
    if not folder.exists() and not parent.is_dir():
        raise InputError(f"folder {str(parent)!r} does not exist",
                         "create it first or choose another --png folder")


def write_pngs(content: ReportContent, folder: Path, dpi: int = 300) -> list[Path]:
    """Write the report's figures as ``<folder>/<key>.png`` (Matplotlib, ``dpi`` dots per
    inch), each atomically; the folder is created if its parent exists. Returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    check_png_folder(folder)
    folder.mkdir(exist_ok=True)
    written = []
    for key, fn in _MPL.items():
        if not _available(content, key):
            continue
        fig = fn(content)
        try:
            if key != "leeway":  # gridspec with a spanning axis: spacing set by hand
                fig.tight_layout()
            path = folder / f"{key}.png"
            def save(p: Path, f: Figure = fig) -> None:
                f.savefig(p, format="png", dpi=dpi, bbox_inches="tight")

            atomic_write(path, save)
            written.append(path)
        finally:
            plt.close(fig)
    return written
