/*! Suara Ads page script. Tagging guide: docs/tagging.md. No dependencies; never throws into the page. */
((w, d) => {
  'use strict';
  var api = w.suaraAds && typeof w.suaraAds === 'object' ? w.suaraAds : {};
  if (api.loaded) return; // the script is on the page twice: the first copy does the work
  var VID_KEY = 'suara_ads_vid', MAX = 512, BATCH = 20;
  var script, origin, site, seq = 0, queue = [], flushTimer = 0, scanTimer = 0;
  var live = new Set(); // viewability state of rendered slots
  var asked = new WeakMap(); // el -> its latest request: stale answers are ignored
  var viewIo = null, lazyIo = null, resizeTimer = 0, chosen = new WeakMap(); // el -> the sizes it was asked for
  var handlers = {}, debug = /[?&]suara_debug=1(&|$)/.test(location.search), consent = null;

  function safe(fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (e) { /* an ad must never break the page */ }
    };
  }

  // Page API events (GPT-like): slotRequested, slotRenderEnded, impressionViewable. A listener that throws harms nothing.
  function emit(name, e) {
    (handlers[name] || []).slice().forEach(fn => { try { fn(e); } catch (x) { /* the page's own code */ } });
  }

  function warn(msg) { try { console.warn('Suara Ads: ' + msg); } catch (e) { /* no console */ } }

  function str(v) { return v == null ? undefined : String(v).slice(0, MAX) || undefined; }

  // Page settings: window.suaraAds first, then the script tag's data attributes, then <html lang>.
  function pageSettings() {
    var a = n => script && script.getAttribute('data-' + n);
    var kw = api.keywords != null ? api.keywords : a('keywords');
    if (typeof kw === 'string') kw = kw.split(',');
    kw = Array.isArray(kw) ? kw.map(k => str(String(k).trim())).filter(Boolean).slice(0, 50) : undefined;
    var kv;
    if (api.kv && typeof api.kv === 'object') {
      kv = {};
      Object.keys(api.kv).slice(0, 50).forEach(k => { if (k && k.length <= 64 && api.kv[k] != null) kv[k] = String(api.kv[k]).slice(0, MAX); });
    }
    return {
      page: {
        url: str(location.href),
        referrer: str(d.referrer),
        section: str(api.section != null ? api.section : a('section')),
        keywords: kw && kw.length ? kw : undefined,
        language: str(api.language || a('language') || d.documentElement.lang)
      },
      kv: kv
    };
  }

  function uuid() {
    var c = w.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, x => (x + 256).toString(16).slice(1)).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // IAB TCF v2.2: with a CMP on the page (__tcfapi), a viewer id only with consent to purpose 1 (store or access
  // information on a device) where GDPR applies. Asked once; no answer within 1 s counts as no consent.
  function tcf() {
    if (consent) return consent;
    consent = new Promise(done => {
      if (typeof w.__tcfapi !== 'function') { done(true); return; }
      var t = setTimeout(() => done(false), 1000);
      try {
        w.__tcfapi('addEventListener', 2, (d, ok) => {
          if (!ok || !d || (d.eventStatus !== 'tcloaded' && d.eventStatus !== 'useractioncomplete')) return;
          clearTimeout(t);
          done(d.gdprApplies === false || !!(d.purpose && d.purpose.consents && d.purpose.consents[1]));
          try { if (d.listenerId != null) w.__tcfapi('removeEventListener', 2, () => {}, d.listenerId); } catch (e) { /* keep listening */ }
        });
      } catch (e) { clearTimeout(t); done(false); }
    });
    return consent;
  }

  // A first-party viewer id for frequency caps; none at all under Global Privacy Control or without TCF consent.
  function viewer(allowed) {
    try {
      if (navigator.globalPrivacyControl === true || !allowed) { if (navigator.globalPrivacyControl === true) localStorage.removeItem(VID_KEY); return null; }
      var id = localStorage.getItem(VID_KEY);
      if (!id || id.length > 64) { id = uuid(); localStorage.setItem(VID_KEY, id); }
      return id;
    } catch (e) { return null; } // storage blocked: no id, no caps
  }

  function absolute(path) { return new URL(path, origin).href; }

  function beacon(path) {
    var url = absolute(path);
    try { if (navigator.sendBeacon && navigator.sendBeacon(url)) return; } catch (e) { /* fall back */ }
    try { fetch(url, { method: 'POST', keepalive: true, mode: 'no-cors', credentials: 'omit' }).catch(() => {}); } catch (e) { /* give up */ }
  }

  function setStatus(el, s) { el.setAttribute('data-suara-status', s); }

  function cleanup(el) {
    live.forEach(st => {
      if (st.el === el || !st.el.isConnected) {
        clearTimeout(st.timer);
        if (viewIo) viewIo.unobserve(st.el);
        live.delete(st);
      }
    });
    if (lazyIo && el) lazyIo.unobserve(el);
  }

  function collapse(el, status, id) {
    el.innerHTML = '';
    el.style.display = 'none';
    el.removeAttribute('data-campaign');
    el.removeAttribute('data-creative');
    setStatus(el, status);
    emit('slotRenderEnded', { element: el, slotId: id, isEmpty: true, campaignId: null, creativeId: null, size: null });
  }

  // MRC display rule: at least 50% of the pixels in view for one continuous second, tab visible.
  function checkView(st) {
    var visible = st.ratio >= 0.5 && !d.hidden;
    if (visible && !st.timer && !st.done) {
      st.timer = setTimeout(safe(() => {
        st.timer = 0;
        if (st.ratio >= 0.5 && !d.hidden && !st.done) {
          st.done = true;
          viewIo.unobserve(st.el);
          live.delete(st);
          beacon(st.viewableUrl);
          emit('impressionViewable', { element: st.el, slotId: st.id });
        }
      }), 1000);
    } else if (!visible && st.timer) {
      clearTimeout(st.timer);
      st.timer = 0;
    }
  }

  function watch(el, slot, id) {
    if (!('IntersectionObserver' in w)) return; // viewability cannot be measured: no viewable event
    if (!viewIo) {
      viewIo = new IntersectionObserver(safe(entries => {
        entries.forEach(e => {
          live.forEach(st => {
            if (st.el === e.target) { st.ratio = e.isIntersecting ? e.intersectionRatio : 0; checkView(st); }
          });
        });
      }), { threshold: [0, 0.5, 1] });
    }
    live.add({ el: el, id: id, viewableUrl: slot.viewableUrl, ratio: 0, timer: 0, done: false });
    viewIo.observe(el);
  }

  function render(el, slot, req, id) {
    cleanup(el);
    if (!slot || typeof slot.html !== 'string') { collapse(el, 'empty', id); return; }
    el.innerHTML = slot.html;
    el.style.display = 'block';
    el.style.width = slot.width + 'px';
    el.style.height = slot.height + 'px';
    el.setAttribute('data-campaign', slot.campaignId);
    el.setAttribute('data-creative', slot.creativeId);
    setStatus(el, 'filled');
    emit('slotRenderEnded', { element: el, slotId: id, isEmpty: false, campaignId: slot.campaignId, creativeId: slot.creativeId, size: [slot.width, slot.height] });
    var once = safe(() => {
      if (once.done || asked.get(el) !== req) return; // refreshed since
      once.done = true;
      beacon(slot.impressionUrl);
      watch(el, slot, id);
    });
    var img = slot.format === 'image' && el.querySelector('img');
    // Images count once loaded (a broken one was never seen); text and html at once.
    if (img && !(img.complete && img.naturalWidth)) img.addEventListener('load', once);
    else once();
  }

  // data-sizes, either "728x90,320x50" (the widest that fit the slot's container) or breakpoints like <img sizes>:
  // "(min-width: 1024px) 970x250 728x90, (min-width: 728px) 728x90, 320x50": the sizes of the first media condition
  // the viewport matches, else of the entry without one.
  function sizes(el) {
    var spec = el.getAttribute('data-sizes') || '', a;
    if (spec.indexOf('(') >= 0) {
      var parts = spec.split(/,(?![^(]*\))/);
      for (var i = 0; i < parts.length; i++) {
        var m = parts[i].trim().match(/^(\(.*\))\s+(.*)$/);
        if (!m || w.matchMedia(m[1]).matches) return (m ? m[2] : parts[i]).match(/\d+x\d+/g) || undefined;
      }
      return;
    }
    a = spec.match(/\d+x\d+/g);
    if (!a) return;
    var cw = (el.parentElement || el).clientWidth, f = a.filter(x => parseInt(x) <= cw), m2 = Math.max(...f.map(x => parseInt(x)));
    return f.length ? f.filter(x => parseInt(x) == m2) : a;
  }

  // When the viewport crosses a size break, a slot whose sizes change is asked for again (GPT's size mapping).
  var resized = safe(() => {
    resizeTimer = 0;
    all().forEach(el => {
      var st = el.getAttribute('data-suara-status');
      if (el.hasAttribute('data-sizes') && chosen.has(el) && (st === 'filled' || st === 'empty') && String(sizes(el)) !== chosen.get(el)) add(el, true);
    });
  });

  // data-kv-NAME="value" on the <ins>: the slot's key-values, over the page's.
  function slotKv(el) {
    var kv, n = 0;
    Array.prototype.forEach.call(el.attributes, a => {
      var k = a.name.slice(8);
      if (a.name.indexOf('data-kv-') === 0 && k && k.length <= 64 && n < 50) { (kv = kv || {})[k] = a.value.slice(0, MAX); n++; }
    });
    return kv;
  }

  function send(els) {
    var map = {}, slots = [], req = {}, shown = [];
    els.forEach(el => {
      asked.set(el, req);
      var id = el.id && el.id.length <= 64 ? el.id : '';
      if (!id || map[id]) id = 'slot-' + (++seq);
      map[id] = el;
      var z = sizes(el);
      chosen.set(el, String(z));
      slots.push({ id: id, placement: el.getAttribute('data-placement'), sizes: z, kv: slotKv(el) });
      emit('slotRequested', { element: el, slotId: id });
    });
    // One page view, one set of rules: what the other slots show now (earlier, lazy, refreshed, SPA requests).
    all().forEach(el => {
      if (!asked.has(el) || asked.get(el) !== req) {
        var c = el.getAttribute('data-campaign');
        if (c && el.getAttribute('data-suara-status') === 'filled' && shown.length < 50) shown.push(c + '/' + el.getAttribute('data-creative'));
      }
    });
    var s = pageSettings();
    if (shown.length) s.page.shown = shown;
    tcf().then(safe(allowed => {
      var vid = viewer(allowed);
      var body = { site: site, page: s.page, slots: slots, kv: s.kv };
      if (vid) body.user = { id: vid };
      // text/plain: a simple request, no CORS preflight
      fetch(origin + '/v1/decisions', {
        method: 'POST', body: JSON.stringify(body), credentials: 'omit',
        headers: { 'Content-Type': 'text/plain' }
      }).then(r => r.json().catch(() => null).then(j => {
        if (!r.ok) throw new Error('the ad request was refused (' + r.status + '): ' + (j && (j.detail || j.title) || '') + (j && j.errors ? ' ' + JSON.stringify(j.errors) : ''));
        return j;
      })).then(safe(res => {
        var errors = res && res.errors || {};
        Object.keys(map).forEach(id => {
          var el = map[id];
          if (asked.get(el) !== req) return;
          if (errors[id]) {
            warn('slot "' + id + '" (data-placement="' + el.getAttribute('data-placement') + '") was not filled: ' + errors[id]);
            collapse(el, 'error', id);
          } else {
            render(el, res && res.slots ? res.slots[id] : null, req, id);
          }
          if (debug) show(el, id, res, errors[id]);
        });
        if (debug) explain(body);
      })).catch(e => {
        warn(e && e.message || 'the ad request failed');
        Object.keys(map).forEach(id => {
          try { if (asked.get(map[id]) === req) collapse(map[id], 'error', id); } catch (x) { /* ignore */ }
        });
      });
    }));
  }

  // ?suara_debug=1: each slot outlined and labelled, its decision in the console; with an admin or trafficker key in
  // localStorage 'suara_ads_debug_key', explain's verdict for every candidate (a dry run that counts nothing).
  function show(el, id, res, error) {
    var slot = res && res.slots && res.slots[id];
    el.style.outline = '2px dashed ' + (slot ? '#1b7f4c' : '#b3121b');
    el.title = 'Suara Ads: ' + id + ' · ' + (slot ? slot.campaignId + ' / ' + slot.creativeId : error || 'no ad');
    if (!slot) { el.style.display = 'block'; el.style.minHeight = '20px'; }
    try { console.info('Suara Ads debug: slot "' + id + '"', slot ? { campaign: slot.campaignId, creative: slot.creativeId, size: slot.width + 'x' + slot.height } : error || 'no ad'); } catch (e) { /* no console */ }
  }

  function explain(body) {
    var key;
    try { key = localStorage.getItem('suara_ads_debug_key'); } catch (e) { /* none */ }
    if (!key) return;
    fetch(origin + '/v1/decisions?explain=true', {
      method: 'POST', body: JSON.stringify(body), credentials: 'omit',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + key }
    }).then(r => r.json()).then(safe(res => {
      Object.keys(res.explain || {}).forEach(id => {
        console.info('Suara Ads debug: why slot "' + id + '" shows what it shows');
        console.table(res.explain[id].map(c => ({ campaign: c.campaignId, creative: c.creativeId || '', priority: c.priority, outcome: c.outcome, why: c.detail || '' })));
      });
    })).catch(() => warn('explain was refused: is suara_ads_debug_key an admin or trafficker key?'));
  }

  var flush = safe(() => {
    flushTimer = 0;
    var els = queue.filter((el, i) => { return queue.indexOf(el) === i && el.isConnected; });
    queue = [];
    for (var i = 0; i < els.length; i += BATCH) send(els.slice(i, i + BATCH));
  });

  function enqueue(el) {
    if (!el.getAttribute('data-placement')) { setStatus(el, 'invalid'); return; }
    setStatus(el, 'pending');
    queue.push(el);
    if (!flushTimer) flushTimer = setTimeout(flush, 0);
  }

  function add(el, force) {
    if (!el || el.nodeType !== 1 || !el.matches('ins.suara-ad')) return;
    if (!force && el.hasAttribute('data-suara-status')) return;
    cleanup(el);
    if (!force && el.hasAttribute('data-lazy') && 'IntersectionObserver' in w) {
      if (!lazyIo) {
        lazyIo = new IntersectionObserver(safe(entries => {
          entries.forEach(e => {
            if (e.isIntersecting) { lazyIo.unobserve(e.target); enqueue(e.target); }
          });
        }), { rootMargin: '200px 0px' });
      }
      setStatus(el, 'lazy');
      lazyIo.observe(el);
      return;
    }
    enqueue(el);
  }

  function all() { return Array.prototype.slice.call(d.querySelectorAll('ins.suara-ad')); }

  var scan = safe(() => {
    scanTimer = 0;
    all().forEach(el => { add(el, false); });
    cleanup(null); // forget slots that left the page
  });

  function list(x) {
    if (!x) return [];
    if (x.nodeType === 1) return [x];
    return Array.prototype.slice.call(x);
  }

  /** Re-requests the given slots (an element, a list, or nothing for every slot on the page). */
  api.refresh = safe(elements => {
    (elements ? list(elements) : all()).forEach(el => { add(el, true); });
  });
  /** Listens to a page event: slotRequested, slotRenderEnded, impressionViewable. */
  api.on = (name, fn) => { if (typeof fn === 'function') (handlers[name] = handlers[name] || []).push(fn); return api; };
  /** Stops listening. */
  api.off = (name, fn) => { handlers[name] = (handlers[name] || []).filter(f => f !== fn); return api; };
  /** Adds slots (an element or a list) that are already in the page or were just created. */
  api.push = safe(elements => { list(elements).forEach(el => { add(el, false); }); });

  function run(fn) { try { if (typeof fn === 'function') fn(api); } catch (e) { /* the page's own code */ } }

  var start = safe(() => {
    scan();
    if ('MutationObserver' in w) {
      new MutationObserver(() => {
        if (!scanTimer) scanTimer = setTimeout(scan, 50); // debounced: one request per burst of changes
      }).observe(d.documentElement, { childList: true, subtree: true });
    }
    d.addEventListener('visibilitychange', safe(() => { live.forEach(checkView); }));
    w.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(resized, 150); });
  });

  safe(() => {
    script = d.currentScript || d.querySelector('script[src*="ads.js"][data-site]');
    origin = new URL(script ? script.src : '/', location.href).origin;
    site = (script && script.getAttribute('data-site')) || api.site;
    api.loaded = true;
    w.suaraAds = api;
    var pending = Array.isArray(api.cmd) ? api.cmd : [];
    api.cmd = { push: function () { Array.prototype.forEach.call(arguments, run); return 0; } };
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start);
    else start();
    pending.forEach(run);
  })();
})(window, document);
