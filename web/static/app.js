/* SPDX-License-Identifier: MIT */
/* muster web UI: a little plain JavaScript on top of pages that work
   without it. Loaded from /static/app.js (CSP: script-src 'self').
   - [data-action="print"] buttons print the page;
   - buttons with [data-confirm] ask before submitting their form;
   - [data-due] clocks (incident time limits) tick every second, from the
     ISO due time in the attribute and the data-left / data-over texts
     ({m} minutes, {s} seconds);
   - a page with [data-live] parts listens to /api/v1/events and, when the
     audit log grows, fetches itself again and swaps in the fresh parts. */
(function () {
  'use strict';

  document.addEventListener('click', function (ev) {
    var el = ev.target && ev.target.closest ? ev.target : null;
    if (!el) return;
    var pr = el.closest('[data-action="print"]');
    if (pr) {
      ev.preventDefault();
      window.print();
      return;
    }
    var cf = el.closest('[data-confirm]');
    if (cf && !window.confirm(cf.getAttribute('data-confirm'))) ev.preventDefault();
  });

  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-due]').forEach(function (el) {
      var due = Date.parse(el.getAttribute('data-due'));
      if (isNaN(due)) return;
      var d = Math.round((due - now) / 1000), over = d < 0, a = Math.abs(d);
      var t = el.getAttribute(over ? 'data-over' : 'data-left');
      if (!t) return;
      var s = a % 60;
      el.textContent = t.replace('{m}', String(Math.floor(a / 60))).replace('{s}', (s < 10 ? '0' : '') + s);
      el.classList.toggle('is-overdue', over);
    });
  }
  if (document.querySelector('[data-due]')) {
    tick();
    setInterval(tick, 1000);
  }

  if (!document.querySelector('[data-live]') || !window.EventSource || !window.fetch) return;

  var busy = false, again = false;

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname + location.search, {
      credentials: 'same-origin',
      headers: { 'Accept': 'text/html' }
    }).then(function (r) {
      if (!r.ok) throw new Error('status ' + r.status);
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      document.querySelectorAll('[data-live]').forEach(function (el) {
        var name = el.getAttribute('data-live');
        var fresh = doc.querySelector('[data-live="' + CSS.escape(name) + '"]');
        if (fresh) el.replaceWith(document.importNode(fresh, true));
      });
    }).catch(function () {
      /* Keep what is shown; the next event tries again. */
    }).then(function () {
      busy = false;
      if (again) { again = false; setTimeout(refresh, 250); }
    });
  }

  var timer = null;
  var es = new EventSource('/api/v1/events');
  es.addEventListener('audit', function () {
    /* Several changes in a burst give one refresh. */
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () { timer = null; refresh(); }, 300);
  });
  window.addEventListener('pagehide', function () { es.close(); });
})();
