/* frontlines web UI: map (canvas, Web Mercator, grid clustering), timeline with brush,
 * actor network (force layout), actor pages and event detail. No framework, no network
 * access beyond this server. Data from the API is always inserted as text (textContent),
 * never as HTML. */
(function () {
  "use strict";

  const TYPE_COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
  };
  const ACTOR_COLORS = ["#8a939d", "#1f77b4", "#d62728", "#ff7f0e", "#8c564b", "#e377c2", "#2ca02c", "#9467bd", "#17becf"];
  const ACTOR_TYPES = ["unknown", "State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters", "Civilians", "External/Other forces"];
  const SIGN_COLORS = { "-1": "#d62728", "1": "#2a9d4b", "0": "#8a939d" };
  const DAY = 86400000;
  const SVGNS = "http://www.w3.org/2000/svg";

  // ------------------------------------------------------------------ small helpers
  const $ = (sel) => document.querySelector(sel);
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  function svg(tag, attrs, parent) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v; else node.setAttribute(k, String(v));
    }
    if (parent) parent.appendChild(node);
    return node;
  }
  const dayToIso = (d) => new Date(d * DAY).toISOString().slice(0, 10);
  const isoToDay = (s) => { const t = Date.parse(s + "T00:00:00Z"); return isNaN(t) ? null : Math.floor(t / DAY); };
  const fmtN = (n) => n.toLocaleString("en-US");
  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(url + ": " + r.status);
    return r.json();
  }
  function debounce(fn, ms) {
    let t;
    const f = (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
    f.cancel = () => clearTimeout(t);
    return f;
  }
  const typeColor = (t) => TYPE_COLORS[t] || "#666";

  // ------------------------------------------------------------------ state and URL
  const state = {
    filters: { actor: "", actorName: "", type: "", admin1: "", q: "" },
    window: null,            // [day0, day1] inclusive, or null
    sel: "",                 // "event:ID" | "actor:ID"
    tab: "events",
    points: null,            // columns from /api/points
    stats: null,
  };
  window.__frontlines = { state, ready: false, markers: 0, drawn: 0 };

  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    state.filters.actor = p.get("actor") || "";
    state.filters.actorName = p.get("actor_name") || state.filters.actor;
    state.filters.type = p.get("type") || "";
    state.filters.admin1 = p.get("admin1") || "";
    state.filters.q = p.get("q") || "";
    const s = isoToDay(p.get("since") || ""), u = isoToDay(p.get("until") || "");
    state.window = s !== null || u !== null ? [s ?? -1e6, u ?? 1e6] : null;
    state.sel = p.get("sel") || "";
    state.tab = p.get("tab") || (state.sel ? "detail" : "events");
    const m = (p.get("map") || "").split(",").map(Number);
    state.mapView = m.length === 3 && m.every(isFinite) ? m : null;
  }
  function writeHash() {
    const p = new URLSearchParams();
    const f = state.filters;
    if (f.actor) { p.set("actor", f.actor); if (f.actorName && f.actorName !== f.actor) p.set("actor_name", f.actorName); }
    if (f.type) p.set("type", f.type);
    if (f.admin1) p.set("admin1", f.admin1);
    if (f.q) p.set("q", f.q);
    if (state.window) {
      if (state.window[0] > -1e6) p.set("since", dayToIso(state.window[0]));
      if (state.window[1] < 1e6) p.set("until", dayToIso(state.window[1]));
    }
    if (state.sel) p.set("sel", state.sel);
    if (state.tab !== "events") p.set("tab", state.tab);
    if (map.ready) p.set("map", map.viewString());
    const h = "#" + p.toString();
    if (location.hash !== h) history.replaceState(null, "", h === "#" ? location.pathname : h);
  }
  const writeHashSoon = debounce(writeHash, 150);
  function serverFilterParams() {
    const p = new URLSearchParams();
    const f = state.filters;
    if (f.actor) p.set("actor", f.actor);
    if (f.type) p.set("type", f.type);
    if (f.admin1) p.set("admin1", f.admin1);
    if (f.q) p.set("q", f.q);
    return p;
  }
  function windowParams(p) {
    if (state.window) {
      if (state.window[0] > -1e6) p.set("since", dayToIso(state.window[0]));
      if (state.window[1] < 1e6) p.set("until", dayToIso(state.window[1]));
    }
    return p;
  }

  // ------------------------------------------------------------------ map
  const map = (function () {
    const canvas = $("#map");
    const ctx = canvas.getContext("2d");
    const tip = $("#map-tip");
    const TAU = Math.PI * 2;
    let W = 0, H = 0, dpr = 1;
    let cx = 0.5, cy = 0.5, scale = 512;  // world units [0,1] -> pixels
    const MIN_SCALE = 256, MAX_SCALE = 256 * 2 ** 17;
    let land = [];        // [{rings: [Float64Array]}]
    let areas = { 1: [], 2: [] };
    let px = null, py = null; // point world coords
    let active = null;     // Uint8Array: passes the time window
    let clusters = [];
    const api = { ready: false };

    const mx = (lon) => (lon + 180) / 360;
    const my = (lat) => {
      const c = Math.max(-85.05, Math.min(85.05, lat)) * Math.PI / 180;
      return (1 - Math.log(Math.tan(c) + 1 / Math.cos(c)) / Math.PI) / 2;
    };
    const unLon = (x) => x * 360 - 180;
    const unLat = (y) => Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI;
    const toScreenX = (x) => (x - cx) * scale + W / 2;
    const toScreenY = (y) => (y - cy) * scale + H / 2;

    function ringsOf(geometry) {
      if (!geometry) return [];
      const t = geometry.type, c = geometry.coordinates;
      if (t === "Polygon" || t === "MultiLineString") return c;
      if (t === "MultiPolygon") return c.flat();
      if (t === "LineString") return [c];
      if (t === "GeometryCollection") return geometry.geometries.flatMap(ringsOf);
      return [];
    }
    function project(rings) {
      return rings.map((ring) => {
        const a = new Float64Array(ring.length * 2);
        ring.forEach((p, i) => { a[2 * i] = mx(p[0]); a[2 * i + 1] = my(p[1]); });
        return a;
      });
    }
    api.setLand = (fc) => { land = fc.features.map((f) => project(ringsOf(f.geometry))); draw(); };
    api.setAreas = (level, fc) => {
      areas[level] = fc.features.map((f) => ({ name: f.properties.name, rings: project(ringsOf(f.geometry)) }));
      draw();
    };

    api.setPoints = (pts) => {
      const n = pts.id.length;
      px = new Float64Array(n); py = new Float64Array(n);
      for (let i = 0; i < n; i++) { px[i] = mx(pts.lon[i]); py[i] = my(pts.lat[i]); }
      api.setWindow();
    };
    api.setWindow = () => {
      if (!px) return;
      const pts = state.points, n = pts.id.length;
      active = new Uint8Array(n);
      const w = state.window;
      for (let i = 0; i < n; i++) {
        const d = pts.day[i];
        active[i] = !w || (d !== null && d >= w[0] && d <= w[1]) ? 1 : 0;
      }
      draw();
    };

    function resize() {
      const r = canvas.getBoundingClientRect();
      dpr = window.devicePixelRatio || 1;
      W = Math.max(1, r.width); H = Math.max(1, r.height);
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
      draw();
    }

    function pathRings(rings) {
      for (const a of rings) {
        for (let i = 0; i < a.length; i += 2) {
          const x = toScreenX(a[i]), y = toScreenY(a[i + 1]);
          if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
      }
    }

    function graticule() {
      const span = W / scale * 360;
      const step = span > 180 ? 30 : span > 60 ? 10 : span > 20 ? 5 : span > 6 ? 1 : 0.5;
      ctx.beginPath();
      for (let lon = -180; lon <= 180; lon += step) { const x = toScreenX(mx(lon)); ctx.moveTo(x, 0); ctx.lineTo(x, H); }
      for (let lat = -80; lat <= 80; lat += step) { const y = toScreenY(my(lat)); ctx.moveTo(0, y); ctx.lineTo(W, y); }
      ctx.strokeStyle = "rgba(255,255,255,0.35)"; ctx.lineWidth = 0.7; ctx.stroke();
    }

    function cluster() {
      clusters = [];
      if (!px) return;
      const CELL = 64, types = state.points.type, fat = state.points.fatalities, n = px.length;
      const cells = new Map();
      const x0 = cx - W / 2 / scale, y0 = cy - H / 2 / scale, pad = 30 / scale;
      const x1 = cx + W / 2 / scale, y1 = cy + H / 2 / scale;
      for (let i = 0; i < n; i++) {
        if (!active[i]) continue;
        const x = px[i], y = py[i];
        if (x < x0 - pad || x > x1 + pad || y < y0 - pad || y > y1 + pad) continue;
        const sx = (x - cx) * scale + W / 2, sy = (y - cy) * scale + H / 2;
        const key = Math.floor(sx / CELL) * 100003 + Math.floor(sy / CELL);
        let c = cells.get(key);
        if (!c) { c = { n: 0, sx: 0, sy: 0, fat: 0, types: new Array(6).fill(0), first: i }; cells.set(key, c); }
        c.n++; c.sx += sx; c.sy += sy; c.fat += fat[i]; c.types[types[i]]++;
      }
      for (const c of cells.values()) {
        c.x = c.sx / c.n; c.y = c.sy / c.n;
        c.r = c.n === 1 ? Math.min(16, 4.5 + 1.5 * Math.sqrt(c.fat)) : Math.min(30, 9 + 1.7 * Math.log2(c.n) + 0.25 * Math.sqrt(c.fat));
        clusters.push(c);
      }
      clusters.sort((a, b) => b.r - a.r);
    }

    function draw() {
      if (!W) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = "#b7cfe3"; ctx.fillRect(0, 0, W, H);
      graticule();
      if (land.length) {
        ctx.beginPath();
        for (const rings of land) pathRings(rings);
        ctx.fillStyle = "#eeebe3"; ctx.fill("evenodd");
        ctx.strokeStyle = "#8f8a80"; ctx.lineWidth = 0.8; ctx.stroke();
      }
      for (const level of [1, 2]) {
        if (!areas[level].length || (level === 2 && scale < 256 * 2 ** 7)) continue;
        ctx.beginPath();
        for (const a of areas[level]) pathRings(a.rings);
        ctx.strokeStyle = level === 1 ? "rgba(90,80,70,0.75)" : "rgba(120,110,100,0.45)";
        ctx.setLineDash(level === 1 ? [4, 3] : [2, 3]); ctx.lineWidth = level === 1 ? 1 : 0.7; ctx.stroke(); ctx.setLineDash([]);
        if (level === 1 && scale > 256 * 2 ** 6) {
          ctx.fillStyle = "rgba(80,70,60,0.7)"; ctx.font = "11px system-ui, sans-serif"; ctx.textAlign = "center";
          for (const a of areas[1]) {
            const r0 = a.rings[0]; if (!r0) continue;
            let sx = 0, sy = 0; for (let i = 0; i < r0.length; i += 2) { sx += r0[i]; sy += r0[i + 1]; }
            const n = r0.length / 2; ctx.fillText(a.name, toScreenX(sx / n), toScreenY(sy / n));
          }
        }
      }
      cluster();
      let drawn = 0;
      for (const c of clusters) {
        drawn += c.n;
        if (c.n === 1) {
          const t = state.points.types[state.points.type[c.first]];
          ctx.beginPath(); ctx.arc(c.x, c.y, c.r, 0, TAU);
          ctx.fillStyle = typeColor(t); ctx.globalAlpha = 0.85; ctx.fill(); ctx.globalAlpha = 1;
          ctx.lineWidth = 1.2; ctx.strokeStyle = "#fff"; ctx.stroke();
        } else {
          let a0 = -Math.PI / 2;
          for (let k = 0; k < 6; k++) {
            if (!c.types[k]) continue;
            const a1 = a0 + TAU * c.types[k] / c.n;
            ctx.beginPath(); ctx.moveTo(c.x, c.y); ctx.arc(c.x, c.y, c.r, a0, a1); ctx.closePath();
            ctx.fillStyle = typeColor(state.points.types[k]); ctx.globalAlpha = 0.88; ctx.fill(); ctx.globalAlpha = 1;
            a0 = a1;
          }
          ctx.beginPath(); ctx.arc(c.x, c.y, c.r, 0, TAU); ctx.lineWidth = 1.5; ctx.strokeStyle = "#fff"; ctx.stroke();
          ctx.beginPath(); ctx.arc(c.x, c.y, Math.max(7, c.r * 0.55), 0, TAU); ctx.fillStyle = "rgba(255,255,255,0.92)"; ctx.fill();
          ctx.fillStyle = "#1d232a"; ctx.font = "bold 10px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
          ctx.fillText(c.n >= 10000 ? Math.round(c.n / 1000) + "k" : c.n >= 1000 ? (c.n / 1000).toFixed(1) + "k" : String(c.n), c.x, c.y + 0.5);
          ctx.textBaseline = "alphabetic";
        }
      }
      if (selected) {
        const s = selected;
        ctx.beginPath(); ctx.arc(toScreenX(mx(s.lon)), toScreenY(my(s.lat)), 14, 0, TAU);
        ctx.lineWidth = 3; ctx.strokeStyle = "#111"; ctx.stroke();
      }
      canvas.dataset.markers = String(clusters.length);
      canvas.dataset.events = String(drawn);
      window.__frontlines.markers = clusters.length;
      window.__frontlines.drawn = drawn;
    }
    let selected = null;
    api.select = (lat, lon) => { selected = lat === null || lat === undefined ? null : { lat, lon }; draw(); };

    const viewChanged = debounce(() => { onViewChange(); writeHash(); }, 250);
    function setView(ncx, ncy, nscale) {
      scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, nscale));
      cx = Math.max(0, Math.min(1, ncx)); cy = Math.max(0, Math.min(1, ncy));
      draw(); viewChanged();
    }
    api.fit = () => {
      const pts = state.points;
      let x0 = 1, x1 = 0, y0 = 1, y1 = 0, any = false;
      if (px) for (let i = 0; i < px.length; i++) {
        if (!active[i]) continue; any = true;
        if (px[i] < x0) x0 = px[i]; if (px[i] > x1) x1 = px[i]; if (py[i] < y0) y0 = py[i]; if (py[i] > y1) y1 = py[i];
      }
      if (!any || !pts) { setView(0.5, 0.45, Math.max(MIN_SCALE, W)); return; }
      const w = Math.max(x1 - x0, 0.004), h = Math.max(y1 - y0, 0.004);
      setView((x0 + x1) / 2, (y0 + y1) / 2, Math.min(256 * 2 ** 10, Math.min(W / w, H / h) * 0.7));
    };
    api.zoomBy = (f, sx = W / 2, sy = H / 2) => {
      const wx = cx + (sx - W / 2) / scale, wy = cy + (sy - H / 2) / scale;
      const ns = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale * f));
      setView(wx - (sx - W / 2) / ns, wy - (sy - H / 2) / ns, ns);
    };
    api.bbox = () => {
      const x0 = Math.max(0, cx - W / 2 / scale), x1 = Math.min(1, cx + W / 2 / scale);
      const y0 = Math.max(0, cy - H / 2 / scale), y1 = Math.min(1, cy + H / 2 / scale);
      const r = (v) => Math.round(v * 1e4) / 1e4;
      return [r(Math.max(-180, unLon(x0))), r(Math.max(-85, unLat(y1))), r(Math.min(180, unLon(x1))), r(Math.min(85, unLat(y0)))];
    };
    api.wholeWorld = () => W / scale >= 1 && H / scale >= 1;
    api.viewString = () => [unLon(cx).toFixed(4), unLat(cy).toFixed(4), Math.log2(scale / 256).toFixed(2)].join(",");
    api.setViewString = (v) => setView(mx(v[0]), my(v[1]), 256 * 2 ** v[2]);
    api.zoomLevel = () => Math.log2(scale / 256);
    api.cancelPending = () => viewChanged.cancel();

    // interaction
    let drag = null;
    canvas.addEventListener("pointerdown", (e) => {
      drag = { x: e.clientX, y: e.clientY, cx, cy, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener("pointermove", (e) => {
      const r = canvas.getBoundingClientRect();
      if (drag) {
        const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; canvas.classList.add("dragging"); }
        if (drag.moved) { cx = drag.cx - dx / scale; cy = drag.cy - dy / scale; draw(); viewChanged(); }
        tip.hidden = true;
        return;
      }
      const c = hit(e.clientX - r.left, e.clientY - r.top);
      if (!c) { tip.hidden = true; canvas.style.cursor = ""; return; }
      canvas.style.cursor = "pointer";
      const lines = [c.n === 1 ? "1 event" : fmtN(c.n) + " events", c.fat ? fmtN(c.fat) + " fatalities" : ""];
      c.types.forEach((k, i) => { if (k && c.n > 1) lines.push(k + " × " + state.points.types[i]); });
      if (c.n === 1) lines.push(state.points.types[state.points.type[c.first]], dayToIso(state.points.day[c.first] ?? 0));
      tip.textContent = lines.filter(Boolean).join("\n");
      tip.hidden = false;
      tip.style.left = Math.min(W - 200, e.clientX - r.left + 14) + "px";
      tip.style.top = (e.clientY - r.top + 14) + "px";
    });
    canvas.addEventListener("pointerup", (e) => {
      const d = drag; drag = null; canvas.classList.remove("dragging");
      if (!d || d.moved) return;
      const r = canvas.getBoundingClientRect();
      const c = hit(e.clientX - r.left, e.clientY - r.top);
      if (!c) return;
      if (c.n === 1) { openEvent(state.points.id[c.first]); return; }
      if (scale * 3 <= MAX_SCALE) api.zoomBy(3, c.x, c.y);
      else showClusterEvents(c);
    });
    canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      api.zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    canvas.addEventListener("pointerleave", () => { tip.hidden = true; });
    function hit(x, y) {
      for (let i = clusters.length - 1; i >= 0; i--) {
        const c = clusters[i];
        if ((c.x - x) ** 2 + (c.y - y) ** 2 <= (c.r + 2) ** 2) return c;
      }
      return null;
    }
    function showClusterEvents(c) {
      // At the deepest zoom: list the events of this cluster in the Events tab.
      const ids = [];
      const n = px.length;
      for (let i = 0; i < n && ids.length < 200; i++) {
        if (!active[i]) continue;
        const sx = toScreenX(px[i]), sy = toScreenY(py[i]);
        if ((sx - c.x) ** 2 + (sy - c.y) ** 2 <= (c.r + 30) ** 2) ids.push(state.points.id[i]);
      }
      list.showIds(ids);
    }
    $("#zoom-in").addEventListener("click", () => api.zoomBy(2));
    $("#zoom-out").addEventListener("click", () => api.zoomBy(0.5));
    $("#zoom-fit").addEventListener("click", () => api.fit());
    new ResizeObserver(resize).observe(canvas);
    api.resize = resize;
    api.draw = draw;
    return api;
  })();

  // ------------------------------------------------------------------ timeline
  const timeline = (function () {
    const root = $("#timeline");
    const M = { l: 34, r: 10, t: 8, b: 20 };
    let d0 = 0, d1 = 1, W = 0, H = 0, brushRect = null;
    const api = {};
    const x = (d) => M.l + (d - d0) / Math.max(1, d1 - d0) * (W - M.l - M.r);
    const dayAt = (px) => Math.round(d0 + (px - M.l) / Math.max(1, W - M.l - M.r) * (d1 - d0));

    function binning(span) {
      if (span <= 120) return { size: 1, key: (d) => d, start: (k) => k, end: (k) => k };
      if (span <= 3 * 366) return { size: 7, key: (d) => Math.floor((d + 3) / 7), start: (k) => k * 7 - 3, end: (k) => k * 7 + 3 };
      // calendar months
      const key = (d) => { const t = new Date(d * DAY); return t.getUTCFullYear() * 12 + t.getUTCMonth(); };
      const start = (k) => Math.floor(Date.UTC(Math.floor(k / 12), k % 12, 1) / DAY);
      return { size: 30, key, start, end: (k) => start(k + 1) - 1 };
    }

    api.render = () => {
      const pts = state.points;
      const r = root.getBoundingClientRect();
      W = r.width; H = r.height;
      root.replaceChildren();
      root.setAttribute("viewBox", `0 0 ${W} ${H}`);
      if (!pts || !pts.day.length) { svg("text", { x: M.l, y: 40, text: "no dated events" }, root); return; }
      let lo = Infinity, hi = -Infinity;
      for (const d of pts.day) if (d !== null) { if (d < lo) lo = d; if (d > hi) hi = d; }
      if (!isFinite(lo)) { svg("text", { x: M.l, y: 40, text: "no dated events" }, root); return; }
      const bin = binning(hi - lo);
      const counts = new Map();
      const keyOf = new Int32Array(hi - lo + 1);  // day -> bin key, computed once per day
      for (let d = lo; d <= hi; d++) keyOf[d - lo] = bin.key(d);
      for (let i = 0; i < pts.day.length; i++) {
        const d = pts.day[i]; if (d === null) continue;
        const k = keyOf[d - lo];
        let c = counts.get(k); if (!c) { c = new Array(6).fill(0); counts.set(k, c); }
        c[pts.type[i]]++;
      }
      const k0 = bin.key(lo), k1 = bin.key(hi);
      d0 = bin.start(k0); d1 = bin.end(k1) + 1;
      let max = 1;
      for (const c of counts.values()) max = Math.max(max, c.reduce((a, b) => a + b, 0));
      const y = (v) => H - M.b - v / max * (H - M.t - M.b);
      // axis
      const axis = svg("g", { class: "axis" }, root);
      svg("line", { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }, axis);
      svg("text", { x: M.l - 4, y: M.t + 8, "text-anchor": "end", text: fmtN(max) }, axis);
      svg("text", { x: M.l - 4, y: H - M.b, "text-anchor": "end", text: "0" }, axis);
      const years = (d1 - d0) > 700;
      const startDate = new Date(d0 * DAY);
      let t = years ? Date.UTC(startDate.getUTCFullYear() + 1, 0, 1) : Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth() + 1, 1);
      let lastX = -1e9;
      const step = (d1 - d0) > 365 * 12 ? 2 : 1;
      for (let guard = 0; t / DAY < d1 && guard < 400; guard++) {
        const dd = t / DAY, xx = x(dd), dt = new Date(t);
        if (xx - lastX > 46) {
          svg("line", { x1: xx, x2: xx, y1: H - M.b, y2: H - M.b + 4 }, axis);
          svg("text", { x: xx, y: H - 5, "text-anchor": "middle", text: years ? String(dt.getUTCFullYear()) : dt.toISOString().slice(0, 7) }, axis);
          lastX = xx;
        }
        t = years ? Date.UTC(dt.getUTCFullYear() + step, 0, 1) : Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + 1, 1);
      }
      // stacked bars
      const bars = svg("g", { class: "bars" }, root);
      let nbars = 0;
      for (const [k, c] of counts) {
        const xa = x(bin.start(k)), xb = x(bin.end(k) + 1);
        const w = Math.max(1, xb - xa - (xb - xa > 3 ? 1 : 0));
        let acc = 0;
        for (let ti = 0; ti < 6; ti++) {
          if (!c[ti]) continue;
          const ya = y(acc + c[ti]), yb = y(acc);
          svg("rect", { x: xa.toFixed(1), y: ya.toFixed(1), width: w.toFixed(1), height: Math.max(0.5, yb - ya).toFixed(1), fill: typeColor(pts.types[ti]) }, bars);
          acc += c[ti]; nbars++;
        }
      }
      root.dataset.bars = String(nbars);
      brushRect = svg("rect", { class: "brush", y: M.t, height: H - M.t - M.b, x: 0, width: 0, visibility: "hidden" }, root);
      api.showBrush();
    };
    api.showBrush = () => {
      if (!brushRect) return;
      const w = state.window;
      if (!w) { brushRect.setAttribute("visibility", "hidden"); return; }
      const xa = Math.max(M.l, x(Math.max(w[0], d0))), xb = Math.min(W - M.r, x(Math.min(w[1], d1) + 1));
      brushRect.setAttribute("x", xa); brushRect.setAttribute("width", Math.max(1, xb - xa));
      brushRect.setAttribute("visibility", "visible");
    };
    let start = null;
    root.addEventListener("pointerdown", (e) => {
      const r = root.getBoundingClientRect();
      start = e.clientX - r.left; root.setPointerCapture(e.pointerId);
    });
    root.addEventListener("pointermove", (e) => {
      if (start === null || !brushRect) return;
      const r = root.getBoundingClientRect(), cur = e.clientX - r.left;
      const a = Math.max(M.l, Math.min(start, cur)), b = Math.min(W - M.r, Math.max(start, cur));
      brushRect.setAttribute("x", a); brushRect.setAttribute("width", Math.max(0, b - a)); brushRect.setAttribute("visibility", "visible");
    });
    root.addEventListener("pointerup", (e) => {
      if (start === null) return;
      const r = root.getBoundingClientRect(), cur = e.clientX - r.left;
      const a = Math.min(start, cur), b = Math.max(start, cur);
      start = null;
      if (b - a < 3) setWindow(null);
      else setWindow([dayAt(a), dayAt(b) - 1 < dayAt(a) ? dayAt(a) : dayAt(b) - 1]);
    });
    new ResizeObserver(() => api.render()).observe(root);
    return api;
  })();

  // ------------------------------------------------------------------ event list
  const list = (function () {
    const ol = $("#event-list"), more = $("#more"), summary = $("#list-summary");
    let offset = 0, seq = 0;
    const PAGE = 50;
    function item(e) {
      const actors = [e.actor1, e.actor2].filter(Boolean).join(" vs ");
      const li = el("li", { tabindex: 0, "data-id": e.id, class: "event-item" },
        el("span", { class: "swatch" }),
        el("span", { class: "ev-title", text: e.sub_event_type }),
        el("span", { class: "ev-date", text: e.event_date || "undated" }),
        el("span", { class: "ev-meta", text: [actors, e.location || e.admin1 || e.country, e.fatalities ? e.fatalities + " killed" : ""].filter(Boolean).join(" · ") }));
      li.firstChild.style.background = typeColor(e.event_type);
      li.addEventListener("click", () => openEvent(e.id));
      li.addEventListener("keydown", (k) => { if (k.key === "Enter") openEvent(e.id); });
      return li;
    }
    async function load(append) {
      const my = ++seq;
      if (!append) offset = 0;
      const p = windowParams(serverFilterParams());
      if (map.ready && !map.wholeWorld()) p.set("bbox", map.bbox().join(","));
      p.set("limit", PAGE); p.set("offset", offset);
      const data = await getJSON("/api/events?" + p);
      if (my !== seq) return;
      if (!append) ol.replaceChildren();
      data.events.forEach((e) => ol.append(item(e)));
      offset += data.events.length;
      summary.textContent = `${fmtN(data.total)} event${data.total === 1 ? "" : "s"} in view` + (state.window ? " and time window" : "");
      more.hidden = offset >= data.total;
    }
    more.addEventListener("click", () => load(true));
    return {
      load: () => load(false).catch(console.error),
      showIds: async (ids) => {
        ++seq;
        ol.replaceChildren();
        summary.textContent = `${ids.length} events at this spot`;
        more.hidden = true;
        showTab("events");
        for (const id of ids.slice(0, 100)) {
          try { ol.append(item(await getJSON("/api/events/" + encodeURIComponent(id)))); } catch (err) { console.error(err); }
        }
      },
    };
  })();

  // ------------------------------------------------------------------ network
  const network = (function () {
    const root = $("#network"), summary = $("#network-summary");
    let seq = 0;
    function layout(nodes, edges, W, H) {
      const n = nodes.length, index = new Map(nodes.map((d, i) => [d.id, i]));
      const xs = new Float64Array(n), ys = new Float64Array(n), vx = new Float64Array(n), vy = new Float64Array(n);
      nodes.forEach((d, i) => { const a = i * 2.399963; const r = 10 * Math.sqrt(i + 1); xs[i] = W / 2 + r * Math.cos(a); ys[i] = H / 2 + r * Math.sin(a); });
      const links = edges.map((e) => [index.get(e.source), index.get(e.target)]).filter(([a, b]) => a !== undefined && b !== undefined && a !== b);
      const k = Math.min(110, Math.sqrt((W * H) / Math.max(1, n)) * 0.4);
      for (let it = 0; it < 300; it++) {
        const temp = 1 - it / 300;
        vx.fill(0); vy.fill(0);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
          let dx = xs[i] - xs[j], dy = ys[i] - ys[j]; let d2 = dx * dx + dy * dy;
          if (d2 < 0.01) { dx = Math.random() - 0.5; dy = Math.random() - 0.5; d2 = 0.5; }
          const f = (k * k) / d2;
          vx[i] += dx * f; vy[i] += dy * f; vx[j] -= dx * f; vy[j] -= dy * f;
        }
        for (const [a, b] of links) {
          const dx = xs[a] - xs[b], dy = ys[a] - ys[b], d = Math.sqrt(dx * dx + dy * dy) || 1;
          const f = d / k;
          vx[a] -= dx * f; vy[a] -= dy * f; vx[b] += dx * f; vy[b] += dy * f;
        }
        for (let i = 0; i < n; i++) {
          vx[i] += (W / 2 - xs[i]) * 0.3; vy[i] += (H / 2 - ys[i]) * 0.3;
          const l = Math.sqrt(vx[i] * vx[i] + vy[i] * vy[i]) || 1, step = Math.min(l, 12 * temp + 0.5);
          xs[i] += vx[i] / l * step; ys[i] += vy[i] / l * step;
          xs[i] = Math.max(30, Math.min(W - 30, xs[i])); ys[i] = Math.max(16, Math.min(H - 16, ys[i]));
        }
      }
      return { xs, ys, index };
    }
    async function load() {
      const my = ++seq;
      const p = windowParams(new URLSearchParams());
      const data = await getJSON("/api/network?" + p);
      if (my !== seq) return;
      let nodes = data.nodes, edges = data.edges;
      if (nodes.length > 150) {
        nodes = nodes.slice().sort((a, b) => b.weight - a.weight).slice(0, 150);
        const keep = new Set(nodes.map((d) => d.id));
        edges = edges.filter((e) => keep.has(e.source) && keep.has(e.target));
      }
      summary.textContent = `${nodes.length} actors, ${edges.length} typed relations` + (state.window ? " in the time window" : "") + ". Click an actor for its page.";
      const r = root.getBoundingClientRect();
      const W = r.width || 560, H = r.height || 520;
      root.setAttribute("viewBox", `0 0 ${W} ${H}`);
      root.replaceChildren();
      if (!nodes.length) { svg("text", { x: 20, y: 30, text: "No relations in this window." }, root); return; }
      const { xs, ys, index } = layout(nodes, edges, W, H);
      const gEdges = svg("g", {}, root), gNodes = svg("g", {}, root);
      for (const e of edges) {
        const a = index.get(e.source), b = index.get(e.target);
        const line = svg("line", {
          x1: xs[a].toFixed(1), y1: ys[a].toFixed(1), x2: xs[b].toFixed(1), y2: ys[b].toFixed(1),
          stroke: SIGN_COLORS[String(e.sign)], "stroke-width": (1 + Math.log2(1 + e.weight)).toFixed(1),
          "stroke-opacity": 0.75, "stroke-dasharray": e.sign === 0 ? "4 3" : e.kind === "hostile" || e.kind === "allied" ? "" : "6 2",
          class: "edge", "data-kind": e.kind,
        }, gEdges);
        svg("title", { text: `${e.kind}: ${e.source} → ${e.target}\n${e.weight} evidence sentence(s), ${e.first || "?"} – ${e.last || "?"}` }, line);
      }
      const maxW = Math.max(1, ...nodes.map((d) => d.weight));
      nodes.forEach((d, i) => {
        const rad = 5 + 9 * Math.sqrt(d.weight / maxW);
        const c = svg("circle", { cx: xs[i].toFixed(1), cy: ys[i].toFixed(1), r: rad.toFixed(1), fill: ACTOR_COLORS[d.type] || ACTOR_COLORS[0], class: "node", "data-id": d.id }, gNodes);
        svg("title", { text: `${d.name}\n${d.type_name || "unknown type"} · ${d.degree} relation(s)` }, c);
        c.addEventListener("click", () => openActor(d.id));
        const right = xs[i] > W * 0.62;
        svg("text", { x: (xs[i] + (right ? -rad - 2 : rad + 2)).toFixed(1), y: (ys[i] + 3).toFixed(1), "text-anchor": right ? "end" : "start", text: d.name.length > 34 ? d.name.slice(0, 32) + "…" : d.name }, gNodes);
      });
    }
    const legend = $("#network-legend");
    for (const [label, color, dash] of [["hostile", SIGN_COLORS["-1"], false], ["allied/supports/member", SIGN_COLORS["1"], false], ["other", SIGN_COLORS["0"], true]]) {
      const s = el("span", {}, el("span", { class: "line" }), label);
      s.firstChild.style.borderTopColor = color; if (dash) s.firstChild.style.borderTopStyle = "dashed";
      legend.append(s);
    }
    ACTOR_TYPES.forEach((t, i) => { if (!i) return; const s = el("span", {}, el("span", { class: "swatch" }), " " + t); s.firstChild.style.background = ACTOR_COLORS[i]; legend.append(s); });
    return { load: () => load().catch(console.error) };
  })();

  // ------------------------------------------------------------------ tabs and detail
  function showTab(name) {
    state.tab = name;
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
    for (const p of ["events", "network", "detail"]) $("#panel-" + p).hidden = p !== name;
    if (name === "network") network.load();
    writeHashSoon();
  }
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));

  const detail = $("#panel-detail");
  function fields(pairs) {
    const dl = el("dl", { class: "fields" });
    for (const [k, v] of pairs) { if (v === "" || v === null || v === undefined) continue; dl.append(el("dt", { text: k }), el("dd", {}, v)); }
    return dl;
  }
  function actorButton(name, id) {
    if (!name) return "";
    return el("button", { type: "button", class: "actor-link", text: name, onclick: () => openActor(id || name) });
  }
  const TIME_PREC = { 1: "exact day", 2: "within a week", 3: "within a month" };
  const GEO_PREC = { 1: "town/village", 2: "near a town / district", 3: "province or larger" };

  // Article text with spans: each character range between span boundaries becomes one text node,
  // wrapped in <mark> where evidence covers it. Nothing from the data is parsed as HTML.
  function renderArticle(text, evidence, mentions) {
    const pts = new Set([0, text.length]);
    const spans = [];
    for (const e of evidence) { spans.push({ s: e.start, e: e.end, k: e.own ? "ev" : "evo" }); }
    for (const m of mentions) if (m.kind === "actor" || m.kind === "place") spans.push({ s: m.start, e: m.end, k: m.kind });
    for (const s of spans) { if (s.s >= 0 && s.e <= text.length && s.s < s.e) { pts.add(s.s); pts.add(s.e); } }
    const cuts = [...pts].sort((a, b) => a - b);
    const box = el("div", { class: "article-text" });
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i], b = cuts[i + 1];
      const cover = spans.filter((s) => s.s <= a && s.e >= b);
      const kinds = new Set(cover.map((s) => s.k));
      let node = document.createTextNode(text.slice(a, b));
      if (kinds.has("actor") || kinds.has("place")) {
        const sp = el("span", { class: kinds.has("actor") ? "m-actor" : "m-place" }); sp.append(node); node = sp;
      }
      if (kinds.has("ev") || kinds.has("evo")) {
        const mk = el("mark", { class: kinds.has("ev") ? "evidence" : "evidence other" }); mk.append(node); node = mk;
      }
      box.append(node);
    }
    return box;
  }

  async function openEvent(id) {
    state.sel = "event:" + id;
    showTab("detail");
    detail.replaceChildren(el("p", { class: "muted", text: "loading…" }));
    let e;
    try { e = await getJSON("/api/events/" + encodeURIComponent(id)); }
    catch (err) { detail.replaceChildren(el("p", { text: "No such event: " + id })); return; }
    if (state.sel !== "event:" + id) return;
    map.select(e.latitude, e.longitude);
    const sw = el("span", { class: "swatch" }); sw.style.background = typeColor(e.event_type);
    const head = el("h2", {}, sw, " ", e.sub_event_type);
    const actors = el("span", {}, actorButton(e.actor1, e.actor1_id), e.actor2 ? " vs " : "", actorButton(e.actor2, e.actor2_id));
    const place = [e.location, e.admin2, e.admin1, e.country].filter(Boolean).join(", ");
    const wrap = el("div", { class: "event-detail", "data-id": e.id }, head, fields([
      ["Type", e.event_type],
      ["Actors", actors],
      ["Associated", [e.assoc_actor_1, e.assoc_actor_2].filter(Boolean).join("; ")],
      ["Interaction", e.interaction ? `${e.interaction} (${[e.inter1_name, e.inter2_name].filter(Boolean).join(" / ")})` : ""],
      ["Date", e.event_date ? `${e.event_date} (${TIME_PREC[e.time_precision] || "precision " + e.time_precision})` : "undated"],
      ["Place", place ? `${place}${e.geo_precision ? " (" + (GEO_PREC[e.geo_precision] || "precision " + e.geo_precision) + ")" : ""}` : "unknown"],
      ["Coordinates", e.latitude !== null ? `${e.latitude}, ${e.longitude}` : ""],
      ["Fatalities", String(e.fatalities)],
      ["Confidence", String(e.confidence)],
      ["Notes", e.notes],
      ["Id", e.id],
    ]));
    wrap.append(el("h3", { text: `Sources (${e.sources.length})` }));
    const key = el("p", { class: "muted key" }, el("mark", { class: "evidence", text: "this event's evidence" }), " ",
      el("mark", { class: "evidence other", text: "other events' evidence" }), " ",
      el("span", { class: "m-actor", text: "actor" }), " ", el("span", { class: "m-place", text: "place" }));
    wrap.append(key);
    detail.replaceChildren(wrap);
    for (const s of e.sources) {
      const box = el("div", { class: "source" },
        el("div", { class: "src-title", text: s.title || s.doc_id }),
        el("div", { class: "muted", text: [s.outlet, s.published, s.url].filter(Boolean).join(" · ") }));
      wrap.append(box);
      try {
        const art = await getJSON("/api/articles/" + encodeURIComponent(s.doc_id));
        const own = new Set(s.evidence.map((v) => v.start + ":" + v.end));
        const evs = art.event_evidence.map((v) => ({ start: v.start, end: v.end, own: own.has(v.start + ":" + v.end) && v.event_id === e.id }));
        box.append(renderArticle(art.text, evs, art.mentions));
      } catch (err) {
        for (const v of s.evidence) box.append(el("p", {}, el("mark", { class: "evidence", text: v.text })));
      }
    }
    writeHashSoon();
  }

  function miniBars(perMonth) {
    const keys = Object.keys(perMonth);
    const box = svg("svg", { class: "mini", viewBox: "0 0 560 70" });
    if (!keys.length) return box;
    const toIdx = (k) => Number(k.slice(0, 4)) * 12 + Number(k.slice(5, 7)) - 1;
    const a = toIdx(keys[0]), b = toIdx(keys[keys.length - 1]);
    const max = Math.max(...Object.values(perMonth));
    const W = 560, H = 70, n = b - a + 1, bw = (W - 40) / n;
    box.setAttribute("viewBox", `0 0 ${W} ${H}`);
    for (const [k, v] of Object.entries(perMonth)) {
      const i = toIdx(k) - a, h = v / max * (H - 22);
      const r = svg("rect", { x: (20 + i * bw).toFixed(1), y: (H - 14 - h).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: h.toFixed(1), fill: "#4c6f94" }, box);
      svg("title", { text: `${k}: ${v}` }, r);
    }
    svg("text", { x: 20, y: H - 2, text: keys[0] }, box);
    svg("text", { x: W - 20, y: H - 2, "text-anchor": "end", text: keys[keys.length - 1] }, box);
    svg("text", { x: 20, y: 10, text: `max ${max}/month` }, box);
    return box;
  }

  function spansChart(items, colorOf) {
    // items: [{label, start, end, kind}] with ISO dates or null; one row each.
    const dated = items.flatMap((i) => [i.start, i.end]).filter(Boolean).map(isoToDay);
    const now = Math.floor(Date.now() / DAY);
    const lo = dated.length ? Math.min(...dated) - 180 : now - 3650, hi = Math.max(now, ...dated);
    const W = 560, row = 16, H = items.length * row + 18;
    const box = svg("svg", { class: "mini", viewBox: `0 0 ${W} ${H}` });
    const x = (d) => 230 + (d - lo) / Math.max(1, hi - lo) * (W - 240);
    items.forEach((it, i) => {
      const y = i * row + 4;
      svg("text", { x: 0, y: y + 10, text: it.label.length > 40 ? it.label.slice(0, 38) + "…" : it.label }, box);
      const s = it.start ? isoToDay(it.start) : lo, e = it.end ? isoToDay(it.end) : hi;
      const r = svg("rect", { x: x(s).toFixed(1), y, width: Math.max(2, x(e) - x(s)).toFixed(1), height: row - 5, rx: 2, fill: colorOf(it), "fill-opacity": it.start || it.end ? 0.85 : 0.35 }, box);
      svg("title", { text: `${it.label}: ${it.start || "?"} – ${it.end || "…"}` }, r);
    });
    svg("text", { x: 230, y: H - 2, text: dayToIso(lo).slice(0, 4) }, box);
    svg("text", { x: W - 10, y: H - 2, "text-anchor": "end", text: dayToIso(hi).slice(0, 4) }, box);
    return box;
  }

  async function openActor(id) {
    state.sel = "actor:" + id;
    showTab("detail");
    detail.replaceChildren(el("p", { class: "muted", text: "loading…" }));
    let a;
    try { a = await getJSON("/api/actors/" + encodeURIComponent(id)); }
    catch (err) { detail.replaceChildren(el("p", { text: "No such actor: " + id })); return; }
    if (state.sel !== "actor:" + id) return;
    map.select(null);
    const filterBtn = el("button", { type: "button", text: "Show this actor's events on the map", onclick: () => setActorFilter(a.id, a.name) });
    const wrap = el("div", { class: "actor-page", "data-id": a.id },
      el("h2", { text: a.name }),
      fields([
        ["Type", a.type_name || (a.in_kb ? String(a.type) : "not in the knowledge base")],
        ["Kind", a.kind],
        ["Country", a.country],
        ["Active", a.active_from || a.active_to ? `${a.active_from || "?"} – ${a.active_to || "…"}` : ""],
        ["Events", String(a.event_count)],
        ["Id", a.id],
      ]),
      filterBtn);
    const aliases = [...new Set([...(a.aliases || []), ...(a.names_in_store || [])])].filter((n) => n !== a.name);
    if (aliases.length) {
      wrap.append(el("h3", { text: "Names and aliases" }));
      const p = el("p"); aliases.forEach((n) => p.append(el("span", { class: "chip", text: n }))); wrap.append(p);
    }
    const aff = [
      ...a.links.map((l) => ({ label: `${l.kind.replace(/_/g, " ")} ${l.target_name}`, start: l.start, end: l.end, kind: l.kind, id: l.target })),
      ...a.linked_from.map((l) => ({ label: `${l.source_name} ${l.kind.replace(/_/g, " ")} this`, start: l.start, end: l.end, kind: l.kind, id: l.source })),
    ];
    if (aff.length) {
      wrap.append(el("h3", { text: "Affiliations and known relations over time" }));
      wrap.append(spansChart(aff, (it) => it.kind === "hostile" || it.kind === "split_from" ? SIGN_COLORS["-1"] : it.kind === "allied" || it.kind === "supports" || it.kind === "member_of" || it.kind === "affiliate_of" ? SIGN_COLORS["1"] : "#8a939d"));
      const ul = el("ul", { class: "evlist" });
      for (const it of aff) ul.append(el("li", { onclick: () => openActor(it.id) }, `${it.label} (${it.start || "?"} – ${it.end || "…"})`));
      wrap.append(ul);
    }
    wrap.append(el("h3", { text: `Relations found in the news (${a.relations.length})` }));
    if (a.relations.length) {
      const rel = a.relations.map((r) => {
        const other = r.source_id === a.id || r.source === a.id ? { name: r.target, id: r.target_id || r.target } : { name: r.source, id: r.source_id || r.source };
        return { ...r, other };
      });
      const dated = rel.filter((r) => r.date);
      if (dated.length) wrap.append(spansChart(dated.map((r) => ({ label: `${r.kind} · ${r.other.name}`, start: r.date, end: r.date, sign: r.sign })), (it) => SIGN_COLORS[String(it.sign)]));
      const ul = el("ul", { class: "evlist" });
      for (const r of rel) ul.append(el("li", { onclick: () => openActor(r.other.id) }, `${r.date || "undated"} — ${r.kind} — ${r.source} → ${r.target} (${r.evidence} evidence)`));
      wrap.append(ul);
    } else wrap.append(el("p", { class: "muted", text: "none" }));
    wrap.append(el("h3", { text: "Events per month" }), miniBars(a.events_per_month));
    wrap.append(el("h3", { text: `Events (${a.event_count}${a.event_count > a.events.length ? ", latest " + a.events.length : ""})` }));
    const ul = el("ul", { class: "evlist" });
    for (const e of a.events) {
      const sw = el("span", { class: "swatch" }); sw.style.background = typeColor(e.event_type);
      ul.append(el("li", { onclick: () => openEvent(e.id) }, sw, ` ${e.event_date || "undated"} — ${e.sub_event_type} — ${[e.actor1, e.actor2].filter(Boolean).join(" vs ")}${e.location ? " — " + e.location : ""}`));
    }
    wrap.append(ul);
    detail.replaceChildren(wrap);
    writeHashSoon();
  }

  // ------------------------------------------------------------------ filters
  const fActor = $("#f-actor"), sugg = $("#actor-suggestions"), fType = $("#f-type"), fAdmin = $("#f-admin1");
  const fSince = $("#f-since"), fUntil = $("#f-until"), fQ = $("#f-q");
  let suggestions = [], activeSugg = -1;
  function syncInputs() {
    fActor.value = state.filters.actorName || state.filters.actor;
    fType.value = state.filters.type; fAdmin.value = state.filters.admin1; fQ.value = state.filters.q;
    fSince.value = state.window && state.window[0] > -1e6 ? dayToIso(state.window[0]) : "";
    fUntil.value = state.window && state.window[1] < 1e6 ? dayToIso(state.window[1]) : "";
  }
  function setActorFilter(id, name) {
    state.filters.actor = id; state.filters.actorName = name || id;
    syncInputs(); reloadPoints(); writeHash();
  }
  const suggest = debounce(async () => {
    const q = fActor.value.trim();
    if (!q) { sugg.hidden = true; if (state.filters.actor) setActorFilter("", ""); return; }
    const data = await getJSON("/api/actors?limit=12&q=" + encodeURIComponent(q));
    suggestions = data.actors; activeSugg = -1;
    sugg.replaceChildren(...suggestions.map((a, i) => {
      const li = el("li", { role: "option", "data-i": i }, a.name, el("small", { text: [a.type_name, a.events ? a.events + " events" : "", (a.aliases || []).filter((n) => n !== a.name).slice(0, 3).join(", ")].filter(Boolean).join(" · ") }));
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); pick(i); });
      return li;
    }));
    sugg.hidden = !suggestions.length;
  }, 150);
  function pick(i) {
    const a = suggestions[i]; if (!a) return;
    sugg.hidden = true;
    setActorFilter(a.id, a.name);
  }
  fActor.addEventListener("input", suggest);
  fActor.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      activeSugg = Math.max(0, Math.min(suggestions.length - 1, activeSugg + (e.key === "ArrowDown" ? 1 : -1)));
      [...sugg.children].forEach((li, i) => li.classList.toggle("active", i === activeSugg));
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (activeSugg >= 0) pick(activeSugg);
      else if (fActor.value.trim()) { sugg.hidden = true; setActorFilter(fActor.value.trim(), fActor.value.trim()); }
    } else if (e.key === "Escape") sugg.hidden = true;
  });
  fActor.addEventListener("blur", () => setTimeout(() => { sugg.hidden = true; }, 150));
  fType.addEventListener("change", () => { state.filters.type = fType.value; reloadPoints(); writeHash(); });
  fAdmin.addEventListener("change", () => { state.filters.admin1 = fAdmin.value; reloadPoints(); writeHash(); });
  fQ.addEventListener("change", () => { state.filters.q = fQ.value.trim(); reloadPoints(); writeHash(); });
  function dateInputs() {
    const s = isoToDay(fSince.value), u = isoToDay(fUntil.value);
    setWindow(s === null && u === null ? null : [s ?? -1e6, u ?? 1e6]);
  }
  fSince.addEventListener("change", dateInputs);
  fUntil.addEventListener("change", dateInputs);
  $("#f-reset").addEventListener("click", () => {
    state.filters = { actor: "", actorName: "", type: "", admin1: "", q: "" };
    state.window = null; syncInputs(); reloadPoints(); writeHash();
  });
  $("#home").addEventListener("click", (e) => { e.preventDefault(); $("#f-reset").click(); map.fit(); showTab("events"); });

  function setWindow(w) {
    state.window = w;
    syncInputs();
    map.setWindow();
    timeline.showBrush();
    list.load();
    if (state.tab === "network") network.load();
    updateSummary();
    writeHash();
  }
  function updateSummary() {
    const pts = state.points; if (!pts) return;
    let n = 0, f = 0;
    const w = state.window;
    for (let i = 0; i < pts.id.length; i++) {
      const d = pts.day[i];
      if (!w || (d !== null && d >= w[0] && d <= w[1])) { n++; f += pts.fatalities[i]; }
    }
    $("#summary").textContent = `${fmtN(n)} mapped events · ${fmtN(f)} fatalities` + (state.stats ? ` · ${fmtN(state.stats.counts.documents)} articles` : "");
  }
  function onViewChange() { list.load(); }

  let pointsSeq = 0;
  async function reloadPoints(fit, prefetched) {
    const my = ++pointsSeq;
    const pts = await (prefetched || getJSON("/api/points?" + serverFilterParams()));
    if (my !== pointsSeq) return;
    performance.mark("points-parsed");
    state.points = pts;
    map.setPoints(pts);
    performance.mark("points-drawn");
    if (fit) map.fit();
    performance.mark("map-fitted");
    timeline.render();
    performance.mark("timeline-drawn");
    if (map.ready) list.load();
    if (state.tab === "network" && map.ready) network.load();
    updateSummary();
  }

  // ------------------------------------------------------------------ start
  async function start() {
    readHash();
    const points = getJSON("/api/points?" + serverFilterParams());  // the largest answer: ask first
    const [stats, land] = await Promise.all([getJSON("/api/stats"), getJSON("/static/countries.geojson")]);
    state.stats = stats;
    for (const t of stats.event_types) fType.append(el("option", { value: t, text: t }));
    for (const a of Object.keys(stats.by_admin1).sort()) fAdmin.append(el("option", { value: a, text: `${a} (${stats.by_admin1[a]})` }));
    const legend = $("#legend");
    for (const t of stats.event_types) { const s = el("span", { class: "swatch" }); s.style.background = typeColor(t); legend.append(el("div", {}, s, t)); }
    legend.append(el("div", { class: "muted", text: "size: fatalities · rings: clusters" }));
    syncInputs();
    map.resize();
    map.setLand(land);
    if (stats.admin_areas && stats.admin_areas["1"]) getJSON("/api/admin-areas?level=1").then((fc) => map.setAreas(1, fc)).catch(console.error);
    if (stats.admin_areas && stats.admin_areas["2"]) getJSON("/api/admin-areas?level=2").then((fc) => map.setAreas(2, fc)).catch(console.error);
    await reloadPoints(!state.mapView, points);
    if (state.mapView) map.setViewString(state.mapView);
    map.ready = true;
    map.cancelPending();  // the list is loaded once, here, for the initial view
    timeline.showBrush();
    await list.load();
    if (state.sel.startsWith("event:")) openEvent(state.sel.slice(6));
    else if (state.sel.startsWith("actor:")) openActor(state.sel.slice(6));
    else showTab(state.tab);
    window.__frontlines.ready = true;
    document.body.dataset.ready = "1";
  }
  window.addEventListener("hashchange", () => {
    const before = JSON.stringify([state.filters, state.window, state.sel]);
    readHash();
    if (JSON.stringify([state.filters, state.window, state.sel]) === before) return;
    syncInputs(); reloadPoints(!state.mapView);
    if (state.sel.startsWith("event:")) openEvent(state.sel.slice(6));
    else if (state.sel.startsWith("actor:")) openActor(state.sel.slice(6));
  });
  start().catch((err) => { console.error(err); $("#summary").textContent = "failed to load: " + err.message; });
})();
