/// The page: one self-contained HTML file with plain JavaScript; its charts are the server's SVG (the report's
/// charts, `ViewCharts`). It loads nothing but the API, so it works offline. docs/serve.md describes its controls.
enum ServePage {
  static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>ReserveSim — what if</title>
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
      header { padding: 10px 16px; background: #1f5fa8; color: #fff; display: flex; gap: 12px; flex-wrap: wrap;
        align-items: center; }
      header h1 { font-size: 18px; margin: 0 12px 0 0; }
      header input { width: 7em; }
      main { display: grid; grid-template-columns: minmax(320px, 420px) 1fr; gap: 16px; padding: 16px; }
      aside { max-height: calc(100vh - 90px); overflow-y: auto; }
      details { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin-bottom: 8px; padding: 4px 8px; }
      summary { font-weight: 600; cursor: pointer; }
      .control { margin: 6px 0 10px; }
      .control label { display: block; font-size: 12px; color: #444; word-break: break-all; }
      .control .row { display: flex; gap: 6px; align-items: center; }
      .control input[type=range] { flex: 1; }
      .control input[type=number] { width: 8em; }
      .control .asWritten { font-size: 11px; color: #777; }
      .control.edited label { color: #b03a2e; font-weight: 600; }
      section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px;
        margin-bottom: 12px; }
      .headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 8px; }
      .card { border-left: 4px solid #1f5fa8; padding: 4px 10px; }
      .card .big { font-size: 24px; font-weight: 700; }
      .card .was, .card .diff { font-size: 12px; color: #555; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      .charts svg { width: 100%; height: auto; max-width: 800px; }
      #status { min-height: 1.4em; font-size: 12px; }
      #status.error { color: #b03a2e; font-weight: 600; }
      progress { width: 200px; vertical-align: middle; }
      button { cursor: pointer; }
    </style>
    </head>
    <body>
    <header>
      <h1>ReserveSim — what if</h1>
      <label>Scenario <select id="scenario"></select></label>
      <label>Paths <input id="paths" type="number" min="1" step="1000"></label>
      <label>Seed <input id="seed" type="text"></label>
      <button id="reset">Back to the file</button>
      <button id="downloadScenario">Scenario JSON</button>
      <button id="downloadCSV">CSV files</button>
      <button id="downloadReport">HTML report</button>
    </header>
    <main>
      <aside id="controls" aria-label="Assumptions"></aside>
      <div>
        <div id="status" role="status"><progress id="progress" hidden></progress> <span id="statusText"></span></div>
        <section><h2>Headline</h2><div class="headline" id="headline"></div></section>
        <section class="charts"><h2>Balance</h2><div id="chartFan"></div></section>
        <section><h2>Ruin by year</h2><div id="ruinTable"></div><div class="charts" id="chartRuin"></div></section>
        <section><h2>Reserve needed</h2><div id="reserveTable"></div>
          <div class="charts" id="chartReserve"></div></section>
        <section id="runwaySection" hidden><h2>Runway after a loss</h2><div id="runwayTable"></div></section>
        <section>
          <h2>Solve</h2>
          <label>Target <input id="target" type="text" size="16"></label>
          <label>Levers <input id="levers" type="text" size="40" placeholder="policy.cuts.belowMonths=2:6:5"></label>
          <button id="solve">Solve</button>
          <div id="solveResult"></div>
        </section>
      </div>
    </main>
    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    const clientId = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
    let catalogue = null;      // GET /api/scenarios
    let current = null;        // the served scenario shown
    let edits = {};            // path -> number, or {kind: [ends]}
    let view = null;           // the last POST /api/view answer
    let inFlight = null;       // AbortController of the request shown
    let previewTimer = null;

    function money(x, currency) {
      if (x === null || x === undefined || !isFinite(x)) return "—";
      try {
        return new Intl.NumberFormat("en", { style: "currency", currency: currency || "USD", notation: "compact",
          maximumFractionDigits: 2 }).format(x);
      } catch (e) { return Math.round(x).toLocaleString("en"); }
    }
    const pct = (x, digits = 1) => (x === null || x === undefined) ? "—" : (100 * x).toFixed(digits) + "%";
    const signedPct = (x) => (x >= 0 ? "+" : "−") + (100 * Math.abs(x)).toFixed(1) + " pts";
    const signedMoney = (x, c) => (x >= 0 ? "+" : "−") + money(Math.abs(x), c);
    function escapeHTML(s) {
      return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" })[c]);
    }
    function table(head, rows) {
      return "<table><thead><tr>" + head.map((h) => "<th>" + escapeHTML(h) + "</th>").join("") +
        "</tr></thead><tbody>" +
        rows.map((r) => "<tr>" + r.map((c) => "<td>" + escapeHTML(c) + "</td>").join("") + "</tr>").join("") +
        "</tbody></table>";
    }
    function status(text, isError) {
      $("statusText").textContent = text;
      $("status").className = isError ? "error" : "";
    }

    // ---- page state in the URL: ?scenario=NAME&paths=N&seed=S&set=PATH=JSON… ----
    function readURL() {
      const q = new URLSearchParams(location.search);
      const state = { scenario: q.get("scenario"), paths: q.get("paths"), seed: q.get("seed"), edits: {} };
      for (const item of q.getAll("set")) {
        const eq = item.indexOf("=");
        if (eq < 0) continue;
        try { state.edits[item.slice(0, eq)] = JSON.parse(item.slice(eq + 1)); } catch (e) { /* ignore a bad edit */ }
      }
      return state;
    }
    function writeURL() {
      const q = new URLSearchParams();
      q.set("scenario", current.name);
      if ($("paths").value) q.set("paths", $("paths").value);
      if ($("seed").value) q.set("seed", $("seed").value);
      for (const path of Object.keys(edits).sort()) q.append("set", path + "=" + JSON.stringify(edits[path]));
      history.replaceState(null, "", "?" + q.toString());
    }
    function requestBody(paths) {
      const body = { scenario: current.name, set: edits };
      if (paths) body.paths = paths;
      if ($("seed").value) body.seed = $("seed").value;
      return body;
    }
    function fullPaths() { return parseInt($("paths").value, 10) || current.paths; }

    // ---- controls ----
    function buildControls() {
      const aside = $("controls");
      aside.innerHTML = "";
      current.groups.forEach((group, g) => {
        const details = document.createElement("details");
        details.open = g < 2;
        details.innerHTML = "<summary>" + escapeHTML(group.title) + " (" + group.controls.length + ")</summary>";
        for (const control of group.controls) details.appendChild(buildControl(control));
        aside.appendChild(details);
      });
    }
    function buildControl(control) {
      const div = document.createElement("div");
      div.className = "control";
      div.dataset.path = control.path;
      const values = control.ends || [control.value];
      const step = control.integer ? 1 : niceStep(control.max - control.min);
      let html = "<label>" + escapeHTML(control.path) + (control.unit ? " (" + escapeHTML(control.unit) + ")" : "") +
        (control.distribution ? " — " + escapeHTML(control.distribution) : "") + "</label>";
      values.forEach((v, i) => {
        const listId = "mark-" + control.path.replace(/[^A-Za-z0-9]/g, "_") + "-" + i;
        html += "<div class=\"row\"><input type=\"range\" data-end=\"" + i + "\" min=\"" + control.min + "\" max=\"" +
          control.max + "\" step=\"" + step + "\" value=\"" + v + "\" list=\"" + listId + "\" aria-label=\"" +
          escapeHTML(control.path) + "\"><datalist id=\"" + listId + "\"><option value=\"" + v +
          "\"></option></datalist><input type=\"number\" data-end=\"" + i + "\" step=\"any\" value=\"" + v +
          "\"></div>";
      });
      html += "<div class=\"asWritten\">as written: " + values.map((v) => fmt(v)).join(" … ") +
        " <button type=\"button\" class=\"undo\" hidden>undo</button></div>";
      div.innerHTML = html;
      const sliders = div.querySelectorAll("input[type=range]");
      const numbers = div.querySelectorAll("input[type=number]");
      const edited = () => {
        const ends = Array.from(numbers, (n) => parseFloat(n.value));
        if (ends.some((x) => !isFinite(x))) return;
        const same = ends.every((x, i) => x === values[i]);
        if (same) delete edits[control.path];
        else edits[control.path] = control.ends ? { [control.distribution]: ends } : ends[0];
        div.classList.toggle("edited", !same);
        div.querySelector(".undo").hidden = same;
        writeURL();
      };
      // A distribution's ends stay in order: moving one past its neighbour pushes the neighbour along.
      const gap = step === "any" ? 1e-6 : parseFloat(step);
      const ordered = (i) => {
        for (let j = i + 1; j < numbers.length; j++) {
          if (parseFloat(numbers[j].value) <= parseFloat(numbers[j - 1].value)) {
            numbers[j].value = sliders[j].value = String(+(parseFloat(numbers[j - 1].value) + gap).toPrecision(12));
          }
        }
        for (let j = i - 1; j >= 0; j--) {
          if (parseFloat(numbers[j].value) >= parseFloat(numbers[j + 1].value)) {
            numbers[j].value = sliders[j].value = String(+(parseFloat(numbers[j + 1].value) - gap).toPrecision(12));
          }
        }
      };
      sliders.forEach((slider, i) => {
        const moved = () => { numbers[i].value = slider.value; ordered(i); edited(); };
        slider.addEventListener("input", () => { moved(); schedulePreview(); });
        slider.addEventListener("change", () => { moved(); requestView(false); });
      });
      numbers.forEach((number, i) => number.addEventListener("change", () => {
        sliders[i].value = number.value; ordered(i); edited(); requestView(false);
      }));
      div.querySelector(".undo").addEventListener("click", () => {
        values.forEach((v, i) => { sliders[i].value = v; numbers[i].value = v; });
        edited(); requestView(false);
      });
      control.set = (value) => {
        const ends = control.ends ? (value[control.distribution] || values) : [value];
        ends.forEach((v, i) => { if (sliders[i]) { sliders[i].value = v; numbers[i].value = v; } });
        edited();
      };
      return div;
    }
    function niceStep(span) {
      if (!(span > 0)) return "any";
      const raw = span / 200, power = Math.pow(10, Math.floor(Math.log10(raw)));
      return String(raw / power >= 5 ? 5 * power : raw / power >= 2 ? 2 * power : power);
    }
    function fmt(v) { return Math.abs(v) >= 1000 ? Number(v).toLocaleString("en") : String(v); }
    function findControl(path) {
      for (const group of current.groups) for (const c of group.controls) if (c.path === path) return c;
      return null;
    }

    // ---- requests ----
    function schedulePreview() {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(() => requestView(true), 120);
    }
    async function post(endpoint, body, signal) {
      const response = await fetch(endpoint, { method: "POST", signal, body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "X-ReserveSim-Client": clientId } });
      const text = await response.text();
      if (!response.ok) {
        let message = text;
        try { message = JSON.parse(text).error; } catch (e) { /* not JSON */ }
        const error = new Error(message);
        error.status = response.status;
        throw error;
      }
      return text;
    }
    // A full run streams its progress: lines {"progress": share}, then {"result": view} or {"error", "status"}.
    async function postWithProgress(endpoint, body, signal, onProgress) {
      const response = await fetch(endpoint, { method: "POST", signal, body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "X-ReserveSim-Client": clientId } });
      if (!response.ok) {
        const text = await response.text();
        let message = text;
        try { message = JSON.parse(text).error; } catch (e) { /* not JSON */ }
        const error = new Error(message);
        error.status = response.status;
        throw error;
      }
      const reader = response.body.getReader(), decoder = new TextDecoder();
      let pending = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
          const line = JSON.parse(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
          if (line.progress !== undefined) onProgress(line.progress);
          if (line.result !== undefined) return line.result;
          if (line.error !== undefined) {
            const error = new Error(line.error);
            error.status = line.status;
            throw error;
          }
        }
      }
      throw new Error("the server closed the connection before the answer");
    }
    async function requestView(preview) {
      clearTimeout(previewTimer);
      if (inFlight) inFlight.abort();
      const controller = new AbortController();
      inFlight = controller;
      const paths = preview ? Math.min(current.previewPaths, fullPaths()) : fullPaths();
      $("progress").hidden = false;
      $("progress").removeAttribute("value");
      status((preview ? "Preview of the first " : "Running ") + paths.toLocaleString("en") + " paths…", false);
      const started = performance.now();
      try {
        const answer = preview ? JSON.parse(await post("/api/view", requestBody(paths), controller.signal))
          : await postWithProgress("/api/view/progress", requestBody(paths), controller.signal, (share) => {
            if (inFlight === controller) $("progress").value = share;
          });
        if (inFlight !== controller) return;
        view = answer;
        render(preview);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        status((preview ? "Preview: first " : "Full run: ") + answer.run.paths.toLocaleString("en") +
          " paths, seed " +
          answer.run.seed + " (" + seconds + " s)" + (preview ? "; release the slider for the full run" : ""), false);
        document.body.dataset.state = preview ? "preview" : "done";
      } catch (error) {
        if (error.name === "AbortError" || error.status === 409 || inFlight !== controller) return;
        status(error.message, true);
        document.body.dataset.state = "error";
      } finally {
        if (inFlight === controller) { $("progress").hidden = true; inFlight = null; }
      }
    }

    // ---- answers ----
    function reserveAt(list, confidence) {
      return (list || []).find((r) => Math.abs(r.confidence - confidence) < 1e-9);
    }
    function render() {
      const a = view.base, b = view.run, c = view.compare, cur = b.currency;
      const cards = [];
      cards.push(["ruin", "Ruin within " + b.years + " years", pct(b.ruinProbability.value), "as written " +
        pct(a.ruinProbability.value), "B − A " + signedPct(c.ruinProbability.difference) + " [" +
        signedPct(c.ruinProbability.lower) + ", " + signedPct(c.ruinProbability.upper) + "]"]);
      if (b.belowMinimum) {
        cards.push(["below", "Below the minimum (" + b.minimumMonths + " months)", pct(b.belowMinimum.value),
          "as written " + (a.belowMinimum ? pct(a.belowMinimum.value) : "—"), ""]);
      }
      const level = 0.95, rb = reserveAt(b.requiredReserve, level) || b.requiredReserve[b.requiredReserve.length - 1];
      const ra = reserveAt(a.requiredReserve, rb.confidence), rc = reserveAt(c.requiredReserve, rb.confidence);
      cards.push(["reserve", "Reserve needed (" + pct(rb.confidence, 0) + " confidence)", money(rb.value, cur),
        "as written " + money(ra && ra.value, cur), rc ? "B − A " + signedMoney(rc.difference, cur) + " [" +
        signedMoney(rc.lower, cur) + ", " + signedMoney(rc.upper, cur) + "]" : ""]);
      cards.push(["months", "Reserve needed in months of outgo", (rb.months || 0).toFixed(1) + " months",
        "as written " + (ra ? (ra.months || 0).toFixed(1) : "—") + " months",
        "reserve now " + money(b.initialReserve, cur)]);
      $("headline").innerHTML = cards.map(([key, title, big, was, diff]) => "<div class=\"card\" data-key=\"" + key +
        "\"><div>" + escapeHTML(title) + "</div><div class=\"big\" id=\"headline-" + key + "\">" + escapeHTML(big) +
        "</div><div class=\"was\">" + escapeHTML(was) + "</div><div class=\"diff\">" + escapeHTML(diff) +
        "</div></div>")
        .join("");
      $("ruinTable").innerHTML = table(["Year", "As written (A)", "Edited (B)", "B − A"],
        b.ruinProbabilityByYear.map((x, i) => [String(i + 1), pct(a.ruinProbabilityByYear[i]), pct(x),
          a.ruinProbabilityByYear[i] === undefined ? "—" : signedPct(x - a.ruinProbabilityByYear[i])]));
      $("reserveTable").innerHTML = table(["Confidence", "As written (A)", "Edited (B)", "B − A", "95% interval",
        "Months (B)"], b.requiredReserve.map((r) => {
        const ar = reserveAt(a.requiredReserve, r.confidence), cr = reserveAt(c.requiredReserve, r.confidence);
        return [pct(r.confidence, 1), money(ar && ar.value, cur), money(r.value, cur),
          cr ? signedMoney(cr.difference, cur) : "—",
          cr ? "[" + signedMoney(cr.lower, cur) + ", " + signedMoney(cr.upper, cur) + "]" : "—",
          (r.months || 0).toFixed(1)];
      }));
      $("chartFan").innerHTML = view.charts.fan;
      $("chartRuin").innerHTML = view.charts.ruin;
      $("chartReserve").innerHTML = view.charts.reserve;
      const runway = b.runwayAfterLoss;
      $("runwaySection").hidden = !runway;
      if (runway) {
        const before = {};
        for (const r of a.runwayAfterLoss || []) before[r.service] = r;
        $("runwayTable").innerHTML = table(["Service", "Lost (B)", "Runway p10 / p50 (B)", "As written p10 / p50"],
          runway.map((r) => {
            const w = before[r.service], m = (x) => (x === null || x === undefined) ? "—" : String(x);
            return [r.service, pct(r.lostShare), m(r.runwayMonths.p10) + " / " + m(r.runwayMonths.p50) + " months",
              w ? m(w.runwayMonths.p10) + " / " + m(w.runwayMonths.p50) + " months" : "—"];
          }));
      }
    }

    // ---- solve ----
    async function solve() {
      $("solveResult").textContent = "Solving…";
      try {
        const body = requestBody(fullPaths());
        body.targets = [$("target").value.trim()];
        body.levers = $("levers").value.split(/[\s,]+/).filter((x) => x);
        const s = JSON.parse(await post("/api/solve", body));
        const cur = s.currency, names = s.levers.map((l) => l.path);
        const rows = s.rows.filter((r) => r.efficient).map((r) => names.map((n) => String(r.levers[n])).concat([
          money(r.reserve, cur), r.months.toFixed(1), r.binding || "", money(r.expectedCutPerYear, cur)]));
        let html = "<p id=\"solveBest\">Least reserve for " + escapeHTML(body.targets[0]) + ": <b>" +
          (s.best ? escapeHTML(money(s.best.reserve, cur)) + "</b> (" + s.best.months.toFixed(1) + " months)"
            : "none</b>") +
          "</p>";
        html += table(names.concat(["Reserve", "Months", "Binding target", "Cuts a year"]), rows);
        html += (s.notes || []).map((n) => "<p>" + escapeHTML(n) + "</p>").join("");
        $("solveResult").innerHTML = html;
      } catch (error) {
        $("solveResult").innerHTML = "<p class=\"error\" id=\"solveError\">" + escapeHTML(error.message) + "</p>";
      }
    }

    // ---- downloads ----
    function download(name, text, type) {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type }));
      link.download = name;
      document.body.appendChild(link);
      link.click();
      setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }
    async function downloadWith(endpoint, save) {
      status("Preparing the download…", false);
      try { save(await post(endpoint, requestBody(fullPaths()))); status("Downloaded.", false); }
      catch (error) { status(error.message, true); }
    }

    // ---- start ----
    function selectScenario(name, state) {
      current = catalogue.scenarios.find((s) => s.name === name) || catalogue.scenarios[0];
      $("scenario").value = current.name;
      $("paths").value = state && state.paths ? state.paths : current.paths;
      $("seed").value = state && state.seed ? state.seed : current.seed;
      $("target").value = "ruin<=5%@" + Math.min(3, current.years) + "y";
      edits = {};
      buildControls();
      for (const [path, value] of Object.entries((state && state.edits) || {})) {
        const control = findControl(path);
        if (control) control.set(value); else edits[path] = value;
      }
      writeURL();
      requestView(false);
    }
    async function start() {
      try {
        const response = await fetch("/api/scenarios");
        catalogue = await response.json();
        if (!response.ok) throw new Error(catalogue.error);
      } catch (error) { status("Could not list the scenarios: " + error.message, true); return; }
      for (const s of catalogue.scenarios) {
        const option = document.createElement("option");
        option.value = s.name;
        option.textContent = s.scenario + " (" + s.name + ")";
        $("scenario").appendChild(option);
      }
      const state = readURL();
      selectScenario(state.scenario, state);
      $("scenario").addEventListener("change", () => selectScenario($("scenario").value, null));
      $("paths").addEventListener("change", () => { writeURL(); requestView(false); });
      $("seed").addEventListener("change", () => { writeURL(); requestView(false); });
      $("reset").addEventListener("click", () => selectScenario(current.name, { paths: $("paths").value,
        seed: $("seed").value }));
      $("solve").addEventListener("click", solve);
      $("downloadScenario").addEventListener("click", () => downloadWith("/api/export/scenario",
        (text) => download(current.name + "-edited.json", text, "application/json")));
      $("downloadCSV").addEventListener("click", () => downloadWith("/api/export/csv", (text) => {
        const files = JSON.parse(text);
        for (const name of Object.keys(files)) download(current.name + "-" + name, files[name], "text/csv");
      }));
      $("downloadReport").addEventListener("click", () => downloadWith("/api/export/report",
        (text) => download(current.name + "-report.html", text, "text/html")));
    }
    start();
    </script>
    </body>
    </html>
    """#
}
