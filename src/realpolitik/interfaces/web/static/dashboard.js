/* realpolitik dashboard: controls → /api/forecast, /api/plane, /api/regions, /api/leeway →
 * Plotly figures and tables.
 *
 * Every number shown comes from the API as it was sent; the page only selects, formats and
 * draws (no model arithmetic here). Stable element ids for tests: #prob-<label> (text: percent
 * with one decimal; data-value: the API's probability at the horizon), #rg-median, #ar-median,
 * #last-request (the JSON body of the last forecast request), #numbers[data-seq] (bumped after
 * each redraw), body[data-state] (loading | busy | ready | error); the leeway panel:
 * #leeway-<component>-<partner>-<kind> (component slugged: "Central Asia" → central-asia;
 * partner A | B; kind standalone | cooperative (/api/leeway's columns) | forecast (the
 * forecast's at_horizon.leeway_mean)) with data-value and data-component, data-partner,
 * data-kind; #leeway-verdict (data-agree, data-plane-label, data-leeway-label, data-reason);
 * #leeway[data-request] (the /api/leeway URL drawn).
 */
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const DEFAULTS = { a: "CHN", b: "RUS", c: "USA", t0: 2022, from: 1992, preset: "status-quo",
    index: "cinc", map: "default" };
  const FIRST_T0 = 1960;
  const LINE_COLOURS = {
    hedging: "#6b6b6b", bandwagoning: "#e6750d", soft_balancing: "#4a90c8",
    hard_balancing: "#0b4f8a", chain_ganging: "#b0202a", buck_passing: "#2e9e4a",
  };
  const LEEWAY_KINDS = [
    { kind: "standalone", title: "alone (t)", colour: "#9db4cc" },
    { kind: "cooperative", title: "together (t′)", colour: "#1f4e79" },
    { kind: "forecast", title: "forecast t′ at the horizon (mean)", colour: "#e08a2c" },
  ];
  const HISTORY = "#b2182b";
  const FORECAST = "#08306b";
  const PLOT_CONFIG = { displayModeBar: false, responsive: true };
  const FONT = { family: "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif",
    size: 12, color: "#1d2530" };

  const state = {
    labels: [], presets: {}, limits: null, touched: {}, seq: 0, drawn: 0,
    planeCache: new Map(), regionCache: new Map(), leewayCache: new Map(), timer: null,
  };

  // ---------------------------------------------------------------------------------------
  async function api(path, options) {
    const resp = await fetch(path, options);
    let body = null;
    try { body = await resp.json(); } catch (_) { body = null; }
    if (!resp.ok) {
      const detail = (body && body.error) || { status: resp.status, message: resp.statusText };
      const err = new Error(detail.message || `HTTP ${resp.status}`);
      err.detail = detail;
      throw err;
    }
    return body;
  }

  function option(value, text) {
    const o = document.createElement("option");
    o.value = String(value);
    o.textContent = text;
    return o;
  }

  function setStatus(text) { $("status").textContent = text; }

  function setBusy(busy) {
    document.body.classList.toggle("busy", busy);
    document.body.setAttribute("aria-busy", busy ? "true" : "false");
    if (busy) { document.body.dataset.state = "busy"; setStatus("Computing…"); }
  }

  function showError(err, context) {
    const box = $("error");
    const d = err.detail || { message: String(err.message || err) };
    box.replaceChildren();
    const head = document.createElement("div");
    if (context) head.append(`${context}: `);
    if (d.field) {
      const f = document.createElement("span");
      f.className = "field";
      f.textContent = `${d.field}`;
      head.append(f, " — ");
    }
    head.append(d.message || "error");
    box.append(head);
    if (d.hint) {
      const h = document.createElement("span");
      h.className = "hint";
      h.textContent = d.hint;
      box.append(h);
    }
    box.dataset.field = d.field || "";
    box.dataset.status = d.status || "";
    box.hidden = false;
  }

  function clearError() { $("error").hidden = true; $("error").replaceChildren(); }

  function decimals(step) {
    const s = String(step);
    return s.includes(".") ? s.split(".")[1].length : 0;
  }

  function fmt(value, digits, signed) {
    if (value === null || value === undefined) return "—";
    const text = Number(value).toFixed(digits);
    return signed && value >= 0 ? `+${text}` : text;
  }

  function sliderId(key) { return `slider-${key.replace(/\./g, "-")}`; }

  function slug(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function labelTitle(name) {
    const l = state.labels.find((x) => x.name === name);
    return l ? l.title : String(name).replace(/_/g, " ");
  }

  function presetMap(name) {
    const p = state.presets[name];
    const rm = p && p.scenario && p.scenario.region_map;
    return (rm && rm.base) || "default";
  }

  // ---------------------------------------------------------------------------------------
  // controls
  function fillStates(payload) {
    const majors = new Set(payload.majors);
    for (const id of ["sel-a", "sel-b", "sel-c"]) {
      const sel = $(id);
      sel.replaceChildren();
      const g1 = document.createElement("optgroup");
      g1.label = "Major powers";
      const g2 = document.createElement("optgroup");
      g2.label = "All states";
      for (const s of payload.states) {
        const o = option(s.abb, `${s.abb} — ${s.name}`);
        (majors.has(s.abb) ? g1 : g2).append(o);
      }
      sel.append(g1, g2);
    }
    $("sel-a").value = DEFAULTS.a;
    $("sel-b").value = DEFAULTS.b;
    $("sel-c").value = DEFAULTS.c;
  }

  function fillYears() {
    const t0 = $("sel-t0");
    for (let y = DEFAULTS.t0; y >= FIRST_T0; y -= 1) t0.append(option(y, String(y)));
    t0.value = String(DEFAULTS.t0);
    const from = $("sel-from");
    for (const y of [1950, 1970, 1980, 1992, 2000, 2010]) from.append(option(y, String(y)));
    from.value = String(DEFAULTS.from);
  }

  function fillPresets(payload) {
    const sel = $("sel-preset");
    for (const p of payload.presets) {
      state.presets[p.name] = p;
      sel.append(option(p.name, p.name.replace(/-/g, " ")));
    }
    sel.value = DEFAULTS.preset;
  }

  function buildSliders() {
    const preset = state.presets[$("sel-preset").value];
    $("preset-description").textContent = preset.description || "";
    const box = $("sliders");
    box.replaceChildren();
    state.touched = {};
    for (const p of preset.parameters) {
      const wrap = document.createElement("div");
      wrap.className = "slider";
      wrap.dataset.key = p.key;
      const head = document.createElement("div");
      head.className = "slider-head";
      const label = document.createElement("label");
      label.htmlFor = sliderId(p.key);
      label.textContent = p.title;
      const out = document.createElement("output");
      out.id = `${sliderId(p.key)}-value`;
      head.append(label, out);
      const input = document.createElement("input");
      input.type = "range";
      input.id = sliderId(p.key);
      input.min = String(p.min);
      input.max = String(p.max);
      input.step = String(p.step);
      input.dataset.key = p.key;
      input.dataset.digits = String(decimals(p.step));
      input.value = String(p.value === null ? 0 : p.value);
      input.dataset.estimated = p.value === null ? "1" : "";
      out.textContent = p.value === null ? "from data" : fmt(Number(input.value),
        decimals(p.step));
      input.addEventListener("input", () => {
        state.touched[p.key] = true;
        wrap.classList.add("touched");
        input.dataset.estimated = "";
        out.textContent = fmt(Number(input.value), Number(input.dataset.digits));
        schedule(300);
      });
      wrap.append(head, input);
      box.append(wrap);
    }
  }

  function showEstimates(fc) {
    // Sliders the user has not moved and whose preset value is estimated from data show
    // the estimate the server used.
    for (const input of document.querySelectorAll("#sliders input[type=range]")) {
      const key = input.dataset.key;
      if (state.touched[key] || input.dataset.estimated !== "1") continue;
      const m = /^growth\.([ABC])\.drift$/.exec(key);
      if (!m || !fc.estimates[m[1]]) continue;
      const value = fc.estimates[m[1]].drift;
      input.value = String(value);
      $(`${input.id}-value`).textContent = `${fmt(value, 4, true)} (data)`;
    }
  }

  function buildRequest() {
    const req = {
      preset: $("sel-preset").value,
      a: $("sel-a").value,
      b: $("sel-b").value,
      c: $("sel-c").value,
      t0: Number($("sel-t0").value),
      index: $("sel-index").value,
      overrides: {},
    };
    // the region map is a scenario key: sent only when it differs from the preset's
    const map = $("sel-map").value;
    if (map !== presetMap(req.preset)) req.overrides["region_map.base"] = map;
    for (const input of document.querySelectorAll("#sliders input[type=range]")) {
      const key = input.dataset.key;
      if (!state.touched[key]) continue;
      const value = Number(input.value);
      if (key === "horizon" || key === "trajectories") req[key] = value;
      else req.overrides[key] = value;
    }
    return req;
  }

  function schedule(delay) {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => { state.timer = null; update(); }, delay);
  }

  // ---------------------------------------------------------------------------------------
  // data
  function planeQuery(req) {
    const from = Math.min(Number($("sel-from").value), req.t0);
    const q = new URLSearchParams({ a: req.a, b: req.b, c: req.c, base: String(req.t0),
      from: String(from), to: String(req.t0), index: req.index, map: $("sel-map").value });
    return `/api/plane?${q}`;
  }

  function leewayQuery(req) {
    const q = new URLSearchParams({ a: req.a, b: req.b, c: req.c, year: String(req.t0),
      index: req.index, map: $("sel-map").value });
    return `/api/leeway?${q}`;
  }

  async function cached(cache, url) {
    if (!cache.has(url)) {
      const p = api(url);
      cache.set(url, p);
      p.catch(() => cache.delete(url));
    }
    return cache.get(url);
  }

  function unionBox(boxes) {
    const ok = boxes.filter(Boolean);
    return [
      [Math.min(...ok.map((b) => b[0][0])), Math.max(...ok.map((b) => b[0][1]))],
      [Math.min(...ok.map((b) => b[1][0])), Math.max(...ok.map((b) => b[1][1]))],
    ];
  }

  async function update() {
    const seq = ++state.seq;
    const req = buildRequest();
    $("last-request").textContent = JSON.stringify(req);
    setBusy(true);
    try {
      const map = $("sel-map").value;
      const leewayUrl = leewayQuery(req);
      const [plane, fc, leeway] = await Promise.allSettled([
        cached(state.planeCache, planeQuery(req)),
        api("/api/forecast", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify(req) }),
        cached(state.leewayCache, leewayUrl),
      ]);
      if (seq !== state.seq) return;
      if (fc.status === "rejected") throw fc.reason;
      const history = plane.status === "fulfilled" ? plane.value : null;
      const box = unionBox([history && history.box, fc.value.box]);
      const rq = new URLSearchParams({ map, rg_min: box[0][0], rg_max: box[0][1],
        ar_min: box[1][0], ar_max: box[1][1] });
      const regions = await cached(state.regionCache, `/api/regions?${rq}`);
      if (seq !== state.seq) return;
      await draw(history, fc.value, regions, box);
      if (seq !== state.seq) return;
      showNumbers(fc.value);
      showEstimates(fc.value);
      showMeasures(req, fc.value);
      await showLeeway(leeway.status === "fulfilled" ? leeway.value : null, fc.value,
        leeway.status === "rejected" ? leeway.reason : null, leewayUrl);
      if (seq !== state.seq) return;
      if (plane.status === "rejected") showError(plane.reason, "history unavailable");
      else clearError();
      state.drawn = seq;
      $("leeway").dataset.seq = String(seq);
      $("numbers").dataset.seq = String(seq);
      document.body.dataset.state = "ready";
      const names = fc.value.names;
      setStatus(`${names.a}–${names.b} vs ${names.c}, t0 ${fc.value.t0}: up to date`);
    } catch (err) {
      if (seq !== state.seq) return;
      showError(err);
      document.body.dataset.state = "error";
      setStatus("Error — see the message on the left");
    } finally {
      if (seq === state.seq) setBusy(false);
      if (seq === state.seq && document.body.dataset.state === "busy") {
        document.body.dataset.state = "ready";
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // numbers
  function buildCards() {
    const cards = $("cards");
    cards.replaceChildren();
    for (const l of state.labels) {
      const card = document.createElement("div");
      card.className = "card";
      card.id = `card-${l.name}`;
      card.style.setProperty("--card-colour", LINE_COLOURS[l.name]);
      const title = document.createElement("div");
      title.className = "card-title";
      title.textContent = `${l.essay_number} · ${l.title}`;
      const value = document.createElement("div");
      value.className = "card-value";
      value.id = `prob-${l.name}`;
      value.textContent = "—";
      card.append(title, value);
      cards.append(card);
    }
  }

  function showNumbers(fc) {
    const h = fc.at_horizon;
    $("num-horizon").textContent = String(h.year);
    let lead = null;
    for (const l of state.labels) {
      const p = h.probability[l.name];
      const el = $(`prob-${l.name}`);
      el.textContent = `${fmt(p * 100, 1)} %`;
      el.dataset.value = String(p);
      if (lead === null || p > h.probability[lead]) lead = l.name;
    }
    for (const l of state.labels) {
      $(`card-${l.name}`).classList.toggle("lead", l.name === lead);
    }
    const rg = h.rg_quantile["0.5"];
    const ar = h.ar_quantile["0.5"];
    $("rg-median").textContent = fmt(rg, 2, true);
    $("rg-median").dataset.value = String(rg);
    $("ar-median").textContent = fmt(ar, 2, true);
    $("ar-median").dataset.value = String(ar);
    const e = fc.estimates;
    $("drifts").textContent = ["A", "B", "C"].map((r) => fmt(e[r].drift, 4, true)).join(", ");
    $("num-meta").textContent = `${fc.names.a}–${fc.names.b} vs ${fc.names.c} · t0 ${fc.t0} · ` +
      `${fc.n_trajectories.toLocaleString("en")} trajectories · seed ${fc.seed} · ` +
      `preset ${fc.scenario.name} · index ${fc.scenario.index} · ` +
      `${(fc.scenario.region_map || {}).base || "default"} map`;
    const t = fc.timings || {};
    $("timing").textContent = t.simulate_seconds !== undefined
      ? `simulated in ${fmt(t.simulate_seconds * 1000, 0)} ms` : "";
  }

  function showMeasures(req, fc) {
    // Say so if the forecast did not run with the index and map chosen (never ignore them
    // silently).
    const note = $("measures-note");
    const ranMap = (fc.scenario.region_map || {}).base || "default";
    const wanted = $("sel-map").value;
    const problems = [];
    if (fc.scenario.index !== req.index) {
      problems.push(`the forecast ran with the ${fc.scenario.index} index, not ${req.index}`);
    }
    if (ranMap !== wanted) problems.push(`the forecast ran with the ${ranMap} map, not ${wanted}`);
    note.classList.toggle("warn", problems.length > 0);
    note.dataset.mismatch = problems.length ? "1" : "";
    note.textContent = problems.length ? `Note: ${problems.join("; ")}.`
      : (wanted === "default"
        ? "The index measures power in the history, the forecast and the leeway game; the " +
          "map classifies the history, the forecast's outcomes and the leeway verdict."
        : `The ${wanted} map classifies the history, the forecast's outcomes (scenario key ` +
          `region_map.base = ${wanted}) and the leeway verdict.`);
  }

  function leewayComponents(payload) {
    const seen = [];
    for (const r of payload.rows) if (!seen.includes(r.component)) seen.push(r.component);
    return seen;
  }

  function leewayCell(component, partner, kind, value) {
    const td = document.createElement("td");
    td.id = `leeway-${slug(component)}-${partner}-${kind}`;
    td.className = `num ${kind}`;
    td.dataset.component = component;
    td.dataset.partner = partner;
    td.dataset.kind = kind;
    td.dataset.value = value === null || value === undefined ? "" : String(value);
    td.textContent = fmt(value, 3);
    return td;
  }

  async function showLeeway(payload, fc, error, url) {
    const box = $("leeway-error");
    const section = $("leeway");
    section.dataset.request = url;
    section.classList.toggle("unavailable", !payload);
    if (!payload) {
      $("leeway-year").textContent = String(fc.t0);
      $("leeway-meta").textContent = "";
      const d = (error && error.detail) || { message: String((error && error.message) || error) };
      box.textContent = `leeway unavailable: ${d.field ? `${d.field} — ` : ""}${d.message}` +
        (d.hint ? ` (${d.hint})` : "");
      box.hidden = false;
      $("leeway-rows").replaceChildren();
      $("leeway-verdict").textContent = "—";
      $("leeway-verdict").dataset.agree = "";
      Plotly.purge($("plot-leeway"));
      return;
    }
    box.hidden = true;
    box.replaceChildren();
    const names = { A: fc.names.a, B: fc.names.b };
    for (const r of payload.rows) names[r.partner] = r.stateabb;
    const horizon = fc.at_horizon.leeway_mean || null;
    $("leeway-year").textContent = String(payload.year);
    $("leeway-head-A").textContent = `A: ${names.A}`;
    $("leeway-head-B").textContent = `B: ${names.B}`;
    for (const th of document.querySelectorAll("#leeway-table .fc-head")) {
      th.textContent = `forecast t′ ${fc.at_horizon.year}`;
    }
    $("leeway-meta").textContent = `${names.A}–${names.B} vs ${fc.names.c} · index ` +
      `${payload.index} · ${payload.map} map · forecast: mean of ` +
      `${fc.n_trajectories.toLocaleString("en")} trajectories in ${fc.at_horizon.year}`;
    // the table: one row per component, alone / together / forecast for A then B
    const byKey = new Map(payload.rows.map((r) => [`${r.partner}|${r.component}`, r]));
    const tbody = $("leeway-rows");
    tbody.replaceChildren();
    const components = leewayComponents(payload);
    for (const comp of components) {
      const tr = document.createElement("tr");
      if (comp === "total" || comp === "macro") tr.className = comp;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = comp;
      tr.append(th);
      for (const p of ["A", "B"]) {
        const row = byKey.get(`${p}|${comp}`) || {};
        tr.append(leewayCell(comp, p, "standalone", row.standalone));
        tr.append(leewayCell(comp, p, "cooperative", row.cooperative));
        const fcv = horizon && horizon[p] ? horizon[p][comp] : undefined;
        tr.append(leewayCell(comp, p, "forecast", fcv));
      }
      tbody.append(tr);
    }
    // the verdict: the plane's label vs the leeway game's, from the consistency report
    const c = (payload.consistency || [])[0];
    const v = $("leeway-verdict");
    v.replaceChildren();
    if (c) {
      const mark = document.createElement("b");
      mark.className = c.agree ? "agree" : "disagree";
      mark.textContent = c.agree ? "✓ agree" : "✗ disagree";
      const sub = (text) => {
        const el = document.createElement("sub");
        el.textContent = text;
        return el;
      };
      v.append(mark, ` — the plane says ${labelTitle(c.plane_label)} (Rg ` +
        `${fmt(c.rg, 2, true)}, Ar ${fmt(c.ar, 2, true)}, ${payload.map} map), the leeway ` +
        `game ${labelTitle(c.leeway_label)}: ${c.reason}. Net gain from cooperating: N`,
      sub("A"), ` ${fmt(c.net_a, 3, true)}, N`, sub("B"), ` ${fmt(c.net_b, 3, true)}.`);
      v.dataset.agree = c.agree ? "true" : "false";
      v.dataset.planeLabel = c.plane_label;
      v.dataset.leewayLabel = c.leeway_label;
      v.dataset.reason = c.reason;
    } else {
      v.textContent = "no consistency report";
      v.dataset.agree = "";
    }
    const [traces, layout] = leewayFigure(payload, components, byKey, horizon, names);
    await Plotly.react($("plot-leeway"), traces, layout, PLOT_CONFIG);
  }

  function leewayFigure(payload, components, byKey, horizon, names) {
    // 2 × 2 horizontal grouped bars: columns partner A | B, rows macro level and total |
    // the regions (their scales differ by an order of magnitude).
    const top = components.filter((c) => c === "macro" || c === "total");
    const bottom = components.filter((c) => c !== "macro" && c !== "total");
    const show = (c) => (c.includes("/") ? c.replace("/", "/<br>") : c);
    const traces = [];
    const cells = [["A", "", "", top], ["B", "2", "2", top], ["A", "3", "3", bottom],
      ["B", "4", "4", bottom]];
    for (const [p, xs, ys, comps] of cells) {
      if (!comps.length) continue;
      for (const k of LEEWAY_KINDS) {
        const value = (comp) => {
          if (k.kind === "forecast") return horizon && horizon[p] ? horizon[p][comp] : null;
          const row = byKey.get(`${p}|${comp}`);
          return row ? row[k.kind] : null;
        };
        traces.push({
          type: "bar", orientation: "h", name: k.title, legendgroup: k.kind,
          showlegend: p === "A" && xs === "", xaxis: `x${xs}`, yaxis: `y${ys}`,
          y: comps.map(show), x: comps.map(value),
          marker: { color: k.colour }, customdata: comps,
          hovertemplate: `${names[p]} · %{customdata} · ${k.title}: %{x:.4f}<extra></extra>`,
        });
      }
    }
    const axis = (domain, anchor, extra) => ({ domain, anchor, zeroline: true,
      zerolinecolor: "#888", gridcolor: "#eceff3", automargin: true, ...extra });
    const topDomain = [0.77, 1];
    const bottomDomain = [0, 0.62];
    const layout = {
      font: FONT,
      margin: { l: 10, r: 14, t: 30, b: 70 },
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
      barmode: "group", bargap: 0.22, bargroupgap: 0.05,
      hovermode: "closest",
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.13, yanchor: "top",
        font: { size: 11 }, traceorder: "normal" },
      xaxis: axis([0, 0.47], "y", {}),
      xaxis2: axis([0.53, 1], "y2", { matches: "x" }),
      xaxis3: axis([0, 0.47], "y3", { title: { text: "leeway (lu)" } }),
      xaxis4: axis([0.53, 1], "y4", { matches: "x3", title: { text: "leeway (lu)" } }),
      yaxis: axis(topDomain, "x", { autorange: "reversed", tickfont: { size: 11 } }),
      yaxis2: axis(topDomain, "x2", { autorange: "reversed", matches: "y",
        showticklabels: false }),
      yaxis3: axis(bottomDomain, "x3", { autorange: "reversed", tickfont: { size: 11 } }),
      yaxis4: axis(bottomDomain, "x4", { autorange: "reversed", matches: "y3",
        showticklabels: false }),
      annotations: [
        { text: `<b>A: ${names.A}</b>`, xref: "x domain", yref: "paper", x: 0.5, y: 1.0,
          yanchor: "bottom", showarrow: false, font: { size: 13 } },
        { text: `<b>B: ${names.B}</b>`, xref: "x2 domain", yref: "paper", x: 0.5, y: 1.0,
          yanchor: "bottom", showarrow: false, font: { size: 13 } },
        { text: "regions (micro level)", xref: "paper", yref: "paper", x: 0, xanchor: "left",
          y: bottomDomain[1] + 0.015, yanchor: "bottom", showarrow: false,
          font: { size: 11, color: "#5f6b7a" } },
      ],
    };
    return [traces, layout];
  }

  // ---------------------------------------------------------------------------------------
  // figures
  function baseLayout(title, xtitle, ytitle) {
    return {
      title: { text: title, x: 0.02, xanchor: "left", font: { size: 14 } },
      font: FONT,
      margin: { l: 58, r: 14, t: 38, b: 92 },
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      xaxis: { title: { text: xtitle }, zeroline: false, gridcolor: "#eceff3" },
      yaxis: { title: { text: ytitle }, zeroline: false, gridcolor: "#eceff3" },
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.26, yanchor: "top",
        font: { size: 11 }, traceorder: "normal" },
      hovermode: "closest",
    };
  }

  function q(fc, name, level) { return fc[name][String(level)]; }

  function crosshairs(fc, lo, hi) {
    const x = [];
    const y = [];
    const rgLo = q(fc, "rg_quantile", lo);
    const rgHi = q(fc, "rg_quantile", hi);
    const arLo = q(fc, "ar_quantile", lo);
    const arHi = q(fc, "ar_quantile", hi);
    const rgMed = q(fc, "rg_quantile", 0.5);
    const arMed = q(fc, "ar_quantile", 0.5);
    fc.years.forEach((_, i) => {
      if (i === 0) return;
      x.push(rgLo[i], rgHi[i], null, rgMed[i], rgMed[i], null);
      y.push(arMed[i], arMed[i], null, arLo[i], arHi[i], null);
    });
    return { x, y };
  }

  function planeFigure(history, fc, regions, box) {
    const traces = [];
    const annotations = [];
    for (const l of state.labels) {
      const polys = regions.polygons[l.name] || [];
      polys.forEach((poly, k) => {
        traces.push({
          type: "scatter", mode: "lines", fill: "toself", hoverinfo: "name",
          x: [...poly.map((p) => p[0]), poly[0][0]], y: [...poly.map((p) => p[1]), poly[0][1]],
          name: l.title, showlegend: false,
          fillcolor: l.colour, line: { color: l.colour, width: 0.5 },
        });
        if (k === 0 && regions.anchors[l.name]) {
          const [ax, ay] = regions.anchors[l.name];
          annotations.push({ x: ax, y: ay, text: l.title, showarrow: false,
            font: { size: 11, color: "#3a3a3a" } });
        }
      });
    }
    if (history) {
      const rows = history.rows.filter((r) => r.rg !== null && r.ar !== null);
      traces.push({
        type: "scatter", mode: "lines+markers", name: `history ${rows.length ? rows[0].year : ""}–${history.base}`,
        x: rows.map((r) => r.rg), y: rows.map((r) => r.ar),
        text: rows.map((r) => `${r.year}: ${r.label || "unclassified"}`), hoverinfo: "text",
        line: { color: HISTORY, width: 1.5 }, marker: { size: 5, color: HISTORY },
      });
    }
    const wide = crosshairs(fc, 0.05, 0.95);
    traces.push({ type: "scatter", mode: "lines", name: "5–95 %", x: wide.x, y: wide.y,
      hoverinfo: "skip", line: { color: "rgba(8,48,107,0.22)", width: 1 } });
    const mid = crosshairs(fc, 0.25, 0.75);
    traces.push({ type: "scatter", mode: "lines", name: "25–75 %", x: mid.x, y: mid.y,
      hoverinfo: "skip", line: { color: "rgba(8,48,107,0.5)", width: 2.5 } });
    traces.push({
      type: "scatter", mode: "lines+markers", name: `median ${fc.t0}–${fc.horizon}`,
      x: q(fc, "rg_quantile", 0.5), y: q(fc, "ar_quantile", 0.5),
      text: fc.years.map((y) => `${y} (median)`), hoverinfo: "text",
      line: { color: FORECAST, width: 2, dash: "dot" }, marker: { size: 5, color: FORECAST },
    });
    traces.push({ type: "scatter", mode: "markers", name: `origin: t0 ${fc.t0}`, x: [0],
      y: [0], hoverinfo: "name", marker: { symbol: "star", size: 14, color: "#000" } });
    const layout = baseLayout(`Alignment plane: ${fc.names.a}–${fc.names.b} vs ${fc.names.c}` +
      ` (${regions.map.name} map)`, "Rg: power gap since t0", "Ar: adversary's response");
    layout.xaxis.range = box[0];
    layout.yaxis.range = box[1];
    layout.annotations = annotations;
    layout.legend.y = -0.2;
    layout.margin.b = 84;
    return [traces, layout];
  }

  function probabilityFigure(fc) {
    const traces = state.labels.map((l) => ({
      type: "scatter", mode: "lines", name: l.title, x: fc.years, y: fc.probability[l.name],
      line: { color: LINE_COLOURS[l.name], width: 2.2 },
      hovertemplate: `${l.title} %{x}: %{y:.3f}<extra></extra>`,
    }));
    const layout = baseLayout(`Probability of each outcome, ${fc.t0}–${fc.horizon}`, "year",
      "probability");
    layout.yaxis.range = [0, 1];
    return [traces, layout];
  }

  function fanFigure(history, fc, key, title, ytitle) {
    const name = `${key}_quantile`;
    const traces = [];
    const band = (lo, hi, colour, label) => {
      traces.push({ type: "scatter", mode: "lines", x: fc.years, y: q(fc, name, lo),
        line: { width: 0, color: colour }, hoverinfo: "skip", showlegend: false });
      traces.push({ type: "scatter", mode: "lines", x: fc.years, y: q(fc, name, hi),
        fill: "tonexty", fillcolor: colour, line: { width: 0, color: colour }, name: label,
        hoverinfo: "skip" });
    };
    band(0.05, 0.95, "rgba(66,146,198,0.22)", "forecast 5–95 %");
    band(0.25, 0.75, "rgba(33,113,181,0.38)", "forecast 25–75 %");
    traces.push({ type: "scatter", mode: "lines", name: "forecast median", x: fc.years,
      y: q(fc, name, 0.5), line: { color: FORECAST, width: 2 },
      hovertemplate: "%{x}: %{y:.3f}<extra>median</extra>" });
    if (history) {
      const rows = history.rows.filter((r) => r[key] !== null);
      traces.push({ type: "scatter", mode: "lines+markers", name: "history",
        x: rows.map((r) => r.year), y: rows.map((r) => r[key]),
        line: { color: HISTORY, width: 1.5 }, marker: { size: 4, color: HISTORY },
        hovertemplate: "%{x}: %{y:.3f}<extra>history</extra>" });
    }
    const layout = baseLayout(title, "year", ytitle);
    layout.shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 0, y1: 0,
      line: { color: "#888", width: 1, dash: "dot" } }];
    return [traces, layout];
  }

  async function draw(history, fc, regions, box) {
    const figures = [
      ["plot-plane", planeFigure(history, fc, regions, box)],
      ["plot-probability", probabilityFigure(fc)],
      ["plot-rg", fanFigure(history, fc, "rg", `Power gap Rg: ${fc.names.a} over ${fc.names.b}`,
        "Rg (1 = ratio doubled since t0)")],
      ["plot-ar", fanFigure(history, fc, "ar", `Adversary's response Ar: ${fc.names.c}`,
        "Ar (0 = level at t0)")],
    ];
    await Promise.all(figures.map(([id, [traces, layout]]) =>
      Plotly.react($(id), traces, layout, PLOT_CONFIG)));
  }

  // ---------------------------------------------------------------------------------------
  async function init() {
    fillYears();
    try {
      const [labels, presets, states] = await Promise.all([
        api("/api/labels"), api("/api/presets"), api(`/api/states?year=${DEFAULTS.t0}&limit=500`),
      ]);
      state.labels = labels.labels;
      state.limits = presets.limits;
      fillStates(states);
      fillPresets(presets);
      $("sel-index").value = DEFAULTS.index;
      $("sel-map").value = DEFAULTS.map;
      buildCards();
      buildSliders();
    } catch (err) {
      showError(err, "could not load the dashboard");
      document.body.dataset.state = "error";
      setStatus("Error");
      return;
    }
    for (const id of ["sel-a", "sel-b", "sel-c", "sel-t0", "sel-from", "sel-index",
      "sel-map"]) {
      $(id).addEventListener("change", () => schedule(0));
    }
    $("sel-preset").addEventListener("change", () => { buildSliders(); schedule(0); });
    $("reset").addEventListener("click", () => { buildSliders(); schedule(0); });
    update();
  }

  if (typeof Plotly === "undefined") {
    document.addEventListener("DOMContentLoaded", () => {
      showError(new Error("Plotly did not load from /static/plotly.min.js"));
    });
  } else {
    init();
  }
})();
