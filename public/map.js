/* Linli 邻里 — progressive enhancement of the server-rendered /map page.
 *
 * Plain ES2017, no build step. Load after /vendor/leaflet/leaflet.js and (optionally)
 * /vendor/markercluster/leaflet.markercluster.js, with `defer`, or alone on a page whose
 * map box says `data-lazy`: then this script loads them when the map comes near the
 * screen. Without this script (or without Leaflet) the page still works: the station list
 * is server-rendered and the point form can be filled in by hand.
 *
 * Datum rule (same as app/src/stations/coords.rs): everything the server sends and
 * everything we submit is WGS-84. Only when the tiles are drawn in GCJ-02 (data-coords=
 * "gcj02", e.g. Amap/Tencent tiles) do we shift points for display, and shift a tapped
 * point back before it goes into the form.
 */
(function () {
  'use strict';
  if (window.__linliMap) return;
  // Shows the controls that need this script (.js-only is hidden until then).
  document.documentElement.classList.add('js');
  // A print button (the checklist): the page prints as it is, tick boxes and all.
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) {
    b.addEventListener('click', function () { window.print(); });
  });
  // Exposed for debugging and the browser tests; filled in once the map exists.
  var api = (window.__linliMap = { wgsToGcj: wgsToGcj, gcjToWgs: gcjToWgs });

  // ---- WGS-84 <-> GCJ-02 (Krasovsky 1940 ellipsoid, the widely published transform) ----
  var PI = Math.PI, A = 6378245.0, EE = 0.00669342162296594323;

  function outOfChina(lat, lng) {
    return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
    return r;
  }
  function tLng(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
    return r;
  }
  function wgsToGcj(lat, lng) {
    if (outOfChina(lat, lng)) return [lat, lng];
    var radLat = lat / 180 * PI;
    var magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat), sqrtMagic = Math.sqrt(magic);
    var dLat = tLat(lng - 105, lat - 35) * 180 / ((A * (1 - EE)) / (magic * sqrtMagic) * PI);
    var dLng = tLng(lng - 105, lat - 35) * 180 / (A / sqrtMagic * Math.cos(radLat) * PI);
    return [lat + dLat, lng + dLng];
  }
  // No closed-form inverse: correct the guess by the forward transform's residual until it
  // is below 1e-9 degrees (converges in a handful of steps; 30 is a safety cap).
  function gcjToWgs(lat, lng) {
    if (outOfChina(lat, lng)) return [lat, lng];
    var wLat = lat, wLng = lng;
    for (var i = 0; i < 30; i++) {
      var g = wgsToGcj(wLat, wLng), eLat = g[0] - lat, eLng = g[1] - lng;
      if (Math.abs(eLat) < 1e-9 && Math.abs(eLng) < 1e-9) break;
      wLat -= eLat;
      wLng -= eLng;
    }
    return [wLat, wLng];
  }

  // ---- small helpers ----
  function $(id) { return document.getElementById(id); }
  function num(v) { var n = parseFloat(v); return isFinite(n) ? n : NaN; }
  function say(text) { var s = $('map-status'); if (s) s.textContent = text; }
  // The status texts in the page's language (data-* on #map-status), else Chinese.
  function msg(key, fallback) {
    var s = $('map-status');
    return (s && s.dataset && s.dataset[key]) || fallback;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // ---- the point form: both the map tap and #locate end here ----
  var submitting = false;
  function submitPoint(lat, lng, note) {
    var form = $('point-form');
    if (!form || submitting || !isFinite(lat) || !isFinite(lng)) return;
    submitting = true;
    ['lat', 'lng'].forEach(function (name, i) {
      var input = form.elements[name];
      if (!input) { // tolerate a form rendered without the hidden inputs
        input = el('input');
        input.type = 'hidden';
        input.name = name;
        form.appendChild(input);
      }
      input.value = (i ? lng : lat).toFixed(6);
    });
    // A position replaces a landmark typed earlier.
    if (form.elements.near) form.elements.near.value = '';
    if (note) say(note);
    // The prototype method bypasses constraint validation (an empty optional filter must not
    // swallow a tap) and still works if some input happens to be named "submit".
    HTMLFormElement.prototype.submit.call(form);
  }

  // #locate does not need the map, so it is wired even when the map is absent or Leaflet
  // failed to load (the button is type=button and does nothing without this script).
  function wireLocate() {
    var btn = $('locate');
    if (!btn || !$('point-form')) return;
    btn.addEventListener('click', function () {
      if (!navigator.geolocation) {
        say(msg('unsupported', '您的浏览器不支持定位，请在地图上点选或输入地址'));
        return;
      }
      btn.disabled = true;
      say(msg('locating', '正在获取您的位置…'));
      navigator.geolocation.getCurrentPosition(function (pos) {
        // The Geolocation API reports WGS-84, which is what the form wants.
        submitPoint(pos.coords.latitude, pos.coords.longitude, msg('found', '已获取位置，正在查找附近站点…'));
      }, function (err) {
        btn.disabled = false;
        say(err && err.code === 1 ? msg('denied', '您未允许获取位置，请在地图上点选或输入地址')
          : err && err.code === 3 ? msg('timeout', '获取位置超时，请重试，或在地图上点选、输入地址')
          : msg('failed', '无法获取您的位置，请在地图上点选或输入地址'));
        // Open the other ways to set a point, and put the cursor in the place box.
        var box = $('near-q');
        if (box) {
          var d = box.closest && box.closest('details');
          if (d) d.open = true;
          box.focus();
        }
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 });
    });
    // Filters apply as soon as one is ticked (the submit button stays for no-script use).
    var form = $('point-form');
    if (form.dataset.autosubmit === '1') {
      form.addEventListener('change', function (e) {
        if (e.target && e.target.type === 'checkbox' && !submitting) {
          submitting = true;
          HTMLFormElement.prototype.submit.call(form);
        }
      });
    }
    // Rider mode asks for the position at once: one hand on the handlebar, no extra tap.
    if (form.dataset.autolocate === '1' && !(form.elements.lat && form.elements.lat.value) &&
        !(form.elements.near && form.elements.near.value) && !/[?&]near=/.test(location.search)) {
      btn.click();
    }
  }

  function safeUrl(u) {
    // Server-provided, but never let a javascript: URL through into a popup link.
    return typeof u === 'string' && /^(\/(?!\/)|https?:\/\/)/.test(u) ? u : '#';
  }

  function readStations() {
    var node = $('stations-data');
    if (!node) return [];
    try {
      var list = JSON.parse(node.textContent || '[]');
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function buildMap(box) {
    var L = window.L, d = box.dataset;
    var gcj = (d.coords || '').toLowerCase() === 'gcj02';
    function toMap(lat, lng) { var p = gcj ? wgsToGcj(lat, lng) : [lat, lng]; return L.latLng(p[0], p[1]); }
    function fromMap(ll) { return gcj ? gcjToWgs(ll.lat, ll.lng) : [ll.lat, ll.lng]; }

    var lat = num(d.lat), lng = num(d.lng), zoom = num(d.zoom), radius = num(d.radius);
    if (!isFinite(lat) || !isFinite(lng)) { lat = 36.81; lng = 118.05; } // Zibo, the demo city
    if (!isFinite(zoom)) zoom = 15;

    // Keyboard: Leaflet already pans with the arrow keys and zooms with +/-; Enter (below)
    // picks the map centre. Tab moves on as usual, so focus is never trapped.
    box.setAttribute('tabindex', '0');
    if (!box.hasAttribute('role')) box.setAttribute('role', 'region');
    if (!box.hasAttribute('aria-label')) {
      box.setAttribute('aria-label', '站点地图：方向键移动，加号减号缩放，点按或回车选择地图中心为新位置');
    }

    var map = L.map(box, { center: toMap(lat, lng), zoom: zoom, maxZoom: 19, keyboard: true });
    // Leaflet's default prefix carries a flag icon; keep only the plain credit link.
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

    if (d.tiles) {
      var tileOpts = { maxZoom: 19, attribution: escapeHtml(d.attribution || '') };
      if (d.subdomains) tileOpts.subdomains = d.subdomains;
      var failures = 0;
      L.tileLayer(d.tiles, tileOpts).on('tileerror', function (e) {
        if (e.tile) e.tile.style.visibility = 'hidden';
        // A single flaky tile is normal on mobile; three means the tile server is out of reach.
        if (++failures === 3) {
          box.classList.add('tiles-failed');
          say('地图底图加载失败，已为您保留站点列表');
        }
      }).addTo(map);
    } else {
      box.classList.add('tiles-failed');
    }

    // The walking circle is non-interactive so a tap inside it reaches the map (tap-to-pick).
    if (isFinite(radius) && radius > 0) {
      var circle = L.circle(toMap(lat, lng), {
        radius: radius, interactive: false, color: '#b71c1c', weight: 2, fillOpacity: 0.06
      });
      if (d.labelCircle) {
        circle.bindTooltip(d.labelCircle, { permanent: true, direction: 'bottom', offset: [0, 14], className: 'circle-label' });
      }
      circle.addTo(map);
    }
    var here = L.marker(toMap(lat, lng), {
      icon: L.divIcon({ className: 'here-marker', iconSize: null, html: '' }),
      keyboard: false, interactive: false, zIndexOffset: 1000
    });
    if (d.labelHere) here.bindTooltip(d.labelHere, { permanent: true, direction: 'top', offset: [0, -12], className: 'here-label' });
    here.addTo(map);

    // Stations. iconSize:null leaves size and anchor to CSS (.pin), so html.care can enlarge
    // the pins without the JS knowing about the care mode.
    var layer = typeof L.markerClusterGroup === 'function'
      ? L.markerClusterGroup({ maxClusterRadius: 40, disableClusteringAtZoom: 17, showCoverageOnHover: false, chunkedLoading: true })
      : L.layerGroup();
    function addStation(s) {
      var sLat = num(s.lat), sLng = num(s.lng);
      if (!isFinite(sLat) || !isFinite(sLng)) return;
      var kind = /^[a-z_]+$/.test(s.kind || '') ? s.kind : 'other';
      var cls = 'pin pin-' + kind + (s.open === false ? ' pin-closed' : '');
      var name = String(s.name || '');
      var m = L.marker(toMap(sLat, sLng), {
        icon: L.divIcon({ className: cls, iconSize: null, html: '', popupAnchor: [0, -16] }),
        title: s.status ? name + ' · ' + s.status : name,
        // Leaflet writes the marker opacity inline (and markercluster restores it from this
        // option after its animations), so the greying must be set here, not only in CSS.
        opacity: s.open === false ? 0.7 : 1,
        riseOnHover: true
      });
      var pop = el('div', 'pin-popup');
      var a = el('a', null, name);
      a.href = safeUrl(s.url);
      pop.appendChild(el('strong')).appendChild(a);
      if (s.status) pop.appendChild(el('div', s.open === false ? 'pin-status closed' : 'pin-status', s.status));
      m.bindPopup(pop);
      layer.addLayer(m);
    }
    layer.addTo(map);
    // A long list of markers (the coverage map's gaps) comes by its own request, so the
    // page stays small; a short one is inline in the page.
    if (d.src && /^\/(?!\/)/.test(d.src) && window.fetch) {
      fetch(d.src, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (list) { if (Array.isArray(list)) list.forEach(addStation); })
        .catch(function () { say('地图标记加载失败，请刷新页面'); });
    } else {
      readStations().forEach(addStation);
    }

    // Tap-to-pick. Markers don't bubble clicks to the map, and Leaflet suppresses the click
    // that ends a drag, so only a deliberate tap on the base map lands here.
    function pick(ll) {
      var w = fromMap(ll);
      here.setLatLng(ll); // immediate feedback while the next page loads
      submitPoint(w[0], w[1], '正在查找该位置附近的站点…');
    }
    map.on('click', function (e) { pick(e.latlng); });
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && e.target === box) { e.preventDefault(); pick(map.getCenter()); }
    });

    api.map = map;
    api.toMap = toMap;
    api.fromMap = fromMap;
    api.stations = layer;
  }

  // Coming back with the Back button may restore this page from the bfcache exactly as it
  // was left: mid-submit, with #locate disabled. Make it usable again.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    submitting = false;
    var btn = $('locate');
    if (btn) btn.disabled = false;
    say('');
  });

  function build(box) {
    if (!window.L || typeof window.L.map !== 'function') return; // vendor files missing: list only
    try {
      buildMap(box);
    } catch (e) {
      box.classList.add('tiles-failed');
      say('地图加载失败，已为您保留站点列表');
      if (window.console) console.error(e);
    }
  }

  // ---- Leaflet on demand ----
  // A map box marked `data-lazy` (the home and /map pages) gets Leaflet (about 45 KB
  // brotli, three times the rest of the page) only when it comes near the screen: a phone
  // whose first screen is the place box and the filters reads them without waiting for
  // it, and a visit that never scrolls to the map never pays for it.
  var VENDOR = {
    css: ['/vendor/leaflet/leaflet.css', '/vendor/markercluster/MarkerCluster.css',
      '/vendor/markercluster/MarkerCluster.Default.css'],
    js: ['/vendor/leaflet/leaflet.js', '/vendor/markercluster/leaflet.markercluster.js'],
  };
  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function loadLeaflet() {
    VENDOR.css.forEach(function (href) {
      var l = document.createElement('link');
      l.rel = 'stylesheet';
      l.href = href;
      document.head.appendChild(l);
    });
    // In order: the cluster plugin extends Leaflet.
    return addScript(VENDOR.js[0]).then(function () {
      return addScript(VENDOR.js[1]).catch(function () { /* pins without clusters */ });
    });
  }
  function lazy(box) {
    var started = false;
    function go() {
      if (started) return;
      started = true;
      box.classList.add('map-loading');
      loadLeaflet().then(function () {
        box.classList.remove('map-loading');
        build(box);
      }, function () {
        box.classList.remove('map-loading');
        box.classList.add('tiles-failed');
        say('地图加载失败，已为您保留站点列表');
      });
    }
    if (!('IntersectionObserver' in window)) { go(); return; }
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); go(); }
    }, { rootMargin: '0px 0px 100px 0px' });
    seen.observe(box);
    // A tap or a key on the map box asks for it at once.
    box.addEventListener('pointerdown', go, { once: true });
    box.addEventListener('focus', go, { once: true });
  }

  function init() {
    wireLocate();
    var box = $('map');
    if (!box) return;
    if (box.hasAttribute('data-lazy') && !window.L) lazy(box);
    else build(box);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
