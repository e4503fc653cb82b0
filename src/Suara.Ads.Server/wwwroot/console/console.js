// Suara Ads console: a small script over the admin API (the only write path). Every value from the server goes into
// the page as text, never as markup; the key stays in this tab's session storage and goes only in Authorization.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var state = { role: '', next: null, sites: [], placements: [], advertisers: [], editing: null };
  var numberFormat = new Intl.NumberFormat('en');
  var KINDS = { site: 'sites', placement: 'placements', advertiser: 'advertisers', campaign: 'campaigns' };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function key() { return sessionStorage.getItem('suara-console-key') || ''; }
  function setStatus(text) { $('status').textContent = text || ''; }
  function showError(text) { var box = $('error'); box.hidden = !text; box.textContent = text || ''; }
  function mayChange() { return state.role === 'admin' || state.role === 'trafficker'; }
  // User Timing: 'console:sign-in', 'console:campaigns' and 'console:editor' measures, for the browser's developer
  // tools and the console benchmark (benchmarks/README.md).
  function timed(name, work) {
    var start = performance.now();
    return Promise.resolve(work()).then(function (value) {
      try { performance.measure(name, { start: start, end: performance.now() }); } catch (e) { /* no User Timing */ }
      return value;
    });
  }
  function list(text) { return String(text || '').split(/[\s,]+/).map(function (s) { return s.trim(); }).filter(Boolean); }

  // One call to the admin API: the parsed JSON body and the ETag; a problem body becomes an Error that carries the
  // field errors (errors: { "creatives[0].clickUrl": ["…"] }).
  async function send(method, path, body, options) {
    options = options || {};
    var init = { method: method, headers: { Authorization: 'Bearer ' + key(), Accept: 'application/json' }, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' };
    Object.keys(options.headers || {}).forEach(function (h) { init.headers[h] = options.headers[h]; });
    if (body !== undefined) {
      init.body = options.raw ? body : JSON.stringify(body);
      init.headers['Content-Type'] = options.contentType || 'application/json';
    }
    var response = await fetch(path, init);
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      var message = (data && (data.detail || data.title)) || ('The server answered ' + response.status + '.');
      var error = new Error(message);
      error.status = response.status;
      error.errors = (data && data.errors) || null;
      throw error;
    }
    return { data: data, etag: response.headers.get('ETag') };
  }
  async function api(method, path, body, contentType) { return (await send(method, path, body, { contentType: contentType })).data; }
  function describe(e) {
    var text = e.message;
    if (e.errors) { text += ' ' + Object.keys(e.errors).map(function (f) { return f + ': ' + [].concat(e.errors[f]).join(', '); }).join('; '); }
    return text;
  }

  function day(iso) { return iso ? String(iso).slice(0, 10) : '—'; }
  function advertiserName(id) {
    var a = state.advertisers.filter(function (x) { return x.id === id; })[0];
    return a && a.name ? a.name + ' (' + id + ')' : id;
  }

  // ---- Campaigns with their delivery -------------------------------------------------------------------------------

  function campaignRow(c) {
    var tr = el('tr', { 'data-campaign': c.campaignId });
    tr.appendChild(el('td', null, c.campaignId));
    tr.appendChild(el('td', { 'class': 'optional' }, c.name));
    tr.appendChild(el('td', { 'class': 'state', 'data-status': c.status }, c.status));
    tr.appendChild(el('td', { 'class': 'optional' }, day(c.start) + ' – ' + day(c.end)));
    tr.appendChild(el('td', { 'class': 'n' }, c.goal ? numberFormat.format(c.goal) + ' ' + c.unit + ' / ' + c.goalPer : '—'));
    tr.appendChild(el('td', { 'class': 'n' }, numberFormat.format(c.today)));
    tr.appendChild(el('td', { 'class': 'n optional' }, numberFormat.format(c.flight)));
    tr.appendChild(el('td', { 'class': 'pacing', 'data-pacing': c.pacing }, c.pacing));
    var actions = el('td', { 'class': 'row-actions' });
    var open = el('button', { type: 'button', 'class': 'secondary', 'aria-label': (mayChange() ? 'Edit ' : 'View ') + c.campaignId }, mayChange() ? 'Edit' : 'View');
    open.addEventListener('click', function () { openEditor('campaign', c.campaignId); });
    actions.appendChild(open);
    if (mayChange()) {
      var edit = el('button', { type: 'button', 'class': 'secondary', 'aria-label': 'Edit targeting of ' + c.campaignId }, 'Targeting');
      edit.addEventListener('click', function () { openTargeting(c.campaignId); });
      actions.appendChild(edit);
    }
    if (mayChange() && (c.status === 'active' || c.status === 'paused')) {
      var next = c.status === 'active' ? 'paused' : 'active';
      var button = el('button', { type: 'button', 'class': 'secondary', 'aria-label': (next === 'paused' ? 'Pause ' : 'Resume ') + c.campaignId }, next === 'paused' ? 'Pause' : 'Resume');
      button.addEventListener('click', function () { setCampaignStatus(c.campaignId, next); });
      actions.appendChild(button);
    }
    tr.appendChild(actions);
    return tr;
  }

  function groupTable(advertiser) {
    var id = 'advertiser-' + advertiser;
    var existing = document.getElementById(id);
    if (existing) { return existing.querySelector('tbody'); }
    var group = el('div', { 'class': 'group', id: id });
    group.appendChild(el('h2', null, advertiserName(advertiser)));
    var wrap = el('div', { 'class': 'table-wrap' });
    var table = el('table');
    var head = el('tr');
    [['Campaign'], ['Name', 'optional'], ['Status'], ['Flight', 'optional'], ['Goal'], ['Today'], ['Flight total', 'optional'], ['Pacing'], ['']].forEach(function (h) {
      head.appendChild(el('th', h[1] ? { scope: 'col', 'class': h[1] } : { scope: 'col' }, h[0]));
    });
    var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
    var tbody = el('tbody'); table.appendChild(tbody);
    wrap.appendChild(table); group.appendChild(wrap);
    $('groups').appendChild(group);
    return tbody;
  }

  function loadCampaigns(reset, fetched) { return timed('console:campaigns', function () { return loadCampaignPage(reset, fetched); }); }

  async function loadCampaignPage(reset, fetched) {
    if (reset) { state.next = null; }
    var path = '/v1/admin/delivery?limit=50' + (state.next ? '&after=' + encodeURIComponent(state.next) : '');
    var page = fetched || await api('GET', path);
    if (reset) { clear($('groups')); }
    page.campaigns.forEach(function (c) { groupTable(c.advertiserId).appendChild(campaignRow(c)); });
    state.next = page.next || null;
    $('more').hidden = !state.next;
    $('campaigns').hidden = false;
  }

  async function loadAudit() {
    var query = '/v1/admin/audit?limit=30';
    if ($('audit-kind').value) { query += '&kind=' + encodeURIComponent($('audit-kind').value); }
    if ($('audit-id').value.trim()) { query += '&id=' + encodeURIComponent($('audit-id').value.trim()); }
    var data = await api('GET', query);
    var entries = $('entries');
    clear(entries);
    if (!data.entries.length) { entries.appendChild(el('li', { 'class': 'meta' }, 'No changes recorded for this filter.')); }
    data.entries.forEach(function (e) {
      var li = el('li', { 'data-kind': e.kind, 'data-id': e.id });
      li.appendChild(el('div', null, e.action + ' ' + e.kind + (e.id ? ' ' + e.id : '')));
      li.appendChild(el('div', { 'class': 'meta' }, (e.keyName || e.key || '') + ' · ' + String(e.time || e.at || '').replace('T', ' ').slice(0, 19) + ' UTC · version ' + e.version));
      (e.changes || []).slice(0, 20).forEach(function (c) {
        var from = c.from === undefined ? '—' : JSON.stringify(c.from);
        var to = c.to === undefined ? '—' : JSON.stringify(c.to);
        li.appendChild(el('div', { 'class': 'change' }, c.path + ': ' + from + ' → ' + to));
      });
      if ((e.changes || []).length > 20) { li.appendChild(el('div', { 'class': 'meta' }, 'and ' + (e.changes.length - 20) + ' more changes')); }
      entries.appendChild(li);
    });
    $('audit').hidden = false;
  }

  // ---- Sites, placements, advertisers ------------------------------------------------------------------------------

  async function loadCatalogLists() {
    var pages = await Promise.all(['sites', 'placements', 'advertisers'].map(function (p) { return api('GET', '/v1/admin/' + p + '?limit=1000'); }));
    state.sites = pages[0].items || [];
    state.placements = pages[1].items || [];
    state.advertisers = pages[2].items || [];
    state.totals = [pages[0].total, pages[1].total, pages[2].total];
    listsShown = false;
    if (catalogInView) { showLists(); }
    var sizes = $('known-sizes');
    clear(sizes);
    var seen = {};
    state.placements.forEach(function (p) { (p.sizes || []).forEach(function (s) { if (!seen[s]) { seen[s] = true; sizes.appendChild(el('option', { value: s })); } }); });
    $('catalog').hidden = false;
  }

  // The lists sit below the campaigns: they are drawn when scrolled to (hundreds of advertisers need not delay the
  // campaigns a person signed in to see), and again after a change while in view.
  var listsShown = false;
  var catalogInView = false;
  function showLists() {
    if (listsShown) { return; }
    listsShown = true;
    fillList('site', state.sites, function (s) { return s.name + ' · ' + (s.domains || []).join(', '); }, state.totals[0]);
    fillList('placement', state.placements, function (p) { return p.name + ' · ' + p.site + ' · ' + (p.sizes || []).join(', '); }, state.totals[1]);
    fillList('advertiser', state.advertisers, function (a) { return a.name; }, state.totals[2]);
  }

  function fillList(kind, items, summary, total) {
    var ul = $('list-' + kind);
    clear(ul);
    items.forEach(function (item) {
      var li = el('li', { 'data-id': item.id });
      li.appendChild(el('span', { 'class': 'id' }, item.id));
      li.appendChild(el('span', { 'class': 'meta' }, ' ' + summary(item)));
      var open = el('button', { type: 'button', 'class': 'link', 'aria-label': (mayChange() ? 'Edit ' : 'View ') + kind + ' ' + item.id }, mayChange() ? 'Edit' : 'View');
      open.addEventListener('click', function () { openEditor(kind, item.id); });
      li.appendChild(open);
      ul.appendChild(li);
    });
    if (total > items.length) { ul.appendChild(el('li', { 'class': 'meta' }, 'and ' + (total - items.length) + ' more (the API lists them all)')); }
  }

  // ---- The editor: one form per kind, filled from GET, saved with PUT (If-Match when editing, If-None-Match: * when
  // creating, so a form never replaces what someone else saved meanwhile or an entity that already had its id). ----

  function formOf(kind) { return $(kind + '-form'); }

  function clearProblems(form) {
    $('editor-problems').hidden = true;
    clear($('editor-problems'));
    Array.prototype.forEach.call(form.querySelectorAll('.field-error'), function (n) { n.parentNode.removeChild(n); });
    Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (n) { n.removeAttribute('aria-invalid'); });
  }

  // The element a problem's field path belongs to: the exact path, an alias, or the nearest enclosing path
  // ("domains[2]" -> "domains", "creatives[1].size" -> that creative's size field).
  function fieldFor(form, path) {
    var nodes = form.querySelectorAll('[data-path]');
    for (var p = path; p; p = p.replace(/(\[\d+\]|\.[^.[\]]+)$/, '')) {
      for (var i = 0; i < nodes.length; i++) {
        var n = nodes[i];
        if (n.getAttribute('data-path') === p || (n.getAttribute('data-also') || '').split(' ').indexOf(p) >= 0) { return n; }
      }
      if (!/(\[\d+\]|\.[^.[\]]+)$/.test(p)) { break; }
    }
    return null;
  }

  function showProblems(form, error) {
    clearProblems(form);
    var box = $('editor-problems');
    box.appendChild(el('p', null, error.message));
    var first = null;
    if (error.errors) {
      var ul = el('ul');
      Object.keys(error.errors).forEach(function (path) {
        var messages = [].concat(error.errors[path]);
        ul.appendChild(el('li', null, path + ': ' + messages.join(', ')));
        var field = fieldFor(form, path);
        if (field) {
          field.setAttribute('aria-invalid', 'true');
          var note = el('p', { 'class': 'field-error', 'data-for': path }, messages.join(', '));
          var holder = field.closest('.field') || field;
          if (holder === field) { field.appendChild(note); } else { holder.appendChild(note); }
          first = first || field;
        }
      });
      box.appendChild(ul);
    }
    box.hidden = false;
    (first || box).scrollIntoView({ block: 'center' });
  }

  function selectOptions(select, items, label, value) {
    clear(select);
    items.forEach(function (item) { select.appendChild(el('option', { value: item.id }, label(item))); });
    if (value !== undefined) { select.value = value; }
  }

  function toLocalInput(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 19);
  }
  function fromLocalInput(value) {
    if (!value) { return null; }
    return (value.length === 16 ? value + ':00' : value) + 'Z';
  }

  function openEditor(kind, id) { return timed('console:editor', function () { return openEditorNow(kind, id); }); }

  async function openEditorNow(kind, id) {
    showError('');
    var form = formOf(kind);
    var entity = null;
    var etag = null;
    try {
      if (id) {
        var got = await send('GET', '/v1/admin/' + KINDS[kind] + '/' + encodeURIComponent(id));
        entity = got.data; etag = got.etag;
      }
      // The advertisers and placements to choose from are those listed at sign-in (lists reload after every save).
      if ((kind === 'placement' || kind === 'campaign') && !state.sites.length) { await loadCatalogLists(); }
    } catch (e) { showError(describe(e)); return; }

    Array.prototype.forEach.call(document.querySelectorAll('#editor form'), function (f) { f.hidden = true; });
    clearProblems(form);
    state.editing = { kind: kind, id: id || null, etag: etag };
    $('editor-title').textContent = (id ? (mayChange() ? 'Edit ' : 'View ') + kind + ' ' + id : 'New ' + kind);
    fill[kind](entity || {});
    var idInput = $(kind + '-id');
    idInput.readOnly = !!id;
    form.querySelector('fieldset.body').disabled = !mayChange();
    form.querySelector('button[type=submit]').hidden = !mayChange();
    form.hidden = false;
    $('editor').hidden = false;
    if (kind === 'campaign') {
      resetForecast();
      // An existing campaign shows its forecast as it opens; a new one once it has been filled in.
      if (id && mayChange()) { forecast(); }
    }
    $('editor').scrollIntoView({ block: 'start' });
    (id ? form.querySelector('fieldset.body input:not([readonly]), fieldset.body select') : idInput).focus();
  }

  function closeEditor() {
    $('editor').hidden = true;
    state.editing = null;
    Array.prototype.forEach.call(document.querySelectorAll('#editor form'), function (f) { f.hidden = true; });
  }

  var fill = {
    site: function (s) {
      $('site-id').value = s.id || '';
      $('site-name').value = s.name || '';
      $('site-timezone').value = s.timeZone || 'Asia/Kuala_Lumpur';
      $('site-domains').value = (s.domains || []).join('\n');
    },
    placement: function (p) {
      $('placement-id').value = p.id || '';
      selectOptions($('placement-site'), state.sites, function (s) { return s.name + ' (' + s.id + ')'; }, p.site || (state.sites[0] && state.sites[0].id));
      $('placement-name').value = p.name || '';
      $('placement-sizes').value = (p.sizes || []).join(', ');
      var formats = p.formats || ['image', 'html', 'text'];
      Array.prototype.forEach.call(document.getElementsByName('placement-format'), function (box) { box.checked = formats.indexOf(box.value) >= 0; });
    },
    advertiser: function (a) {
      $('advertiser-id').value = a.id || '';
      $('advertiser-name').value = a.name || '';
    },
    campaign: function (c) {
      $('campaign-id').value = c.id || '';
      selectOptions($('campaign-advertiser'), state.advertisers, function (a) { return a.name + ' (' + a.id + ')'; }, c.advertiserId || (state.advertisers[0] && state.advertisers[0].id));
      $('campaign-name').value = c.name || '';
      $('campaign-status').value = c.status || 'active';
      // A new campaign starts today (UTC) unless told otherwise; its end is left for ad-ops to choose.
      $('campaign-start').value = c.id ? toLocalInput(c.start) : new Date().toISOString().slice(0, 10) + 'T00:00';
      $('campaign-end').value = toLocalInput(c.end);
      $('campaign-priority').value = c.priority || 'standard';
      $('campaign-weight').value = c.weight || 100;
      $('campaign-pacing').value = c.pacing || 'even';
      var goal = c.goal || {};
      var metric = goal.impressions != null ? 'impressions' : goal.clicks != null ? 'clicks' : goal.spend != null ? 'spend' : '';
      $('campaign-goal-metric').value = metric;
      $('campaign-goal-amount').value = metric ? goal[metric] : '';
      $('campaign-goal-per').value = goal.per || 'flight';
      $('campaign-cap').value = c.frequencyCap ? c.frequencyCap.impressions : '';
      $('campaign-cap-per').value = c.frequencyCap ? c.frequencyCap.per : 'day';
      $('campaign-rate-model').value = c.rate ? c.rate.model : '';
      $('campaign-rate-amount').value = c.rate ? c.rate.amount : '';
      $('campaign-rate-currency').value = c.rate ? c.rate.currency : '';
      $('campaign-labels').value = (c.exclusionLabels || []).join(', ');
      $('campaign-roadblock').checked = !!c.roadblock;
      var chosen = c.placements || [];
      var box = $('campaign-placements');
      Array.prototype.forEach.call(box.querySelectorAll('label'), function (n) { box.removeChild(n); });
      state.placements.forEach(function (p) {
        var label = el('label');
        var input = el('input', { type: 'checkbox', name: 'campaign-placement', value: p.id });
        input.checked = chosen.indexOf(p.id) >= 0;
        label.appendChild(input);
        label.appendChild(document.createTextNode(' ' + p.id + ' (' + p.site + '; ' + (p.sizes || []).join(', ') + '; ' + (p.formats || []).join(', ') + ')'));
        box.appendChild(label);
      });
      $('campaign-targeting').value = c.targeting || '';
      checkRule($('campaign-targeting'), $('campaign-targeting-check'));
      clear($('creatives'));
      (c.creatives && c.creatives.length ? c.creatives : [{ format: 'image' }]).forEach(function (cr) { addCreative(cr); });
    },
  };

  var read = {
    site: function () {
      return { id: $('site-id').value.trim(), name: $('site-name').value.trim(), domains: list($('site-domains').value), timeZone: $('site-timezone').value.trim() || 'UTC' };
    },
    placement: function () {
      var formats = Array.prototype.filter.call(document.getElementsByName('placement-format'), function (b) { return b.checked; }).map(function (b) { return b.value; });
      return { id: $('placement-id').value.trim(), site: $('placement-site').value, name: $('placement-name').value.trim(), sizes: list($('placement-sizes').value), formats: formats };
    },
    advertiser: function () {
      return { id: $('advertiser-id').value.trim(), name: $('advertiser-name').value.trim() };
    },
    campaign: function () {
      var c = {
        id: $('campaign-id').value.trim(),
        advertiserId: $('campaign-advertiser').value,
        name: $('campaign-name').value.trim(),
        status: $('campaign-status').value,
        start: fromLocalInput($('campaign-start').value),
        end: fromLocalInput($('campaign-end').value),
        priority: $('campaign-priority').value,
        weight: Number($('campaign-weight').value || 100),
        pacing: $('campaign-pacing').value,
        exclusionLabels: list($('campaign-labels').value),
        placements: Array.prototype.filter.call(document.getElementsByName('campaign-placement'), function (b) { return b.checked; }).map(function (b) { return b.value; }),
        creatives: Array.prototype.map.call($('creatives').querySelectorAll('fieldset.creative'), readCreative),
      };
      var metric = $('campaign-goal-metric').value;
      if (metric) {
        c.goal = { per: $('campaign-goal-per').value };
        c.goal[metric] = Number($('campaign-goal-amount').value);
      }
      if ($('campaign-cap').value) { c.frequencyCap = { impressions: Number($('campaign-cap').value), per: $('campaign-cap-per').value }; }
      if ($('campaign-rate-model').value) {
        c.rate = { model: $('campaign-rate-model').value, amount: Number($('campaign-rate-amount').value), currency: $('campaign-rate-currency').value.trim().toUpperCase() };
      }
      var rule = $('campaign-targeting').value.trim();
      if (rule) { c.targeting = rule; }
      if ($('campaign-roadblock').checked) { c.roadblock = true; }
      if (!c.start) { delete c.start; }
      if (!c.end) { delete c.end; }
      return c;
    },
  };

  // ---- Forecast: the form as it stands, replayed over the traffic sample (POST /v1/admin/forecasts) --------------------

  function isoDay(date) { return date.toISOString().slice(0, 10); }
  function count(n) { return Number(n || 0).toLocaleString('en'); }

  function resetForecast() {
    var today = new Date();
    $('forecast-from').value = isoDay(today);
    $('forecast-to').value = isoDay(new Date(today.getTime() + 6 * 86400000));
    $('forecast-summary').textContent = '';
    $('forecast-summary').removeAttribute('data-valid');
    $('forecast-contended-wrap').hidden = true;
    $('forecast-days-wrap').hidden = true;
  }

  function forecast() { return timed('console:forecast', runForecast); }

  // One row per item: the first cell as text, the others as counts; the table is shown only with rows.
  function forecastTable(id, items, cells) {
    var body = $(id).querySelector('tbody');
    clear(body);
    items.forEach(function (item) {
      var tr = el('tr');
      cells(item).forEach(function (value, i) { tr.appendChild(i === 0 ? el('td', null, value) : el('td', { 'class': 'num' }, count(value))); });
      body.appendChild(tr);
    });
    $(id + '-wrap').hidden = items.length === 0;
  }

  async function runForecast() {
    var summary = $('forecast-summary');
    var campaign = read.campaign();
    if (!campaign.id) { summary.textContent = 'Give the campaign an id to forecast it.'; summary.setAttribute('data-valid', 'false'); return; }
    summary.removeAttribute('data-valid');
    summary.textContent = 'Forecasting…';
    $('forecast-run').disabled = true;
    try {
      var f = await api('POST', '/v1/admin/forecasts', { campaign: campaign, from: $('forecast-from').value, to: $('forecast-to').value });
      var share = f.matched > 0 ? ' (' + Math.round(100 * f.available / f.matched) + ' %)' : '';
      summary.textContent = count(f.available) + ' impressions available' + share + ' of ' + count(f.matched) + ' matched, ' + f.from + ' to ' + f.to +
        ' (' + f.basis.timeZone + '); projected from ' + f.basis.recordedDays + ' recorded days, ' + count(f.basis.sampledRequests) + ' sampled requests.';
      summary.setAttribute('data-valid', f.basis.recordedDays > 0 ? 'true' : 'false');
      if (!f.basis.recordedDays) { summary.textContent += ' No traffic has been recorded yet: the forecast is empty.'; }
      forecastTable('forecast-contended', f.contendedWith, function (c) { return [c.campaignId, c.impressions]; });
      forecastTable('forecast-days', f.days, function (d) { return [d.date, d.matched, d.available]; });
    } catch (e) {
      // The campaign's own mistakes are marked on its fields, as a save would mark them.
      if (e.errors) {
        var errors = {};
        Object.keys(e.errors).forEach(function (path) { errors[path.replace(/^campaign\./, '')] = e.errors[path]; });
        showProblems(formOf('campaign'), { message: e.message, errors: errors });
      }
      summary.textContent = describe(e);
      summary.setAttribute('data-valid', 'false');
    } finally {
      $('forecast-run').disabled = false;
    }
  }

  async function save(event) {
    event.preventDefault();
    var form = event.target;
    var kind = form.getAttribute('data-kind');
    var editing = state.editing;
    if (!editing || editing.kind !== kind) { return; }
    var entity = read[kind]();
    clearProblems(form);
    if (!entity.id) { showProblems(form, { message: 'The ' + kind + ' needs an id.', errors: { id: ['is required: letters, digits, - and _'] } }); return; }
    var headers = editing.etag ? { 'If-Match': editing.etag } : { 'If-None-Match': '*' };
    try {
      var saved = await send('PUT', '/v1/admin/' + KINDS[kind] + '/' + encodeURIComponent(entity.id), entity, { headers: headers });
      setStatus('The ' + kind + ' ' + entity.id + (editing.etag ? ' is saved' : ' is created') + '; it is in force on every instance within a second.');
      if (saved.data && saved.data.reportKey) {
        $('report-key-advertiser').textContent = entity.id;
        $('report-key-value').textContent = saved.data.reportKey;
        $('report-key').hidden = false;
      }
      closeEditor();
      await Promise.all([kind === 'campaign' ? loadCampaigns(true) : loadCatalogLists(), loadAudit()]);
      if (kind === 'advertiser') { await loadCampaigns(true); }
      if (kind === 'placement' && mayChange()) { loadPlacements(); }
    } catch (e) {
      if (e.status === 412 && editing.etag) {
        e.message = 'Someone changed this ' + kind + ' after you opened it. Close the form, open it again (to see their change) and make yours once more.';
      }
      showProblems(form, e);
    }
  }

  // ---- Creatives: one fieldset each, with upload of a hosted file and a preview --------------------------------------

  var creativeFields = [
    ['id', 'Id', 'input', null],
    ['format', 'Format', 'select', null],
    ['size', 'Size', 'input', null],
    ['imageUrl', 'Image URL (or upload a file)', 'input', 'image'],
    ['alt', 'Alternative text', 'input', 'image'],
    ['headline', 'Headline', 'input', 'text'],
    ['body', 'Text', 'input', 'text'],
    ['html', 'HTML ({{CLICK_URL}} for the tracked link)', 'textarea', 'html'],
    ['clickUrl', 'Landing page (https://…)', 'input', null],
    ['weight', 'Weight', 'input', null],
  ];
  var creativeCount = 0;

  function addCreative(c) {
    var n = ++creativeCount;
    var box = el('fieldset', { 'class': 'creative' });
    box.appendChild(el('legend', null, 'Creative'));
    var grid = el('div', { 'class': 'grid' });
    creativeFields.forEach(function (f) {
      var name = f[0];
      var wrap = el('div', { 'class': 'field' + (name === 'html' || name === 'imageUrl' ? ' wide' : ''), 'data-show': f[3] || '' });
      var inputId = 'creative-' + n + '-' + name;
      wrap.appendChild(el('label', { 'for': inputId }, f[1]));
      var input;
      if (f[2] === 'select') {
        input = el('select', { id: inputId });
        ['image', 'text', 'html'].forEach(function (v) { input.appendChild(el('option', null, v)); });
      } else if (f[2] === 'textarea') {
        input = el('textarea', { id: inputId, rows: '3', spellcheck: 'false' });
      } else {
        input = el('input', { id: inputId, spellcheck: 'false' });
        if (name === 'size') { input.setAttribute('list', 'known-sizes'); input.setAttribute('placeholder', '728x90'); }
        if (name === 'weight') { input.setAttribute('type', 'number'); input.setAttribute('min', '1'); }
      }
      input.setAttribute('data-name', name);
      var value = c[name];
      input.value = value === undefined || value === null ? (name === 'weight' ? '1' : name === 'format' ? 'image' : '') : value;
      wrap.appendChild(input);
      if (name === 'imageUrl') {
        var upload = el('input', { type: 'file', id: inputId + '-file', accept: 'image/png,image/jpeg,image/gif,image/webp,image/svg+xml', 'class': 'upload', 'aria-label': 'Upload the image file of creative ' + n });
        upload.addEventListener('change', function () { uploadImage(box, upload); });
        wrap.appendChild(upload);
      }
      grid.appendChild(wrap);
    });
    box.appendChild(grid);
    var preview = el('div', { 'class': 'preview', 'aria-label': 'Preview' });
    box.appendChild(el('p', { 'class': 'hint' }, 'Preview (as the slot shows it; nothing is counted):'));
    box.appendChild(preview);
    var actions = el('div', { 'class': 'actions' });
    var served = el('button', { type: 'button', 'class': 'secondary', 'data-action': 'served' }, 'Preview as served');
    served.addEventListener('click', function () { previewServed(box); });
    var remove = el('button', { type: 'button', 'class': 'secondary', 'data-action': 'remove' }, 'Remove this creative');
    remove.addEventListener('click', function () { box.parentNode.removeChild(box); renumberCreatives(); });
    actions.appendChild(served);
    actions.appendChild(remove);
    box.appendChild(actions);
    box.addEventListener('input', function () { showFormatFields(box); renderPreview(box); });
    box.addEventListener('change', function () { showFormatFields(box); renderPreview(box); });
    $('creatives').appendChild(box);
    renumberCreatives();
    showFormatFields(box);
    renderPreview(box);
    return box;
  }

  function renumberCreatives() {
    Array.prototype.forEach.call($('creatives').querySelectorAll('fieldset.creative'), function (box, i) {
      box.setAttribute('data-path', 'creatives[' + i + ']');
      box.querySelector('legend').textContent = 'Creative ' + (i + 1);
      Array.prototype.forEach.call(box.querySelectorAll('[data-name]'), function (input) {
        input.setAttribute('data-path', 'creatives[' + i + '].' + input.getAttribute('data-name'));
      });
    });
  }

  function creativeInput(box, name) { return box.querySelector('[data-name="' + name + '"]'); }

  function showFormatFields(box) {
    var format = creativeInput(box, 'format').value;
    Array.prototype.forEach.call(box.querySelectorAll('[data-show]'), function (wrap) {
      var only = wrap.getAttribute('data-show');
      wrap.hidden = !!only && only !== format;
    });
  }

  function readCreative(box) {
    var c = { id: creativeInput(box, 'id').value.trim(), format: creativeInput(box, 'format').value, size: creativeInput(box, 'size').value.trim(), clickUrl: creativeInput(box, 'clickUrl').value.trim(), weight: Number(creativeInput(box, 'weight').value || 1) };
    var only = { image: ['imageUrl', 'alt'], text: ['headline', 'body'], html: ['html'] }[c.format] || [];
    only.forEach(function (name) { var v = creativeInput(box, name).value; if (v.trim()) { c[name] = name === 'html' ? v : v.trim(); } });
    return c;
  }

  function sizeOf(text) {
    var m = /^(\d{1,4})x(\d{1,4})$/.exec(String(text || '').trim());
    return m ? { w: Number(m[1]), h: Number(m[2]) } : null;
  }

  // The local preview, before saving: the image at the creative's size, the text as a slot sets it, the html in a
  // sandboxed frame of its own (no access to this page or its key).
  function renderPreview(box) {
    var preview = box.querySelector('.preview');
    clear(preview);
    var c = readCreative(box);
    var size = sizeOf(c.size) || { w: 300, h: 250 };
    var frame = el('div', { 'class': 'slot-frame' });
    frame.style.width = size.w + 'px';
    frame.style.height = size.h + 'px';
    if (c.format === 'image' && c.imageUrl) {
      var img = el('img', { alt: c.alt || '', width: String(size.w), height: String(size.h) });
      img.src = c.imageUrl;
      frame.appendChild(img);
    } else if (c.format === 'text' && (c.headline || c.body)) {
      frame.classList.add('text');
      frame.appendChild(el('strong', null, c.headline || ''));
      if (c.body) { frame.appendChild(el('span', null, c.body)); }
    } else if (c.format === 'html' && c.html) {
      var iframe = el('iframe', { sandbox: 'allow-scripts', width: String(size.w), height: String(size.h), title: 'Preview of the html creative' });
      iframe.srcdoc = '<!doctype html><meta charset="utf-8"><style>html,body{margin:0;overflow:hidden}</style>' + c.html;
      frame.appendChild(iframe);
    } else {
      frame.classList.add('empty');
      frame.appendChild(el('span', null, c.format === 'image' ? 'Upload an image or give its URL' : 'Nothing to show yet'));
    }
    preview.appendChild(frame);
  }

  // "Preview as served": the server's own rendering of the saved creative (GET …/preview), in a sandboxed frame.
  async function previewServed(box) {
    var editing = state.editing;
    var c = readCreative(box);
    if (!editing || !editing.id) { setStatus('Save the campaign first: the served preview shows the saved creative.'); return; }
    try {
      var response = await fetch('/v1/admin/campaigns/' + encodeURIComponent(editing.id) + '/creatives/' + encodeURIComponent(c.id) + '/preview', { headers: { Authorization: 'Bearer ' + key() }, credentials: 'omit', cache: 'no-store' });
      if (!response.ok) { throw new Error(response.status === 404 ? 'The saved campaign has no creative ' + c.id + ': save it first.' : 'The preview answered ' + response.status + '.'); }
      var html = await response.text();
      var size = sizeOf(c.size) || { w: 300, h: 250 };
      var preview = box.querySelector('.preview');
      clear(preview);
      var iframe = el('iframe', { sandbox: 'allow-scripts allow-popups allow-popups-to-escape-sandbox', width: String(size.w), height: String(size.h), title: 'Creative ' + c.id + ' as served', 'class': 'served' });
      iframe.srcdoc = html;
      preview.appendChild(iframe);
    } catch (e) { showError(e.message); }
  }

  var ASSET_TYPES = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml' };

  async function uploadImage(box, input) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    var type = file.type || ASSET_TYPES[(file.name.split('.').pop() || '').toLowerCase()] || 'application/octet-stream';
    setStatus('Uploading ' + file.name + '…');
    try {
      var result = (await send('POST', '/v1/admin/assets', file, { raw: true, contentType: type })).data;
      creativeInput(box, 'imageUrl').value = result.url;
      var size = creativeInput(box, 'size');
      if (!size.value.trim()) {
        var probe = new Image();
        probe.onload = function () { if (!size.value.trim()) { size.value = probe.naturalWidth + 'x' + probe.naturalHeight; renderPreview(box); } };
        probe.src = result.url;
      }
      setStatus(file.name + ' is uploaded (' + numberFormat.format(result.bytes) + ' bytes, ' + result.type + ').');
      renderPreview(box);
    } catch (e) {
      setStatus('');
      showError('The upload of ' + file.name + ' was refused: ' + describe(e));
    }
    input.value = '';
  }

  // ---- Targeting, checked as it is typed (the validate endpoint, debounced) ------------------------------------------

  async function checkRule(textarea, check) {
    var rule = textarea.value;
    if (!rule.trim()) { check.setAttribute('data-valid', 'true'); check.textContent = 'No targeting: every reader.'; textarea.removeAttribute('aria-invalid'); return true; }
    try {
      var result = await api('POST', '/v1/admin/targeting/validate', { targeting: rule });
      if (textarea.value !== rule) { return true; }
      check.setAttribute('data-valid', 'true');
      check.textContent = 'Valid: ' + result.canonical;
      textarea.removeAttribute('aria-invalid');
      return true;
    } catch (e) {
      if (textarea.value !== rule) { return false; }
      check.setAttribute('data-valid', 'false');
      textarea.setAttribute('aria-invalid', 'true');
      check.textContent = e.status === 400 && e.errors && e.errors.targeting ? [].concat(e.errors.targeting).join(' ') : e.message;
      return false;
    }
  }

  function liveCheck(textarea, check) {
    var timer = null;
    textarea.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { checkRule(textarea, check); }, 250);
    });
  }

  async function openTargeting(id) {
    showError('');
    try {
      var campaign = await api('GET', '/v1/admin/campaigns/' + encodeURIComponent(id));
      $('targeting-campaign').textContent = id;
      $('targeting').setAttribute('data-campaign', id);
      $('targeting-rule').value = campaign.targeting || '';
      $('targeting').hidden = false;
      await checkRule($('targeting-rule'), $('targeting-check'));
      $('targeting-rule').focus();
    } catch (e) { showError(describe(e)); }
  }

  async function saveTargeting() {
    var id = $('targeting').getAttribute('data-campaign');
    if (!(await checkRule($('targeting-rule'), $('targeting-check')))) { return; }
    var rule = $('targeting-rule').value.trim();
    try {
      await api('PATCH', '/v1/admin/campaigns/' + encodeURIComponent(id), { targeting: rule ? rule : null }, 'application/merge-patch+json');
      setStatus('The targeting of ' + id + ' is saved; it serves so on every instance within a second.');
      await loadAudit();
    } catch (e) { showError(describe(e)); }
  }

  // ---- "Why not served?": explain's verdict for every candidate of one slot (a dry run: nothing is counted) ----------

  function loadPlacements() {
    var select = $('why-placement');
    var chosen = select.value;
    clear(select);
    state.placements.forEach(function (p) { select.appendChild(el('option', { value: p.id, 'data-site': p.site }, p.site + ' · ' + p.id)); });
    if (chosen) { select.value = chosen; }
  }

  async function explain() {
    showError('');
    var option = $('why-placement').selectedOptions[0];
    if (!option) { return; }
    var body = { site: option.getAttribute('data-site'), page: {}, slots: [{ id: 'slot', placement: option.value }] };
    var country = $('why-country').value.trim().toUpperCase();
    if (country) { body.country = country; }
    if ($('why-device').value) { body.device = $('why-device').value; }
    if ($('why-section').value.trim()) { body.page.section = $('why-section').value.trim(); }
    var keywords = $('why-keywords').value.split(',').map(function (k) { return k.trim(); }).filter(Boolean);
    if (keywords.length) { body.page.keywords = keywords; }
    var at = fromLocalInput($('why-time').value);
    try {
      var result = await api('POST', '/v1/decisions?explain=true' + (at ? '&at=' + encodeURIComponent(at) : ''), body);
      var table = $('why-rows');
      clear(table);
      var head = el('tr');
      ['Campaign', 'Creative', 'Priority', 'Outcome', 'Why'].forEach(function (h) { head.appendChild(el('th', { scope: 'col' }, h)); });
      table.appendChild(head);
      ((result.explain && result.explain.slot) || []).forEach(function (c) {
        var tr = el('tr', { 'data-campaign': c.campaignId });
        tr.appendChild(el('td', null, c.campaignId));
        tr.appendChild(el('td', null, c.creativeId || '—'));
        tr.appendChild(el('td', null, c.priority));
        tr.appendChild(el('td', { 'data-outcome': c.outcome }, c.outcome));
        tr.appendChild(el('td', { 'class': 'why' }, c.detail || ''));
        table.appendChild(tr);
      });
      var won = result.slots && result.slots.slot;
      setStatus((won ? 'This page would show ' + won.campaignId + ' (' + won.creativeId + ')' : 'This page would show no ad') + (at ? ' at ' + at.replace('T', ' ').replace('Z', ' UTC') : '') + '.');
    } catch (e) { showError(describe(e)); }
  }

  async function setCampaignStatus(id, status) {
    showError('');
    setStatus((status === 'paused' ? 'Pausing ' : 'Resuming ') + id + '…');
    try {
      await api('PATCH', '/v1/admin/campaigns/' + encodeURIComponent(id), { status: status }, 'application/merge-patch+json');
      setStatus(id + (status === 'paused' ? ' is paused.' : ' is active again.'));
      await Promise.all([loadCampaigns(true), loadAudit()]);
    } catch (e) { setStatus(''); showError(describe(e)); }
  }

  async function signIn() {
    showError('');
    setStatus('Signing in…');
    try {
      var me = await api('GET', '/v1/admin/whoami');
      if (['admin', 'trafficker', 'reporter'].indexOf(me.role) < 0) {
        throw new Error('This key (' + me.name + ', role ' + me.role + ') cannot use the console: it needs an admin, trafficker or reporter key.');
      }
      state.role = me.role;
      $('who').hidden = false;
      $('who').textContent = me.name + ' · ' + me.role + (mayChange() ? '' : ' (read only)');
      $('signout').hidden = false;
      $('key').parentNode.hidden = true;
      $('enter').hidden = true;
      $('key-hint').hidden = true;
      $('nav').hidden = false;
      Array.prototype.forEach.call(document.querySelectorAll('[data-needs="change"]'), function (n) { n.hidden = !mayChange(); });
      setStatus('');
      // The lists (advertisers' names head the campaign groups), a page of campaigns and the audit in parallel.
      var campaigns = api('GET', '/v1/admin/delivery?limit=50');
      await Promise.all([loadCatalogLists(), loadAudit()]);
      await loadCampaigns(true, await campaigns);
      if (mayChange()) {
        loadPlacements();
        $('why').hidden = false;
      }
    } catch (e) {
      setStatus('');
      showError(e.status === 401 ? 'The key is not known: check it and try again.' : describe(e));
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('signin').addEventListener('submit', function (event) {
      event.preventDefault();
      sessionStorage.setItem('suara-console-key', $('key').value.trim());
      $('key').value = '';
      timed('console:sign-in', signIn);
    });
    $('signout').addEventListener('click', function () {
      sessionStorage.removeItem('suara-console-key');
      window.location.reload();
    });
    liveCheck($('targeting-rule'), $('targeting-check'));
    liveCheck($('campaign-targeting'), $('campaign-targeting-check'));
    $('targeting-save').addEventListener('click', saveTargeting);
    $('targeting-close').addEventListener('click', function () { $('targeting').hidden = true; });
    $('explain').addEventListener('submit', function (event) { event.preventDefault(); explain(); });
    $('audit-filter').addEventListener('submit', function (event) { event.preventDefault(); loadAudit().catch(function (e) { showError(describe(e)); }); });
    $('more').addEventListener('click', function () { loadCampaigns(false).catch(function (e) { showError(describe(e)); }); });
    Array.prototype.forEach.call(document.querySelectorAll('#editor form'), function (form) { form.addEventListener('submit', save); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-close]'), function (b) { b.addEventListener('click', closeEditor); });
    $('new-campaign').addEventListener('click', function () { openEditor('campaign', null); });
    $('new-site').addEventListener('click', function () { openEditor('site', null); });
    $('new-placement').addEventListener('click', function () { openEditor('placement', null); });
    $('new-advertiser').addEventListener('click', function () { openEditor('advertiser', null); });
    $('forecast-run').addEventListener('click', function () { forecast(); });
    $('add-creative').addEventListener('click', function () { addCreative({ format: 'image' }).querySelector('[data-name="id"]').focus(); });
    $('report-key-close').addEventListener('click', function () { $('report-key').hidden = true; clear($('report-key-value')); });
    try {
      var zones = $('time-zones');
      (Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : []).forEach(function (z) { zones.appendChild(el('option', { value: z })); });
    } catch (e) { /* an older browser: the field is free text */ }
    if ('IntersectionObserver' in window) {
      new IntersectionObserver(function (seen) {
        catalogInView = seen.some(function (e) { return e.isIntersecting; });
        if (catalogInView && state.totals) { showLists(); }
      }, { rootMargin: '200px' }).observe($('catalog'));
    } else {
      catalogInView = true;
    }
    if (key()) { timed('console:sign-in', signIn); }
  });
})();
