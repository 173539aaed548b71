// dig-node dashboard: reads /dashboard/overview and /dashboard/history, draws tables and SVG line charts.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var holdersAsked = {};

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }

  function bytes(n) {
    if (n === null || n === undefined) { return '–'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + units[i];
  }

  function duration(seconds) {
    var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm ' + seconds % 60 + 's';
  }

  function short(hex) { return hex && hex.length > 18 ? hex.slice(0, 10) + '…' + hex.slice(-6) : (hex || ''); }

  function fill(tableId, rows) {
    var body = $(tableId).tBodies[0];
    body.textContent = '';
    rows.forEach(function (cells) {
      var tr = document.createElement('tr');
      cells.forEach(function (cell) {
        var td = document.createElement('td');
        if (cell && typeof cell === 'object') {
          td.textContent = cell.text;
          if (cell.title) { td.title = cell.title; }
          if (cell.cls) { td.className = cell.cls; }
          if (cell.id) { td.id = cell.id; }
        } else {
          td.textContent = cell === null || cell === undefined ? '–' : String(cell);
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function getJson(path) {
    return fetch(path, { headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) { throw new Error(path + ': HTTP ' + r.status); }
      return r.json();
    });
  }

  function renderOverview(o) {
    var n = o.node;
    text('node-id', n.node_id);
    text('version', n.version);
    text('uptime', duration(n.uptime));
    text('peer-count', String(o.peers.length));
    fill('disks', o.disks.map(function (d) {
      return [d.path, d.plots, bytes(d.used_bytes), bytes(d.du_bytes), bytes(d.usable_bytes), bytes(d.total_bytes)];
    }));
    fill('plots', o.plots.map(function (p) {
      return [{ text: short(p.plot_id), title: p.plot_id, cls: 'mono' }, p.path, bytes(p.size_bytes), p.capsule_count,
        { text: p.status, cls: p.status === 'ok' ? '' : 'bad' }, p.bad_capsules];
    }));
    fill('datastores', o.datastores.map(function (d) {
      return [{ text: d.datastore_id, cls: 'mono datastore-id' }, d.name, d.version, d.capsule_count, bytes(d.total_size),
        { text: holdersAsked[d.datastore_id] || '…', id: 'holders-' + d.datastore_id }];
    }));
    o.datastores.forEach(function (d) { askHolders(d.datastore_id); });
    fill('peers', o.peers.map(function (p) {
      return [{ text: p.node_id || short(p.peer_id), title: p.peer_id || '', cls: 'mono' }, p.endpoint, p.direction,
        p.rtt_ms === null || p.rtt_ms === undefined ? '–' : p.rtt_ms + ' ms', p.reputation, p.software_version];
    }));
    var s = n.plots.scrub;
    var pct = s.pass_total_bytes > 0 ? Math.round(100 * s.pass_bytes / s.pass_total_bytes) + ' %' : '–';
    text('scrub', 'Scrub: ' + (s.enabled ? 'on at ' + bytes(s.rate) + '/s' : 'off') + ', this pass ' + pct + ', ' +
      s.passes + ' passes, ' + bytes(s.bytes_scrubbed) + ' rehashed, ' + s.bad_found + ' bad found');
    var r = n.plots.repairs;
    text('repairs', 'Repairs: ' + r.pending + ' pending, ' + r.running + ' running, ' + r.repaired + ' repaired, ' +
      r.failed_attempts + ' failed attempts');
    var rep = o.replication;
    text('replication', 'Replication: ' + (rep.enabled ? 'on' : 'off') + (rep.fetching.length === 0 ? ', nothing fetching' :
      ', fetching ' + rep.fetching.map(function (f) {
        return short(f.datastore_id) + ' v' + f.version + ' (' + f.capsules_left + ' capsules left)';
      }).join(', ')));
    text('updated', 'updated ' + new Date().toLocaleTimeString());
  }

  function askHolders(id) {
    if (holdersAsked[id]) { return; }
    holdersAsked[id] = '…';
    getJson('/dashboard/holders/' + id).then(function (h) {
      holdersAsked[id] = String(h.holders.length);
      var cell = $('holders-' + id);
      if (cell) { cell.textContent = holdersAsked[id]; cell.title = h.holders.map(function (x) { return x.url; }).join('\n'); }
    }).catch(function () { holdersAsked[id] = '?'; });
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    parent.appendChild(e);
    return e;
  }

  // Draws one line per series over the samples; x is the sample index, y scaled to the largest value.
  function chart(id, samples, series, format) {
    var svg = $(id), w = 400, h = 140, left = 46, bottom = 16, top = 8;
    svg.textContent = '';
    var max = 0;
    series.forEach(function (s) {
      samples.forEach(function (x) { var v = s.value(x); if (v !== null && v > max) { max = v; } });
    });
    if (max === 0) { max = 1; }
    el('line', { x1: left, y1: h - bottom, x2: w, y2: h - bottom, 'class': 'axis' }, svg);
    el('line', { x1: left, y1: top, x2: left, y2: h - bottom, 'class': 'axis' }, svg);
    el('text', { x: 2, y: top + 20 }, svg).textContent = format(max);
    el('text', { x: 2, y: h - bottom }, svg).textContent = format(0);
    el('text', { x: left, y: h - 3 }, svg).textContent = samples.length ? samples[0].minute.slice(11, 16) : 'no samples yet';
    if (samples.length) {
      el('text', { x: w - 30, y: h - 3 }, svg).textContent = samples[samples.length - 1].minute.slice(11, 16);
    }
    var step = samples.length > 1 ? (w - left - 4) / (samples.length - 1) : 0;
    series.forEach(function (s, i) {
      var points = [];
      samples.forEach(function (x, j) {
        var v = s.value(x);
        if (v !== null) {
          points.push((left + j * step).toFixed(1) + ',' + (h - bottom - (h - bottom - top) * v / max).toFixed(1));
        }
      });
      if (points.length === 1) {
        var xy = points[0].split(',');
        el('circle', { cx: xy[0], cy: xy[1], r: 2.5, 'class': 's' + i, fill: 'currentColor' }, svg);
      }
      if (points.length) { el('polyline', { points: points.join(' '), 'class': 's' + i }, svg); }
      el('text', { x: left + 6 + i * 90, y: top + 8, 'class': 's' + i }, svg).textContent = s.name;
    });
  }

  function perSecond(field) { return function (x) { return x[field] / x.seconds; }; }

  function renderHistory(hist) {
    var s = hist.samples;
    chart('chart-bandwidth', s, [
      { name: 'http out', value: perSecond('http_bytes_out') }, { name: 'http in', value: perSecond('http_bytes_in') },
      { name: 'p2p out', value: perSecond('p2p_bytes_out') }, { name: 'p2p in', value: perSecond('p2p_bytes_in') }], bytes);
    chart('chart-requests', s, [{ name: 'requests', value: perSecond('requests') }], function (v) { return v.toFixed(2); });
    chart('chart-latency', s, [{ name: 'mean', value: function (x) { return x.latency_mean_ms; } },
      { name: 'max', value: function (x) { return x.latency_max_ms; } }], function (v) { return v.toFixed(1); });
    chart('chart-cache', s, [{ name: 'hit ratio', value: function (x) { return x.cache_hit_ratio; } }],
      function (v) { return Math.round(v * 100) + ' %'; });
  }

  function refresh() {
    getJson('/dashboard/overview').then(renderOverview).catch(function (e) { text('updated', String(e.message)); });
    getJson('/dashboard/history').then(renderHistory).catch(function (e) { text('updated', String(e.message)); });
  }

  $('admin').addEventListener('submit', function (ev) {
    ev.preventDefault();
    fetch('/admin/reload', { method: 'POST', headers: { Authorization: 'Bearer ' + $('admin-token').value } })
      .then(function (r) { return r.json(); })
      .then(function (j) { text('admin-result', JSON.stringify(j)); })
      .catch(function (e) { text('admin-result', String(e.message)); });
  });

  refresh();
  setInterval(refresh, 10000);
}());
