/* Linli 邻里 — progressive enhancement of two back-office forms. Plain ES2017, no build
 * step; without it both forms work as they are (the server is the judge either way).
 *
 * 1. The import upload (/admin/import): a large file shows how much has been sent, then
 *    that the server is checking it, instead of a page that seems stuck.
 * 2. The hours editor (/station/:id/hours): the hours are checked as they are typed; the
 *    server evaluates them (the same crate that answers "open now") and its 14-day
 *    preview replaces the one on the page. Saving stays a plain POST of what was checked.
 */
(function () {
  'use strict';

  function $(sel, root) { return (root || document).querySelector(sel); }

  // ---- 1. upload with progress ----
  var upload = $('form[data-upload-progress]');
  if (upload && window.XMLHttpRequest && window.FormData) {
    var bar = $('#upload-progress');
    var status = $('#upload-status');
    upload.addEventListener('submit', function (e) {
      if (!upload.checkValidity()) return;
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', upload.action);
      xhr.setRequestHeader('Accept', 'application/json');
      if (bar) { bar.hidden = false; bar.value = 0; }
      var button = $('button[type=submit]', upload);
      if (button) button.disabled = true;
      xhr.upload.onprogress = function (ev) {
        if (!ev.lengthComputable || !bar) return;
        bar.max = ev.total;
        bar.value = ev.loaded;
        if (status) status.textContent = (status.dataset.sending || '正在上传') + ' ' + Math.round(ev.loaded * 100 / ev.total) + ' %';
      };
      xhr.upload.onload = function () {
        if (bar) bar.removeAttribute('value'); // indeterminate while the server checks
        if (status) status.textContent = status.dataset.checking || '已上传，正在逐行检查…';
      };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText || '{}'); } catch (err) { body = {}; }
        if (xhr.status === 200 && typeof body.id === 'number') {
          window.location.assign('/admin/import/' + body.id);
          return;
        }
        if (button) button.disabled = false;
        if (bar) bar.hidden = true;
        if (status) status.textContent = body.message || (status.dataset.failed || '上传失败，请重试');
      };
      xhr.onerror = function () {
        if (button) button.disabled = false;
        if (bar) bar.hidden = true;
        if (status) status.textContent = status.dataset.failed || '上传失败，请重试';
      };
      xhr.send(new FormData(upload));
    });
  }

  // ---- 2. hours checked as they are typed ----
  var hoursForm = $('form[data-hours-live]');
  if (hoursForm && window.fetch) {
    var box = $('textarea[name=hours]', hoursForm);
    var follows = $('input[name=follows]', hoursForm);
    var stationId = hoursForm.dataset.station;
    var live = $('#hours-live');
    var timer = null;
    var seq = 0;
    function render(r) {
      if (!live) return;
      live.textContent = '';
      if (r.error) {
        var p = document.createElement('p');
        p.className = 'form-error';
        p.textContent = r.error;
        live.appendChild(p);
        return;
      }
      if (r.read_as) {
        var ra = document.createElement('p');
        ra.className = 'form-ok';
        ra.textContent = (live.dataset.readAs || '') + ' ';
        var code = document.createElement('code');
        code.textContent = r.read_as;
        ra.appendChild(code);
        live.appendChild(ra);
      }
      var table = document.createElement('table');
      table.className = 'week';
      var cap = document.createElement('caption');
      cap.textContent = live.dataset.caption || '';
      table.appendChild(cap);
      var tb = document.createElement('tbody');
      (r.preview || []).forEach(function (d) {
        var tr = document.createElement('tr');
        var th = document.createElement('th');
        th.scope = 'row';
        var names = (live.dataset.weekdays || '').split(',');
        th.textContent = d.date + ' ' + (names[d.weekday - 1] || '');
        var td = document.createElement('td');
        td.textContent = d.intervals.length ? d.intervals.join('、') : (live.dataset.closed || '不开放');
        if (d.note) {
          var b = document.createElement('span');
          b.className = 'badge';
          b.textContent = d.note;
          td.appendChild(document.createTextNode(' '));
          td.appendChild(b);
        }
        tr.appendChild(th);
        tr.appendChild(td);
        tb.appendChild(tr);
      });
      table.appendChild(tb);
      live.appendChild(table);
    }
    function check() {
      var mine = ++seq;
      var body = new URLSearchParams();
      body.set('station_id', stationId);
      body.set('proposed', box.value);
      body.set('follows', follows && follows.checked ? 'true' : 'false');
      fetch('/api/stations/hours', {
        method: 'POST',
        headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        credentials: 'same-origin'
      }).then(function (res) { return res.json(); }).then(function (r) {
        if (mine === seq) render(r);
      }).catch(function () { /* the preview button still works */ });
    }
    // The save form carries what is in the box now (the server checks it again).
    function sync() {
      var save = document.querySelector('form input[name=opening_hours]');
      if (save) save.value = box.value;
      var f = document.querySelector('form input[name=follows_workdays]');
      if (f) f.value = follows && follows.checked ? 'on' : 'off';
    }
    function later() {
      sync();
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    }
    if (box) box.addEventListener('input', later);
    if (follows) follows.addEventListener('change', later);
  }
})();
