// Suara Ads report pages: reads /v1/reports/* with the key from this tab's session storage and draws the
// totals, a chart (inline SVG) and the rows. All data goes into the DOM as text, never as markup.
(function () {
  'use strict';

  var KEY_STORE = 'suara-ads.report-key';
  var SVG = 'http://www.w3.org/2000/svg';
  var $ = function (id) { return document.getElementById(id); };

  var form = $('query');
  var state = { report: null, series: null, query: null, parent: null };

  // ---- small helpers ------------------------------------------------------------------------------------

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  var numberFormat = new Intl.NumberFormat('en');
  function num(n) { return numberFormat.format(Number(n) || 0); }
  function pct(ctr) { return ((Number(ctr) || 0) * 100).toFixed(2) + '%'; }

  function isoDay(d) {
    var m = String(d.getMonth() + 1).padStart(2, '0');
    var day = String(d.getDate()).padStart(2, '0');
    return d.getFullYear() + '-' + m + '-' + day;
  }

  function addDays(day, n) {
    var d = new Date(day + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function setStatus(text) { $('status').textContent = text || ''; }

  function showError(text) {
    var box = $('error');
    clear(box);
    if (!text) { box.hidden = true; return; }
    box.appendChild(el('strong', null, 'Could not load the report. '));
    box.appendChild(document.createTextNode(text));
    box.hidden = false;
  }

  // ---- the key: session storage only ---------------------------------------------------------------------

  function key() { return $('key').value.trim(); }

  function rememberKey() {
    try { sessionStorage.setItem(KEY_STORE, key()); } catch (e) { /* storage may be off */ }
  }

  // ---- fetching -----------------------------------------------------------------------------------------

  function ReportError(message, status) { this.message = message; this.status = status; }

  async function problemMessage(response) {
    var detail = '';
    try {
      var body = await response.json();
      if (body && typeof body === 'object') {
        detail = body.detail || body.title || '';
        if (body.errors && typeof body.errors === 'object') {
          var parts = Object.keys(body.errors).map(function (f) { return f + ': ' + [].concat(body.errors[f]).join(', '); });
          if (parts.length) { detail = (detail ? detail + ' ' : '') + parts.join('; ') + '.'; }
        }
      }
    } catch (e) { /* not JSON */ }
    if (response.status === 401) {
      // The server's detail says whether the key was missing or not known.
      return detail || 'Please enter your report key (or the admin key).';
    }
    if (response.status === 404) {
      return 'There is no such report for this key. ' + detail;
    }
    return detail || ('The server answered ' + response.status + '.');
  }

  function reportUrl(q, format) {
    var path = q.kind === 'campaign' ? '/v1/reports/campaigns/' : '/v1/reports/advertisers/';
    var params = new URLSearchParams({ from: q.from, to: q.to });
    if (q.kind === 'campaign') { params.set('granularity', q.granularity); }
    if (format) { params.set('format', format); }
    return path + encodeURIComponent(q.id) + '?' + params.toString();
  }

  async function get(url) {
    var response = await fetch(url, {
      headers: { Authorization: 'Bearer ' + key(), Accept: 'application/json, text/csv' },
      credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
    });
    if (!response.ok) { throw new ReportError(await problemMessage(response), response.status); }
    return response;
  }

  async function getJson(url) { return (await get(url)).json(); }

  // ---- series: impressions and clicks by time, every day or hour of the range ----------------------------

  function buildSeries(rows, q) {
    var sums = new Map();
    rows.forEach(function (r) {
      var s = sums.get(r.time) || { impressions: 0, clicks: 0 };
      s.impressions += Number(r.impressions) || 0;
      s.clicks += Number(r.clicks) || 0;
      sums.set(r.time, s);
    });
    var times = [];
    var hourly = q.kind === 'campaign' && q.granularity === 'hour';
    var offset = '';
    if (hourly) {
      var sample = rows.length ? String(rows[0].time) : '';
      var m = /([+-]\d\d:\d\d|Z)$/.exec(sample);
      offset = m ? m[1] : '';
    }
    if (!hourly || offset) {
      for (var day = q.from; day <= q.to && times.length < 24 * 400; day = addDays(day, 1)) {
        if (!hourly) { times.push(day); continue; }
        for (var h = 0; h < 24; h++) { times.push(day + 'T' + String(h).padStart(2, '0') + ':00:00' + offset); }
      }
    }
    sums.forEach(function (_, t) { if (times.indexOf(t) < 0) { times.push(t); } });
    times.sort();
    return times.map(function (t) {
      var s = sums.get(t) || { impressions: 0, clicks: 0 };
      return { time: t, impressions: s.impressions, clicks: s.clicks };
    });
  }

  function label(time, hourly) {
    if (hourly) { return time.slice(5, 10) + ' ' + time.slice(11, 16); }
    return time.slice(5, 10);
  }

  // A step for `ticks` gridlines that covers v: 1, 2, 2.5 or 5 times a power of ten, whole numbers only (counts).
  function niceStep(v, ticks) {
    var raw = Math.max(v / ticks, 1);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      var step = steps[i] * p;
      if (step >= raw && Math.round(step) === step) { return step; }
    }
    return 10 * p;
  }

  // ---- rendering ----------------------------------------------------------------------------------------

  function drawChart() {
    var box = $('chart');
    clear(box);
    var series = state.series;
    if (!series || series.length === 0) { box.appendChild(el('p', { 'class': 'empty' }, 'No data in this range.')); return; }
    var hourly = state.query.kind === 'campaign' && state.query.granularity === 'hour';
    var width = Math.max(320, Math.floor(box.clientWidth || 640));
    var height = width < 560 ? 240 : 300;
    var pad = { left: 56, right: 52, top: 16, bottom: 40 };
    var w = width - pad.left - pad.right;
    var h = height - pad.top - pad.bottom;
    var ticks = 4;
    var stepI = niceStep(Math.max.apply(null, series.map(function (p) { return p.impressions; })), ticks);
    var stepC = niceStep(Math.max.apply(null, series.map(function (p) { return p.clicks; })), ticks);
    var maxI = stepI * ticks;
    var maxC = stepC * ticks;
    var n = series.length;
    var x = function (i) { return pad.left + (n === 1 ? w / 2 : (i * w) / (n - 1)); };
    var yI = function (v) { return pad.top + h - (v / maxI) * h; };
    var yC = function (v) { return pad.top + h - (v / maxC) * h; };

    var root = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'class': 'chart-svg' });
    root.appendChild(svg('title', null, 'Impressions (left axis) and clicks (right axis) by ' + (hourly ? 'hour' : 'day')));

    // Grid and the two value axes.
    for (var t = 0; t <= ticks; t++) {
      var y = pad.top + h - (t * h) / ticks;
      root.appendChild(svg('line', { x1: pad.left, x2: pad.left + w, y1: y, y2: y, 'class': t === 0 ? 'axis' : 'grid' }));
      root.appendChild(svg('text', { x: pad.left - 8, y: y + 4, 'text-anchor': 'end', 'class': 'tick impressions' }, num(stepI * t)));
      root.appendChild(svg('text', { x: pad.left + w + 8, y: y + 4, 'text-anchor': 'start', 'class': 'tick clicks' }, num(stepC * t)));
    }

    // Time labels: as many as fit.
    var every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(w / 70))));
    for (var i = 0; i < n; i += every) {
      root.appendChild(svg('line', { x1: x(i), x2: x(i), y1: pad.top + h, y2: pad.top + h + 5, 'class': 'axis' }));
      root.appendChild(svg('text', { x: x(i), y: pad.top + h + 20, 'text-anchor': 'middle', 'class': 'tick' }, label(series[i].time, hourly)));
    }

    function line(y, key, cls) {
      var d = series.map(function (p, j) { return (j === 0 ? 'M' : 'L') + x(j).toFixed(1) + ' ' + y(p[key]).toFixed(1); }).join(' ');
      root.appendChild(svg('path', { d: d, 'class': 'line ' + cls }));
      if (n <= 62) {
        series.forEach(function (p, j) {
          var dot = svg('circle', { cx: x(j).toFixed(1), cy: y(p[key]).toFixed(1), r: 3, 'class': 'dot ' + cls });
          dot.appendChild(svg('title', null, p.time + ': ' + num(p[key]) + ' ' + key));
          root.appendChild(dot);
        });
      }
    }
    line(yI, 'impressions', 'impressions');
    line(yC, 'clicks', 'clicks');

    box.appendChild(root);
    var legend = el('div', { 'class': 'legend' });
    legend.appendChild(el('span', { 'class': 'key impressions' }, 'Impressions (left)'));
    legend.appendChild(el('span', { 'class': 'key clicks' }, 'Clicks (right)'));
    box.appendChild(legend);
  }

  function drawTiles(totals) {
    var tiles = $('tiles');
    clear(tiles);
    [['served', 'Served', num(totals.served)], ['impressions', 'Impressions', num(totals.impressions)],
      ['viewable', 'Viewable', num(totals.viewable)], ['clicks', 'Clicks', num(totals.clicks)],
      ['ctr', 'CTR', pct(totals.ctr)], ['invalid', 'Invalid (not billed)', num(totals.invalid || 0)]].forEach(function (t) {
      var tile = el('div', { 'class': 'tile', 'data-metric': t[0] });
      tile.appendChild(el('span', { 'class': 'tile-label' }, t[1]));
      tile.appendChild(el('span', { 'class': 'tile-value' }, t[2]));
      tiles.appendChild(tile);
    });
  }

  function drawTable(report, q) {
    var table = $('rows');
    clear(table);
    var campaign = q.kind === 'campaign';
    var columns = campaign
      ? [['time', 'Time'], ['creativeId', 'Creative'], ['placement', 'Placement']]
      : [['campaignId', 'Campaign'], ['name', 'Name']];
    columns = columns.concat([['served', 'Served'], ['impressions', 'Impressions'], ['viewable', 'Viewable'], ['clicks', 'Clicks'], ['ctr', 'CTR'], ['invalid', 'Invalid']]);
    var head = el('thead');
    var hr = el('tr');
    columns.forEach(function (c) { hr.appendChild(el('th', { scope: 'col', 'class': c[0] === 'served' || c[0] === 'impressions' || c[0] === 'viewable' || c[0] === 'clicks' || c[0] === 'ctr' || c[0] === 'invalid' ? 'n' : '' }, c[1])); });
    head.appendChild(hr);
    table.appendChild(head);
    var body = el('tbody');
    report.rows.forEach(function (r) {
      var tr = el('tr');
      columns.forEach(function (c) {
        var td;
        if (c[0] === 'campaignId') {
          td = el('td');
          var open = el('button', { type: 'button', 'class': 'link', title: 'Open this campaign\'s report' }, r.campaignId);
          open.addEventListener('click', function () { openCampaign(r.campaignId); });
          td.appendChild(open);
        } else if (c[0] === 'ctr') {
          td = el('td', { 'class': 'n' }, pct(r.ctr));
        } else if (c[0] === 'served' || c[0] === 'impressions' || c[0] === 'viewable' || c[0] === 'clicks' || c[0] === 'invalid') {
          td = el('td', { 'class': 'n' }, num(r[c[0]]));
        } else {
          td = el('td', null, r[c[0]]);
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    if (report.rows.length === 0) {
      var none = el('tr');
      none.appendChild(el('td', { colspan: String(columns.length), 'class': 'empty' }, 'No rows in this range.'));
      body.appendChild(none);
    }
    table.appendChild(body);
    $('table-title').textContent = campaign ? 'Rows by ' + q.granularity + ', creative and placement' : 'Campaigns';
  }

  function render(report, series, q) {
    state.report = report;
    state.series = series;
    state.query = q;
    var campaign = q.kind === 'campaign';
    $('title').textContent = (campaign ? 'Campaign ' : 'Advertiser ') + (campaign ? report.campaignId : report.advertiserId);
    $('subtitle').textContent = report.from + ' to ' + report.to + (report.timeZone ? ' (' + report.timeZone + ')' : '') +
      (campaign ? ', by ' + report.granularity : '');
    $('back').hidden = !(campaign && state.parent);
    drawTiles(report.totals);
    drawTable(report, q);
    $('report').hidden = false;
    drawChart();
  }

  // ---- the query ----------------------------------------------------------------------------------------

  function readQuery() {
    return {
      kind: $('kind').value === 'campaign' ? 'campaign' : 'advertiser',
      id: $('id').value.trim(),
      from: $('from').value,
      to: $('to').value,
      granularity: $('granularity').value === 'hour' ? 'hour' : 'day',
    };
  }

  var loading = 0;

  async function load(q) {
    var ticket = ++loading;
    showError('');
    setStatus('Loading…');
    $('show').disabled = true;
    try {
      var report, rows;
      if (q.kind === 'campaign') {
        report = await getJson(reportUrl(q));
        rows = report.rows;
      } else {
        // The advertiser report has one row per campaign; the chart adds up the campaigns' daily rows.
        report = await getJson(reportUrl(q));
        var daily = await Promise.all(report.rows.map(function (r) {
          return getJson(reportUrl({ kind: 'campaign', id: r.campaignId, from: report.from, to: report.to, granularity: 'day' }));
        }));
        rows = [].concat.apply([], daily.map(function (d) { return d.rows; }));
        if (daily.length) { report.timeZone = daily[0].timeZone; }
      }
      if (ticket !== loading) { return; }
      render(report, buildSeries(rows, { kind: q.kind, granularity: q.granularity, from: report.from, to: report.to }), q);
      setStatus('');
    } catch (e) {
      if (ticket !== loading) { return; }
      $('report').hidden = true;
      clear($('rows'));
      clear($('chart'));
      clear($('tiles'));
      setStatus('');
      showError(e instanceof ReportError ? e.message : 'The server could not be reached (' + (e && e.message ? e.message : e) + ').');
      if (e instanceof ReportError && e.status === 401) { $('key').focus(); }
    } finally {
      if (ticket === loading) { $('show').disabled = false; }
    }
  }

  function syncGranularity() {
    var campaign = $('kind').value === 'campaign';
    $('granularity').disabled = !campaign;
    $('granularity').closest('.field').classList.toggle('off', !campaign);
    $('id').placeholder = campaign ? 'e.g. skyway-london' : 'e.g. skyway';
  }

  function openCampaign(id) {
    state.parent = readQuery();
    $('kind').value = 'campaign';
    $('id').value = id;
    syncGranularity();
    load(readQuery());
  }

  async function downloadCsv() {
    var q = state.query;
    if (!q) { return; }
    var button = $('csv');
    button.disabled = true;
    try {
      var response = await get(reportUrl(q, 'csv'));
      var blob = await response.blob();
      var name = (q.id + '-' + q.from + '-' + q.to + '.csv').replace(/[^A-Za-z0-9._-]/g, '_');
      var match = /filename="?([A-Za-z0-9._-]+)"?/.exec(response.headers.get('Content-Disposition') || '');
      if (match) { name = match[1]; }
      var url = URL.createObjectURL(blob);
      var a = el('a', { href: url, download: name });
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    } catch (e) {
      showError(e instanceof ReportError ? e.message : 'The CSV could not be downloaded.');
    } finally {
      button.disabled = false;
    }
  }

  // ---- wiring -------------------------------------------------------------------------------------------

  var today = new Date();
  var first = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 29);
  $('from').value = isoDay(first);
  $('to').value = isoDay(today);
  try { $('key').value = sessionStorage.getItem(KEY_STORE) || ''; } catch (e) { /* storage may be off */ }
  syncGranularity();

  $('kind').addEventListener('change', syncGranularity);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    rememberKey();
    state.parent = null;
    load(readQuery());
  });
  $('forget').addEventListener('click', function () {
    try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* storage may be off */ }
    $('key').value = '';
    $('key').focus();
  });
  $('back').addEventListener('click', function () {
    var parent = state.parent;
    if (!parent) { return; }
    state.parent = null;
    $('kind').value = parent.kind;
    $('id').value = parent.id;
    $('from').value = parent.from;
    $('to').value = parent.to;
    syncGranularity();
    load(parent);
  });
  $('csv').addEventListener('click', downloadCsv);

  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (state.series && !$('report').hidden) { drawChart(); } }, 100);
  });
})();
