// Suara Ads console: a small script over the admin API (the only write path). Every value from the server goes into
// the page as text, never as markup; the key stays in this tab's session storage and goes only in Authorization.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var state = { role: '', next: null };
  var numberFormat = new Intl.NumberFormat('en');

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

  async function api(method, path, body, contentType) {
    var init = { method: method, headers: { Authorization: 'Bearer ' + key(), Accept: 'application/json' }, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers['Content-Type'] = contentType || 'application/json'; }
    var response = await fetch(path, init);
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      var message = (data && (data.detail || data.title)) || ('The server answered ' + response.status + '.');
      if (data && data.errors) {
        message += ' ' + Object.keys(data.errors).map(function (f) { return f + ': ' + [].concat(data.errors[f]).join(', '); }).join('; ');
      }
      var error = new Error(message); error.status = response.status; throw error;
    }
    return data;
  }

  function day(iso) { return iso ? String(iso).slice(0, 10) : '—'; }

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
    var actions = el('td');
    if (mayChange()) {
      var edit = el('button', { type: 'button', 'class': 'secondary', 'aria-label': 'Edit targeting of ' + c.campaignId }, 'Targeting');
      edit.addEventListener('click', function () { openTargeting(c.campaignId); });
      actions.appendChild(edit);
      actions.appendChild(document.createTextNode(' '));
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
    group.appendChild(el('h2', null, advertiser));
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

  async function loadCampaigns(reset) {
    if (reset) { clear($('groups')); state.next = null; }
    var path = '/v1/admin/delivery?limit=50' + (state.next ? '&after=' + encodeURIComponent(state.next) : '');
    var page = await api('GET', path);
    page.campaigns.forEach(function (c) { groupTable(c.advertiserId).appendChild(campaignRow(c)); });
    state.next = page.next || null;
    $('more').hidden = !state.next;
    $('campaigns').hidden = false;
  }

  async function loadAudit() {
    var data = await api('GET', '/v1/admin/audit?limit=20');
    var list = $('entries');
    clear(list);
    data.entries.forEach(function (e) {
      var li = el('li', { 'data-kind': e.kind, 'data-id': e.id });
      li.appendChild(el('div', null, e.action + ' ' + e.kind + (e.id ? ' ' + e.id : '')));
      li.appendChild(el('div', { 'class': 'meta' }, (e.keyName || e.key || '') + ' · ' + String(e.time || e.at || '').replace('T', ' ').slice(0, 19) + ' UTC · version ' + e.version));
      (e.changes || []).slice(0, 12).forEach(function (c) {
        var from = c.from === undefined ? '—' : JSON.stringify(c.from);
        var to = c.to === undefined ? '—' : JSON.stringify(c.to);
        li.appendChild(el('div', { 'class': 'change' }, c.path + ': ' + from + ' → ' + to));
      });
      list.appendChild(li);
    });
    $('audit').hidden = false;
  }

  // Targeting: checked as it is typed (the validate endpoint, debounced), saved with a merge patch.
  var checkTimer = null;
  async function openTargeting(id) {
    showError('');
    try {
      var campaign = await api('GET', '/v1/admin/campaigns/' + encodeURIComponent(id));
      $('targeting-campaign').textContent = id;
      $('targeting').setAttribute('data-campaign', id);
      $('targeting-rule').value = campaign.targeting || '';
      $('targeting').hidden = false;
      await checkTargeting();
      $('targeting-rule').focus();
    } catch (e) { showError(e.message); }
  }

  async function checkTargeting() {
    var rule = $('targeting-rule').value;
    var check = $('targeting-check');
    if (!rule.trim()) { check.setAttribute('data-valid', 'true'); check.textContent = 'No targeting: every reader.'; return true; }
    try {
      var result = await api('POST', '/v1/admin/targeting/validate', { targeting: rule });
      check.setAttribute('data-valid', 'true');
      check.textContent = 'Valid: ' + result.canonical;
      return true;
    } catch (e) {
      check.setAttribute('data-valid', 'false');
      check.textContent = e.status === 400 ? e.message.replace(/^The targeting rule is not valid\.\s*/, '').replace(/^targeting: /, '') : e.message;
      return false;
    }
  }

  async function saveTargeting() {
    var id = $('targeting').getAttribute('data-campaign');
    if (!(await checkTargeting())) { return; }
    var rule = $('targeting-rule').value.trim();
    try {
      await api('PATCH', '/v1/admin/campaigns/' + encodeURIComponent(id), { targeting: rule ? rule : null }, 'application/merge-patch+json');
      setStatus('The targeting of ' + id + ' is saved; it serves so on every instance within a second.');
      await loadAudit();
    } catch (e) { showError(e.message); }
  }

  // "Why not served?": explain's verdict for every candidate of one slot (a dry run: nothing is counted).
  async function loadPlacements() {
    var select = $('why-placement');
    clear(select);
    var page = await api('GET', '/v1/admin/placements?limit=1000');
    (page.items || []).forEach(function (p) { select.appendChild(el('option', { value: p.id, 'data-site': p.site }, p.site + ' · ' + p.id)); });
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
    try {
      var result = await api('POST', '/v1/decisions?explain=true', body);
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
        tr.appendChild(el('td', null, c.detail || ''));
        table.appendChild(tr);
      });
      var won = result.slots && result.slots.slot;
      setStatus(won ? 'This page would show ' + won.campaignId + ' (' + won.creativeId + ').' : 'This page would show no ad.');
    } catch (e) { showError(e.message); }
  }

  async function setCampaignStatus(id, status) {
    showError('');
    setStatus((status === 'paused' ? 'Pausing ' : 'Resuming ') + id + '…');
    try {
      await api('PATCH', '/v1/admin/campaigns/' + encodeURIComponent(id), { status: status }, 'application/merge-patch+json');
      setStatus(id + (status === 'paused' ? ' is paused.' : ' is active again.'));
      await Promise.all([loadCampaigns(true), loadAudit()]);
    } catch (e) { setStatus(''); showError(e.message); }
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
      setStatus('');
      await Promise.all([loadCampaigns(true), loadAudit()]);
      if (mayChange()) {
        await loadPlacements();
        $('why').hidden = false;
      }
    } catch (e) {
      setStatus('');
      showError(e.status === 401 ? 'The key is not known: check it and try again.' : e.message);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('signin').addEventListener('submit', function (event) {
      event.preventDefault();
      sessionStorage.setItem('suara-console-key', $('key').value.trim());
      $('key').value = '';
      signIn();
    });
    $('signout').addEventListener('click', function () {
      sessionStorage.removeItem('suara-console-key');
      window.location.reload();
    });
    $('targeting-rule').addEventListener('input', function () {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(checkTargeting, 250);
    });
    $('targeting-save').addEventListener('click', saveTargeting);
    $('targeting-close').addEventListener('click', function () { $('targeting').hidden = true; });
    $('explain').addEventListener('submit', function (event) { event.preventDefault(); explain(); });
    $('more').addEventListener('click', function () { loadCampaigns(false).catch(function (e) { showError(e.message); }); });
    if (key()) { signIn(); }
  });
})();
