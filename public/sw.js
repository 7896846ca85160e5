/* Linli 邻里 — the service worker: the rider page without a network.
 *
 * Why a small worker of our own and not Workbox: it does three things (keep the rider
 * page and what it loads, keep the stations' offline data, answer from them when the
 * network fails), about 80 lines with no build step, where Workbox would add its
 * runtime and a bundler to a portal that has neither.
 *
 * What it keeps, in one cache named by CACHE:
 *   - the rider page as last loaded with the network (any /rider address, kept under
 *     "/rider"), with its stylesheet, scripts and icon;
 *   - /api/v1/stations/offline: every station with its opening intervals for the next
 *     7 days (fetched by /rider-offline.js after the page loaded, at most every hour).
 * What it answers:
 *   - a page visit to /rider: the network first; if it fails or takes longer than
 *     NET_WAIT ms, the kept page, marked `data-linli-offline` on <html> so that
 *     /rider-offline.js draws the list from the kept data;
 *   - the kept files above: the network first, the kept copy when it fails;
 *   - everything else: the network only (nothing private is ever kept: no other page,
 *     no API answer but the public stations' data).
 */
'use strict';

var CACHE = 'linli-rider-v1';
var NET_WAIT = 6000;
var SHELL = ['/pkg/linli.css', '/map.js', '/rider-offline.js', '/icons/icon.svg'];
var DATA = '/api/v1/stations/offline';

self.addEventListener('install', function (e) {
  e.waitUntil(
    caches.open(CACHE).then(function (c) { return c.addAll(SHELL.concat(['/rider'])); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (e) {
  e.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf('linli-') === 0 && k !== CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The network, given up after `ms` (a weak 4G link that never answers counts as none).
function network(req, ms) {
  return new Promise(function (resolve, reject) {
    var t = setTimeout(function () { reject(new Error('timeout')); }, ms);
    fetch(req).then(function (r) { clearTimeout(t); resolve(r); },
      function (err) { clearTimeout(t); reject(err); });
  });
}

// The kept rider page, marked as offline for the page's script.
function offlinePage() {
  return caches.open(CACHE).then(function (c) { return c.match('/rider'); }).then(function (r) {
    if (!r) return Response.error();
    return r.text().then(function (html) {
      // The page's own headers (its security policy included), less the length.
      var h = new Headers(r.headers);
      h.delete('Content-Length');
      h.delete('Content-Encoding');
      return new Response(html.replace('<html', '<html data-linli-offline="1"'), { headers: h });
    });
  });
}

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate' && url.pathname === '/rider') {
    e.respondWith(network(req, NET_WAIT).then(function (r) {
      if (r.ok) {
        var copy = r.clone();
        caches.open(CACHE).then(function (c) { return c.put('/rider', copy); });
      }
      return r;
    }).catch(offlinePage));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0 || url.pathname === DATA) {
    e.respondWith(network(req, NET_WAIT).then(function (r) {
      if (r.ok) {
        var copy = r.clone();
        caches.open(CACHE).then(function (c) { return c.put(url.pathname, copy); });
      }
      return r;
    }).catch(function () {
      return caches.open(CACHE).then(function (c) { return c.match(url.pathname); })
        .then(function (r) { return r || Response.error(); });
    }));
  }
});
