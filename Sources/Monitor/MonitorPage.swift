// Generated from web/monitor.html by `make web`; a test keeps the two identical.

/// The live page served at `/`: plain HTML, CSS and JavaScript, no external resources.
public enum MonitorPage {
  /// The page text.
  public static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,">
    <title>whitlockd live</title>
    <style>
      :root { --bg: #0f1419; --panel: #1a222c; --text: #e6edf3; --muted: #8b98a5; --raman: #5ab0ff;
              --xrf: #ffb454; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --band: #c678dd; }
      * { box-sizing: border-box; }
      body { margin: 0; background: var(--bg); color: var(--text);
             font: 16px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
      header { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; padding: .6rem 1rem;
               background: var(--panel); border-bottom: 1px solid #2d3742; }
      header h1 { font-size: 1.3rem; margin: 0; }
      .badge { padding: .15rem .6rem; border-radius: 1rem; font-weight: 600; font-size: .95rem; }
      .open { background: var(--ok); color: #000; } .opening { background: var(--warn); color: #000; }
      .failed, .closed, .down { background: var(--bad); color: #000; }
      main { display: grid; grid-template-columns: 2fr 1fr; gap: .8rem; padding: .8rem; }
      section { background: var(--panel); border-radius: .5rem; padding: .6rem .8rem; min-width: 0; }
      section h2 { margin: 0 0 .3rem; font-size: 1.05rem; color: var(--muted); font-weight: 600; }
      canvas { width: 100%; height: 260px; display: block; }
      .big { font-size: 2.6rem; font-weight: 700; letter-spacing: .02em; }
      .raman { color: var(--raman); } .xrf { color: var(--xrf); }
      .muted { color: var(--muted); }
      .numbers { display: flex; gap: 2rem; align-items: baseline; flex-wrap: wrap; }
      form { display: grid; grid-template-columns: auto 1fr; gap: .4rem .6rem; align-items: center; }
      input { background: #0d1117; color: var(--text); border: 1px solid #30363d; border-radius: .3rem;
              padding: .35rem .5rem; font-size: 1rem; min-width: 0; }
      button { font-size: 1rem; padding: .45rem .9rem; border-radius: .3rem; border: 0; cursor: pointer;
               font-weight: 600; }
      .start { background: var(--ok); } .stop { background: var(--bad); }
      #run-message { min-height: 1.4em; }
      @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
    </style>
    </head>
    <body data-events="0" data-connected="false">
    <header>
      <h1>whitlockd live</h1>
      <span id="connection" class="badge down">connecting…</span>
      <span id="run">run: –</span>
      <span id="instruments"></span>
    </header>
    <main>
      <section>
        <h2>Raman spectrum <span id="raman-meta" class="muted"></span></h2>
        <canvas id="raman-canvas" data-points="0" width="1200" height="320"></canvas>
        <div class="numbers">
          <div><div class="muted">whitlockite fraction A970/(A960+A970)</div>
            <div id="fraction" class="big raman">–</div></div>
          <div><div class="muted">phosphate</div><div id="phosphate" class="big">–</div></div>
          <div><div class="muted">verdict</div><div id="verdict" class="big">–</div></div>
        </div>
      </section>
      <section>
        <h2>Whitlockite fraction over time</h2>
        <canvas id="trend-canvas" data-points="0" width="600" height="320"></canvas>
        <div class="muted">last <span id="trend-count">0</span> Raman acquisitions (points with ±1σ)</div>
      </section>
      <section>
        <h2>XRF spectrum <span id="xrf-meta" class="muted"></span></h2>
        <canvas id="xrf-canvas" data-points="0" width="1200" height="320"></canvas>
        <div class="numbers">
          <div><div class="muted">Mg/Ca</div><div id="mgca" class="big xrf">–</div></div>
        </div>
      </section>
      <section>
        <h2>Run control</h2>
        <form id="run-form" autocomplete="off">
          <label for="token">Token</label><input id="token" type="password" autocomplete="current-password" placeholder="bearer token">
          <label for="sample">Sample id</label><input id="sample" pattern="[A-Za-z0-9_\-][A-Za-z0-9._\-]{0,63}" placeholder="e.g. B-2024-017">
          <label for="operator">Operator</label><input id="operator" maxlength="64">
          <label for="point">Point id</label><input id="point" pattern="[A-Za-z0-9_\-][A-Za-z0-9._\-]{0,63}">
          <span></span>
          <span><button type="submit" class="start">Start run</button>
            <button type="button" id="stop" class="stop">Stop run</button></span>
        </form>
        <p id="run-message" class="muted"></p>
        <p class="muted">Research use only: measurements with uncertainties, not a diagnosis.</p>
      </section>
    </main>
    <script>
    "use strict";
    const state = { events: 0, instruments: {}, trend: [] };
    const $ = (id) => document.getElementById(id);
    const fmt = (v, d = 3) => (typeof v === "number" && isFinite(v)) ? v.toFixed(d) : "–";

    function drawSpectrum(canvas, spectrum, color, markers) {
      const ctx = canvas.getContext("2d");
      const w = canvas.width, h = canvas.height, pad = 36;
      ctx.clearRect(0, 0, w, h);
      const xs = spectrum.axis, ys = spectrum.counts;
      if (!xs || !ys || xs.length < 2) { canvas.dataset.points = "0"; return; }
      let x0 = Math.min(xs[0], xs[xs.length - 1]), x1 = Math.max(xs[0], xs[xs.length - 1]);
      let y0 = Infinity, y1 = -Infinity;
      for (const y of ys) { if (y < y0) y0 = y; if (y > y1) y1 = y; }
      if (y1 <= y0) y1 = y0 + 1;
      const px = (x) => pad + (x - x0) / (x1 - x0) * (w - 2 * pad);
      const py = (y) => h - pad - (y - y0) / (y1 - y0) * (h - 2 * pad);
      ctx.strokeStyle = "#2d3742"; ctx.fillStyle = "#8b98a5"; ctx.font = "16px system-ui";
      ctx.beginPath(); ctx.moveTo(pad, h - pad); ctx.lineTo(w - pad, h - pad); ctx.stroke();
      for (let i = 0; i <= 5; i++) {
        const x = x0 + (x1 - x0) * i / 5;
        ctx.fillText(x.toFixed(x1 - x0 > 50 ? 0 : 1), px(x) - 12, h - pad + 20);
      }
      ctx.fillText(spectrum.unit || "", w - pad - 40, pad - 10);
      markers.forEach((m, index) => {
        if (!(m.x >= x0 && m.x <= x1)) return;
        ctx.strokeStyle = "#c678dd"; ctx.setLineDash([6, 4]);
        ctx.beginPath(); ctx.moveTo(px(m.x), pad); ctx.lineTo(px(m.x), h - pad); ctx.stroke();
        ctx.setLineDash([]); ctx.fillStyle = "#c678dd";
        ctx.fillText(m.label, px(m.x) + 4, pad + 14 + 18 * index);
      });
      ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
      for (let i = 0; i < xs.length; i++) {
        const X = px(xs[i]), Y = py(ys[i]);
        if (i === 0) ctx.moveTo(X, Y); else ctx.lineTo(X, Y);
      }
      ctx.stroke(); ctx.lineWidth = 1;
      canvas.dataset.points = String(xs.length);
    }

    function drawTrend() {
      const canvas = $("trend-canvas"), ctx = canvas.getContext("2d");
      const w = canvas.width, h = canvas.height, pad = 36, n = state.trend.length;
      ctx.clearRect(0, 0, w, h);
      ctx.strokeStyle = "#2d3742"; ctx.fillStyle = "#8b98a5"; ctx.font = "16px system-ui";
      for (const f of [0, 0.5, 1]) {
        const y = h - pad - f * (h - 2 * pad);
        ctx.beginPath(); ctx.moveTo(pad, y); ctx.lineTo(w - pad, y); ctx.stroke();
        ctx.fillText(f.toFixed(1), 4, y + 5);
      }
      const px = (i) => pad + (n < 2 ? 0 : i / (n - 1)) * (w - 2 * pad);
      const py = (f) => h - pad - Math.max(0, Math.min(1, f)) * (h - 2 * pad);
      state.trend.forEach((p, i) => {
        if (p.sigma > 0) {
          ctx.strokeStyle = "rgba(90,176,255,.35)";
          ctx.beginPath(); ctx.moveTo(px(i), py(p.f - p.sigma)); ctx.lineTo(px(i), py(p.f + p.sigma)); ctx.stroke();
        }
        ctx.fillStyle = "#5ab0ff"; ctx.beginPath(); ctx.arc(px(i), py(p.f), 3, 0, 2 * Math.PI); ctx.fill();
      });
      canvas.dataset.points = String(n);
      $("trend-count").textContent = String(n);
    }

    function renderInstruments() {
      const box = $("instruments");
      box.textContent = "";
      for (const [id, s] of Object.entries(state.instruments)) {
        const b = document.createElement("span");
        b.className = "badge " + s;
        b.textContent = id + ": " + s;
        b.style.marginRight = ".5rem";
        box.appendChild(b);
      }
    }

    function onAcquisition(e) {
      const kind = e.instrument.kind, d = e.detection || {};
      const meta = e.instrument.id + " #" + e.device_seq + " · " + e.spectrum.channels + " ch · " + e.time;
      if (kind === "raman") {
        const p = d.parameters || {};
        drawSpectrum($("raman-canvas"), e.spectrum, "#5ab0ff", [
          { x: p.hap_centre_cm1, label: "HAP" }, { x: p.whitlockite_centre_cm1, label: "WH" }]);
        $("raman-meta").textContent = meta;
        const f = d.whitlockite_fraction;
        $("fraction").textContent = typeof f === "number" ? fmt(f) + " ± " + fmt(d.whitlockite_fraction_sigma) : "n/a";
        $("phosphate").textContent = d.phosphate_detected === true ? "detected" : d.phosphate_detected === false ? "none" : "–";
        const verdict = d.verdict || d.whitlockite;
        $("verdict").textContent = typeof verdict === "string" ? verdict : "–";
        if (typeof f === "number") {
          state.trend.push({ f: f, sigma: d.whitlockite_fraction_sigma || 0 });
          if (state.trend.length > 200) state.trend.shift();
          drawTrend();
        }
      } else {
        drawSpectrum($("xrf-canvas"), e.spectrum, "#ffb454", [
          { x: 1.254, label: "Mg Kα" }, { x: 2.014, label: "P Kα" }, { x: 3.692, label: "Ca Kα" }]);
        $("xrf-meta").textContent = meta;
        $("mgca").textContent = typeof d.mg_ca_ratio === "number" ? fmt(d.mg_ca_ratio, 4) + " ± " + fmt(d.mg_ca_ratio_sigma, 4) : "n/a";
      }
      state.instruments[e.instrument.id] = "open";
      renderInstruments();
    }

    function onRun(r) {
      if (r.event !== "start") return;
      $("run").textContent = "run " + r.run_id.slice(0, 8) + " · " +
        (r.sample_id ? "sample " + r.sample_id + (r.point_id ? " point " + r.point_id : "") +
          (r.operator ? " · " + r.operator : "") : "automatic run");
    }

    function connect() {
      const source = new EventSource("/api/v1/events");
      source.onopen = () => {
        $("connection").textContent = "live"; $("connection").className = "badge open";
        document.body.dataset.connected = "true";
      };
      source.onerror = () => {
        $("connection").textContent = "reconnecting…"; $("connection").className = "badge opening";
        document.body.dataset.connected = "false";
      };
      const handle = (fn) => (msg) => {
        state.events += 1; document.body.dataset.events = String(state.events);
        fn(JSON.parse(msg.data));
      };
      source.addEventListener("acquisition", handle(onAcquisition));
      source.addEventListener("run", handle(onRun));
      source.addEventListener("instrument", handle((s) => { state.instruments[s.id] = s.state; renderInstruments(); }));
    }

    async function control(path, body) {
      const token = $("token").value.trim();
      sessionStorage.setItem("whitlockd-token", token);
      const response = await fetch(path, {
        method: "POST", headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
        body: body ? JSON.stringify(body) : "" });
      const reply = await response.json().catch(() => ({}));
      $("run-message").textContent = response.ok ? "ok: run " + ((reply.started || {}).run_id || "") :
        "refused (" + response.status + "): " + (reply.error || "");
    }

    $("token").value = sessionStorage.getItem("whitlockd-token") || "";
    $("run-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = { sample_id: $("sample").value.trim() };
      if ($("operator").value.trim()) body.operator = $("operator").value.trim();
      if ($("point").value.trim()) body.point_id = $("point").value.trim();
      control("/api/v1/runs", body);
    });
    $("stop").addEventListener("click", () => control("/api/v1/runs/current/stop", null));
    drawTrend();
    connect();
    </script>
    </body>
    </html>
    """#
}
