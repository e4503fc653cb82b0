// Suara Ads report pages: reads /v1/reports/* with the key from this tab's session storage and draws the
// totals, two charts (inline SVG) and the rows. All data goes into the DOM as text, never as markup.
(function () {
  'use strict';

  var KEY_STORE = 'suara-ads.report-key';
  var SVG = 'http://www.w3.org/2000/svg';
  var $ = function (id) { return document.getElementById(id); };

  // What differs between the three reports: where they are read, whether they come by hour, how they are named.
  var KINDS = {
    advertiser: { path: '/v1/reports/advertisers/', title: 'Advertiser ', hourly: false, example: 'e.g. skyway',
      idOf: function (r) { return r.advertiserId; } },
    campaign: { path: '/v1/reports/campaigns/', title: 'Campaign ', hourly: true, example: 'e.g. skyway-london',
      idOf: function (r) { return r.campaignId; } },
    site: { path: '/v1/reports/sites/', title: 'Site ', hourly: true, example: 'e.g. suara',
      idOf: function (r) { return r.siteId; } },
  };

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

  var NONE = '\u2014';
  var numberFormat = new Intl.NumberFormat('en');
  var centsFormat = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  function num(n) { return numberFormat.format(Number(n) || 0); }
  function pct(rate) { return ((Number(rate) || 0) * 100).toFixed(2) + '%'; }
  function money(amount, currency) { return (currency ? currency + ' ' : '') + centsFormat.format(Number(amount) || 0); }

  // The amounts of one total or row as text: none (no rate), one, or one per currency (several currencies).
  function amounts(amount, currency, byCurrency) {
    if (amount !== undefined && amount !== null) { return [money(amount, currency)]; }
    if (byCurrency && typeof byCurrency === 'object') {
      return Object.keys(byCurrency).sort().map(function (c) { return money(byCurrency[c], c); });
    }
    return [];
  }

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

  function isHourly(q) { return KINDS[q.kind].hourly && q.granularity === 'hour'; }

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

  async function problemMessage(response, q) {
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
      return detail || 'Please enter your report key (or an admin, trafficker or reporter key).';
    }
    if (response.status === 403) {
      return q.kind === 'site'
        ? 'The site report needs an admin, trafficker or reporter key; an advertiser\'s report key cannot read it.'
        : (detail || 'This key may not read this report.');
    }
    if (response.status === 404) {
      return 'There is no such report for this key. ' + detail;
    }
    return detail || ('The server answered ' + response.status + '.');
  }

  function reportUrl(q, format) {
    var kind = KINDS[q.kind];
    var params = new URLSearchParams({ from: q.from, to: q.to });
    if (kind.hourly) { params.set('granularity', q.granularity); }
    if (format) { params.set('format', format); }
    return kind.path + encodeURIComponent(q.id) + '?' + params.toString();
  }

  async function get(url, q) {
    var response = await fetch(url, {
      headers: { Authorization: 'Bearer ' + key(), Accept: 'application/json, text/csv' },
      credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
    });
    if (!response.ok) { throw new ReportError(await problemMessage(response, q), response.status); }
    return response;
  }

  async function getJson(url, q) { return (await get(url, q)).json(); }

  // ---- series: counts and rates by time, every day or hour of the range ----------------------------------

  var SUMMED = ['impressions', 'viewable', 'clicks', 'requested', 'filled'];

  function buildSeries(rows, q) {
    var sums = new Map();
    rows.forEach(function (r) {
      var s = sums.get(r.time);
      if (!s) { s = {}; SUMMED.forEach(function (k) { s[k] = 0; }); sums.set(r.time, s); }
      SUMMED.forEach(function (k) { s[k] += Number(r[k]) || 0; });
    });
    var times = [];
    var hourly = isHourly(q);
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
      var p = { time: t };
      var s = sums.get(t);
      SUMMED.forEach(function (k) { p[k] = s ? s[k] : 0; });
      // A rate of nothing is no rate: a gap in the line, not 0 %.
      p.viewableRate = p.impressions > 0 ? p.viewable / p.impressions : null;
      p.fillRate = p.requested > 0 ? p.filled / p.requested : null;
      return p;
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

  // The scale of one value axis: counts from 0 to a round maximum, or rates from 0 % to 100 %.
  function axis(series, lines, rate) {
    var ticks = 4;
    if (rate) {
      return { max: 1, step: 0.25, ticks: ticks, format: function (v) { return Math.round(v * 100) + '%'; }, exact: pct };
    }
    var max = 0;
    lines.forEach(function (l) { series.forEach(function (p) { max = Math.max(max, Number(p[l.key]) || 0); }); });
    var step = niceStep(max, ticks);
    return { max: step * ticks, step: step, ticks: ticks, format: num, exact: num };
  }

  // ---- charts -------------------------------------------------------------------------------------------

  // What each report draws: two charts side by side, each with its lines on a left and maybe a right axis.
  function chartsOf(kind) {
    if (kind === 'site') {
      return [
        { title: 'Requested and filled', lines: [
          { key: 'requested', label: 'Requested', cls: 'requested', axis: 'left' },
          { key: 'filled', label: 'Filled', cls: 'filled', axis: 'left' }] },
        { title: 'Fill rate', rate: true, lines: [{ key: 'fillRate', label: 'Fill rate', cls: 'fill-rate', axis: 'left' }] },
      ];
    }
    return [
      { title: 'Impressions and clicks', lines: [
        { key: 'impressions', label: 'Impressions', cls: 'impressions', axis: 'left' },
        { key: 'clicks', label: 'Clicks', cls: 'clicks', axis: 'right' }] },
      { title: 'Viewability', rate: true, lines: [{ key: 'viewableRate', label: 'Viewable rate', cls: 'viewable-rate', axis: 'left' }] },
    ];
  }

  function drawChart(box, series, spec, hourly) {
    clear(box);
    if (!series || series.length === 0) { box.appendChild(el('p', { 'class': 'empty' }, 'No data in this range.')); return; }
    var width = Math.max(300, Math.floor(box.clientWidth || 520));
    var height = width < 460 ? 220 : 260;
    var left = spec.lines.filter(function (l) { return l.axis === 'left'; });
    var right = spec.lines.filter(function (l) { return l.axis === 'right'; });
    var pad = { left: 56, right: right.length ? 52 : 16, top: 16, bottom: 40 };
    var w = width - pad.left - pad.right;
    var h = height - pad.top - pad.bottom;
    var axes = { left: axis(series, left, spec.rate), right: right.length ? axis(series, right, spec.rate) : null };
    var n = series.length;
    var x = function (i) { return pad.left + (n === 1 ? w / 2 : (i * w) / (n - 1)); };
    var yOf = function (a) { return function (v) { return pad.top + h - (v / a.max) * h; }; };

    var names = spec.lines.map(function (l) { return l.label + (right.length ? (l.axis === 'left' ? ' (left axis)' : ' (right axis)') : ''); });
    var root = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'class': 'chart-svg' });
    root.appendChild(svg('title', null, names.join(' and ') + ' by ' + (hourly ? 'hour' : 'day')));

    // Grid and the value axes, each labelled in the colour of its first line.
    var ticks = axes.left.ticks;
    for (var t = 0; t <= ticks; t++) {
      var y = pad.top + h - (t * h) / ticks;
      root.appendChild(svg('line', { x1: pad.left, x2: pad.left + w, y1: y, y2: y, 'class': t === 0 ? 'axis' : 'grid' }));
      root.appendChild(svg('text', { x: pad.left - 8, y: y + 4, 'text-anchor': 'end', 'class': 'tick ' + left[0].cls }, axes.left.format(axes.left.step * t)));
      if (axes.right) {
        root.appendChild(svg('text', { x: pad.left + w + 8, y: y + 4, 'text-anchor': 'start', 'class': 'tick ' + right[0].cls }, axes.right.format(axes.right.step * t)));
      }
    }

    // Time labels: as many as fit.
    var every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(w / 70))));
    for (var i = 0; i < n; i += every) {
      root.appendChild(svg('line', { x1: x(i), x2: x(i), y1: pad.top + h, y2: pad.top + h + 5, 'class': 'axis' }));
      root.appendChild(svg('text', { x: x(i), y: pad.top + h + 20, 'text-anchor': 'middle', 'class': 'tick' }, label(series[i].time, hourly)));
    }

    spec.lines.forEach(function (l) {
      var a = axes[l.axis];
      var y = yOf(a);
      // A point without a value (a rate of nothing) breaks the line.
      var d = '';
      var pen = 'M';
      series.forEach(function (p, j) {
        if (p[l.key] === null) { pen = 'M'; return; }
        d += pen + x(j).toFixed(1) + ' ' + y(p[l.key]).toFixed(1) + ' ';
        pen = 'L';
      });
      if (d) { root.appendChild(svg('path', { d: d.trim(), 'class': 'line ' + l.cls })); }
      if (n <= 62) {
        series.forEach(function (p, j) {
          if (p[l.key] === null) { return; }
          var dot = svg('circle', { cx: x(j).toFixed(1), cy: y(p[l.key]).toFixed(1), r: 3, 'class': 'dot ' + l.cls });
          dot.appendChild(svg('title', null, p.time + ': ' + a.exact(p[l.key]) + ' ' + l.label.toLowerCase()));
          root.appendChild(dot);
        });
      }
    });

    box.appendChild(root);
    var legend = el('div', { 'class': 'legend' });
    spec.lines.forEach(function (l, k) {
      legend.appendChild(el('span', { 'class': 'key ' + l.cls }, right.length ? names[k].replace(' axis', '') : names[k]));
    });
    box.appendChild(legend);
  }

  function drawCharts() {
    var hourly = isHourly(state.query);
    chartsOf(state.query.kind).forEach(function (spec, i) {
      $(i === 0 ? 'chart-title' : 'rate-chart-title').textContent = spec.title;
      drawChart($(i === 0 ? 'chart' : 'rate-chart'), state.series, spec, hourly);
    });
  }

  // ---- tiles and table ----------------------------------------------------------------------------------

  // Tiles in rows of related figures: [metric, label, text or list of texts (several currencies)].
  function tilesOf(report, kind) {
    var t = report.totals;
    if (kind === 'site') {
      return [
        [['requested', 'Requested', num(t.requested)], ['filled', 'Filled', num(t.filled)], ['fill-rate', 'Fill rate', pct(t.fillRate)]],
        [['impressions', 'Impressions', num(t.impressions)], ['viewable', 'Viewable', num(t.viewable)], ['clicks', 'Clicks', num(t.clicks)],
          ['revenue', 'Revenue', amounts(t.revenue, t.currency, t.revenueByCurrency)]],
      ];
    }
    return [
      [['served', 'Served', num(t.served)], ['impressions', 'Impressions', num(t.impressions)], ['viewable', 'Viewable', num(t.viewable)],
        ['viewable-rate', 'Viewable rate', pct(t.viewableRate)], ['clicks', 'Clicks', num(t.clicks)], ['ctr', 'CTR', pct(t.ctr)]],
      [['reach', 'Reach', num(t.reach)], ['spend', 'Spend', amounts(t.spend, t.currency, t.spendByCurrency)],
        ['invalid', 'Invalid (not billed)', num(t.invalid || 0)]],
    ];
  }

  // A cell or tile value: one text, or one item per text (amounts in several currencies: a line each in a tile,
  // separated by a dot in a cell); none is a dash.
  function fill(node, value) {
    var texts = [].concat(value);
    if (texts.length === 0) { node.textContent = NONE; return node; }
    if (texts.length === 1) { node.textContent = texts[0]; return node; }
    texts.forEach(function (text, i) {
      if (i > 0) { node.appendChild(el('span', { 'class': 'sep' }, ' \u00b7 ')); }
      node.appendChild(el('span', { 'class': 'line-item' }, text));
    });
    return node;
  }

  function drawTiles(report, kind) {
    var tiles = $('tiles');
    clear(tiles);
    tilesOf(report, kind).forEach(function (group) {
      var row = el('div', { 'class': 'tile-row' });
      group.forEach(function (t) {
        var tile = el('div', { 'class': 'tile', 'data-metric': t[0] });
        tile.appendChild(el('span', { 'class': 'tile-label' }, t[1]));
        tile.appendChild(fill(el('span', { 'class': 'tile-value' }), t[2]));
        row.appendChild(tile);
      });
      tiles.appendChild(row);
    });
  }

  function count(key) { return function (r) { return num(r[key]); }; }
  function rate(key) { return function (r) { return pct(r[key]); }; }
  function text(key) { return function (r) { return r[key] === undefined || r[key] === null || r[key] === '' ? [] : String(r[key]); }; }

  // The table's columns: [label, class ('n' for numbers), value of a row (text, list of texts, or a node)].
  function columnsOf(report, kind) {
    if (kind === 'site') {
      return [['Time', '', text('time')], ['Placement', '', text('placement')],
        ['Requested', 'n', count('requested')], ['Filled', 'n', count('filled')], ['Fill rate', 'n', rate('fillRate')],
        ['Impressions', 'n', count('impressions')], ['Viewable', 'n', count('viewable')], ['Clicks', 'n', count('clicks')],
        ['Revenue', 'n', function (r) { return amounts(r.revenue, r.currency, r.revenueByCurrency); }]];
    }
    var first = kind === 'campaign'
      ? [['Time', '', text('time')], ['Creative', '', text('creativeId')], ['Placement', '', text('placement')]]
      : [['Campaign', '', campaignLink], ['Name', 'long-text', text('name')]];
    var counts = [['Served', 'n', count('served')], ['Impressions', 'n', count('impressions')], ['Viewable', 'n', count('viewable')],
      ['Viewable rate', 'n', rate('viewableRate')], ['Clicks', 'n', count('clicks')], ['CTR', 'n', rate('ctr')]];
    // A campaign report's rows are in the currency of its totals; an advertiser's rows each carry their own.
    var spend = kind === 'campaign'
      ? function (r) { return amounts(r.spend, report.totals.currency); }
      : function (r) { return amounts(r.spend, r.currency); };
    var last = kind === 'campaign' ? [] : [['Reach', 'n', count('reach')]];
    return first.concat(counts, last, [['Spend', 'n', spend], ['Invalid', 'n', count('invalid')]]);
  }

  function campaignLink(r) {
    var open = el('button', { type: 'button', 'class': 'link', title: 'Open this campaign\'s report' }, r.campaignId);
    open.addEventListener('click', function () { openCampaign(r.campaignId); });
    return open;
  }

  function drawTable(report, q) {
    var table = $('rows');
    clear(table);
    var columns = columnsOf(report, q.kind);
    var head = el('thead');
    var hr = el('tr');
    columns.forEach(function (c) { hr.appendChild(el('th', { scope: 'col', 'class': c[1] }, c[0])); });
    head.appendChild(hr);
    table.appendChild(head);
    var body = el('tbody');
    report.rows.forEach(function (r) {
      var tr = el('tr');
      if (q.kind === 'campaign' && !r.creativeId) {
        // A flat rate's flight day without any count: only its share of the amount.
        tr.setAttribute('class', 'flat-day');
        tr.setAttribute('title', 'A flight day of the flat rate: its share of the amount, no counts');
      }
      columns.forEach(function (c) {
        var td = el('td', c[1] ? { 'class': c[1] } : null);
        var value = c[2](r);
        if (value instanceof Node) { td.appendChild(value); } else { fill(td, value); }
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
    $('table-title').textContent = q.kind === 'campaign' ? 'Rows by ' + q.granularity + ', creative and placement'
      : q.kind === 'site' ? 'Rows by ' + q.granularity + ' and placement'
      : 'Campaigns';
  }

  function render(report, series, q) {
    state.report = report;
    state.series = series;
    state.query = q;
    var kind = KINDS[q.kind];
    $('title').textContent = kind.title + kind.idOf(report);
    $('subtitle').textContent = report.from + ' to ' + report.to + (report.timeZone ? ' (' + report.timeZone + ')' : '') +
      (kind.hourly ? ', by ' + report.granularity : '');
    $('back').hidden = !(q.kind === 'campaign' && state.parent);
    drawTiles(report, q.kind);
    drawTable(report, q);
    $('report').hidden = false;
    drawCharts();
  }

  // ---- the query ----------------------------------------------------------------------------------------

  function readQuery() {
    var kind = $('kind').value;
    return {
      kind: Object.prototype.hasOwnProperty.call(KINDS, kind) ? kind : 'advertiser',
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
      var report = await getJson(reportUrl(q), q);
      var rows = report.rows;
      if (q.kind === 'advertiser') {
        // The advertiser report has one row per campaign; the charts add up the campaigns' daily rows.
        var daily = await Promise.all(report.rows.map(function (r) {
          var c = { kind: 'campaign', id: r.campaignId, from: report.from, to: report.to, granularity: 'day' };
          return getJson(reportUrl(c), c);
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
      ['rows', 'chart', 'rate-chart', 'tiles'].forEach(function (id) { clear($(id)); });
      setStatus('');
      showError(e instanceof ReportError ? e.message : 'The server could not be reached (' + (e && e.message ? e.message : e) + ').');
      if (e instanceof ReportError && e.status === 401) { $('key').focus(); }
    } finally {
      if (ticket === loading) { $('show').disabled = false; }
    }
  }

  function syncGranularity() {
    var kind = KINDS[$('kind').value] || KINDS.advertiser;
    $('granularity').disabled = !kind.hourly;
    $('granularity').closest('.field').classList.toggle('off', !kind.hourly);
    $('id').placeholder = kind.example;
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
      var response = await get(reportUrl(q, 'csv'), q);
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
    resizeTimer = setTimeout(function () { if (state.series && !$('report').hidden) { drawCharts(); } }, 100);
  });
})();
