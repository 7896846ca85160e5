/* Linli 邻里 — the rider page without a network.
 *
 * Plain ES2017, no build step, loaded by the rider page only (with `defer`). Online it
 * does three small things: registers the service worker (/sw.js), remembers the last
 * position the page was asked for, and keeps the stations' offline data fresh (the
 * outdoor rest points with their opening intervals for the next 7 days, fetched at
 * most once an hour into the worker's cache).
 *
 * Offline (the worker answered with the kept page, marked `data-linli-offline` on
 * <html>, or the browser says it has no network) it draws the list itself from the kept
 * data: the nearest open stations to the last known position, with the amenities the
 * kept form asks for, "open now" and "closes at" computed here from the intervals, and
 * a line saying that this is offline data and when it was fetched. When the network
 * comes back the line says so and offers to reload.
 *
 * The texts come from the page (data-* on #offline-status), in the reader's language.
 */
(function () {
  'use strict';
  var DATA = '/api/v1/stations/offline';
  var CACHE = 'linli-rider-v1';
  var POS = 'linli.rider.position';
  var FETCHED = 'linli.rider.fetched';
  var box = document.getElementById('offline-status');
  var list = document.querySelector('.rider-list');
  if (!box || !list) return;
  var t = box.dataset;

  function fill(text, vars) {
    return String(text || '').replace(/%\{(\w+)\}/g, function (_, k) {
      return vars[k] == null ? '' : vars[k];
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function store(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }

  // Local time of day in Asia/Shanghai (UTC+8, no summer time) from Unix seconds.
  function hm(ts) {
    var d = new Date((ts + 8 * 3600) * 1000);
    var h = d.getUTCHours(), m = d.getUTCMinutes();
    return (h < 10 ? '0' : '') + h + ':' + (m < 10 ? '0' : '') + m;
  }
  function shanghaiDay(ts) { return Math.floor((ts + 8 * 3600) / 86400); }
  function when(ts) {
    var d = new Date((ts + 8 * 3600) * 1000);
    return (d.getUTCMonth() + 1) + '/' + d.getUTCDate() + ' ' + hm(ts);
  }

  // Great-circle distance in metres.
  function metres(a, b) {
    var R = 6371008.8, r = Math.PI / 180;
    var dLat = (b.lat - a.lat) * r, dLng = (b.lng - a.lng) * r;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function distance(m) {
    return m < 1000 ? fill(t.metres, { m: Math.round(m / 10) * 10 })
      : fill(t.km, { km: (m / 1000).toFixed(1) });
  }

  // Open at `now`, and until when: the interval that holds `now`, joined with the ones
  // that follow without a gap (a station open 08:00–24:00 and 00:00–02:00 closes at 02:00).
  function openUntil(open, now) {
    for (var i = 0; i < open.length; i++) {
      if (open[i][0] <= now && now < open[i][1]) {
        var end = open[i][1];
        for (var j = i + 1; j < open.length && open[j][0] <= end; j++) end = Math.max(end, open[j][1]);
        return end;
      }
    }
    return null;
  }

  // The position: the one in the address, else the last one remembered.
  function position() {
    var q = new URLSearchParams(location.search);
    var lat = parseFloat(q.get('lat')), lng = parseFloat(q.get('lng'));
    if (isFinite(lat) && isFinite(lng)) return { lat: lat, lng: lng, here: true };
    try {
      var p = JSON.parse(load(POS) || 'null');
      if (p && isFinite(p.lat) && isFinite(p.lng)) return { lat: p.lat, lng: p.lng, at: p.at };
    } catch (e) { /* nothing kept */ }
    return null;
  }

  // The amenities the page asks for: the address's, else the kept form's ticks.
  function wanted() {
    var q = new URLSearchParams(location.search), out = [];
    q.getAll('amenity').forEach(function (v) { v.split(',').forEach(function (a) { if (a) out.push(a); }); });
    if (out.length) return out;
    Array.prototype.forEach.call(document.querySelectorAll('input[name="amenity"]:checked'), function (i) {
      out.push(i.value);
    });
    return out;
  }

  function draw(data) {
    var now = Math.floor(Date.now() / 1000);
    var p = position();
    box.hidden = false;
    box.className = 'offline-status';
    box.textContent = fill(t.offline, { time: when(data.generated_ts) });
    Array.prototype.forEach.call(document.querySelectorAll('.form-error, .hint'), function (e) {
      if (e !== box) e.hidden = true;
    });
    list.textContent = '';
    if (!p) { list.appendChild(el('li', 'hint', t.noPosition)); return; }
    if (data.until_ts <= now) { list.appendChild(el('li', 'form-error', t.tooOld)); return; }
    var need = wanted();
    var found = data.stations.map(function (s) {
      return { s: s, d: metres(p, s), until: openUntil(s.open, now) };
    }).filter(function (x) {
      return x.until !== null && need.every(function (a) { return x.s.amenities.indexOf(a) >= 0; });
    }).sort(function (a, b) { return a.d - b.d; }).slice(0, 5);
    if (!found.length) { list.appendChild(el('li', 'form-error', t.none)); return; }
    found.forEach(function (x) {
      var li = el('li', 'rider-card');
      var h = el('h2');
      var a = el('a', null, x.s.name);
      a.href = '/station/' + x.s.id;
      h.appendChild(a);
      li.appendChild(h);
      var meta = el('p', 'rider-meta');
      meta.appendChild(el('strong', null, distance(x.d)));
      var closes = x.until - now >= 7 * 86400 - 3600 ? t.always
        : fill(shanghaiDay(x.until - 1) > shanghaiDay(now) ? t.untilTomorrow : t.until, { time: hm(x.until) });
      meta.appendChild(document.createTextNode(' · '));
      meta.appendChild(el('span', 'status open offline-closes', closes));
      li.appendChild(meta);
      if (x.s.amenity_names.length) li.appendChild(el('p', 'amenities', x.s.amenity_names.join(' · ')));
      var nav = el('a', 'button nav-main', t.amap);
      nav.href = x.s.amap;
      nav.rel = 'external';
      li.appendChild(nav);
      list.appendChild(li);
    });
    if (!p.here) box.textContent += ' ' + fill(t.lastPosition, { time: p.at ? when(p.at) : '' });
  }

  function offline() {
    if (!window.caches) return;
    caches.open(CACHE).then(function (c) { return c.match(DATA); }).then(function (r) {
      return r ? r.json() : null;
    }).then(function (data) {
      if (data) { draw(data); return; }
      box.hidden = false;
      box.className = 'offline-status';
      box.textContent = t.noData;
    }).catch(function () { /* nothing kept: the page stays as it is */ });
  }

  var isOffline = document.documentElement.hasAttribute('data-linli-offline') || navigator.onLine === false;
  if (isOffline) offline();

  window.addEventListener('online', function () {
    if (!box.hidden || isOffline) {
      box.hidden = false;
      box.className = 'offline-status back-online';
      box.textContent = t.online + ' ';
      var again = el('a', null, t.reload);
      again.href = location.pathname + location.search;
      box.appendChild(again);
    }
  });
  window.addEventListener('offline', function () { isOffline = true; offline(); });

  if (isOffline) return;
  // Online: remember the position, register the worker, refresh the data hourly.
  var here = position();
  if (here && here.here) store(POS, JSON.stringify({ lat: here.lat, lng: here.lng, at: Math.floor(Date.now() / 1000) }));
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').then(function () {
    return navigator.serviceWorker.ready;
  }).then(function () {
    var last = parseInt(load(FETCHED) || '0', 10);
    if (Date.now() - last < 3600 * 1000) return caches.open(CACHE).then(function (c) { return c.match(DATA); })
      .then(function (r) { return r ? null : fetchData(); });
    return fetchData();
  }).then(function () {
    document.documentElement.setAttribute('data-offline-ready', '1');
  }).catch(function () { /* no worker: the page works online as before */ });

  function fetchData() {
    // Stored by this page (the worker may not control it yet on a first visit).
    return fetch(DATA, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      var copy = r.clone();
      return caches.open(CACHE).then(function (c) { return c.put(DATA, copy); });
    }).then(function () { store(FETCHED, String(Date.now())); });
  }
})();
