// Selfbalance status page: polls the status JSON and renders it. No external assets, no framework; every value
// from the JSON is inserted as text (textContent), never as markup, so a node name cannot inject HTML.
(function () {
  'use strict';
  var POLL_MS = 2000;
  var MAX_EVENTS = 60;
  var previous = null;          // the last snapshot rendered
  var seenEvents = [];          // changes this page noticed between two polls (weights, health, roles)
  var seenKeys = {};

  function jsonUrl() {
    var meta = document.querySelector('meta[name="selfbalance-status-json"]');
    var fromMeta = meta ? meta.getAttribute('content') : '';
    if (fromMeta && fromMeta.indexOf('@') !== 0) { return fromMeta; }
    var fromQuery = new URLSearchParams(window.location.search).get('json');
    if (fromQuery) { return fromQuery; }
    return window.location.pathname.replace(/\.html?$/, '');   // <status path>.html -> <status path>
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function cell(row, content, cls) {
    var td = el('td', cls);
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content == null ? '—' : String(content); }
    row.appendChild(td);
    return td;
  }
  function badge(word, extra) {
    var b = el('span', 'badge ' + String(word || 'UNKNOWN').replace(/[^A-Za-z_]/g, '') + (extra ? ' ' + extra : ''), word || 'UNKNOWN');
    return b;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function time(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return String(iso); }
    return d.toISOString().substring(11, 19);   // UTC hh:mm:ss, like the logs
  }
  function arr(v) { return Array.isArray(v) ? v : []; }

  function roleOf(snapshot, router, node) {
    if (node.self) { return router.role; }
    if (router.master && router.master === node.address) { return 'MASTER'; }
    return router.master ? 'BACKUP' : null;
  }

  function renderHeader(s) {
    document.getElementById('node').textContent = s.node || '?';
    document.getElementById('where').textContent = [s.address, s.interface].filter(Boolean).join(' on ');
    var cs = document.getElementById('cluster-state');
    cs.className = 'badge ' + String(s.state || '').replace(/[^A-Za-z_]/g, '');
    cs.textContent = s.state || '?';
    var reason = document.getElementById('state-reason');
    reason.hidden = !s.stateReason;
    reason.textContent = s.stateReason ? 'Why ' + s.state + ': ' + s.stateReason : '';
    var err = document.getElementById('last-error');
    err.hidden = !s.lastError;
    err.textContent = s.lastError ? 'Last error: ' + s.lastError : '';
    document.getElementById('published').textContent = s.published || '?';
    document.title = 'Selfbalance · ' + (s.node || '?') + ' · ' + arr(s.routers).map(function (r) { return r.name + ' ' + r.role; }).join(', ');
  }

  function renderRouters(s) {
    var body = document.querySelector('#routers tbody');
    clear(body);
    arr(s.routers).forEach(function (r) {
      var tr = el('tr', 'router');
      tr.setAttribute('data-router', r.name);
      cell(tr, r.name);
      cell(tr, r.vrid, 'num');
      var role = el('span', 'roles');
      role.appendChild(badge(r.role));
      if (r.handingOver) { role.appendChild(badge('handing over', 'handover')); }
      cell(tr, role, 'role');
      var prio = String(r.priority) + (r.configuredPriority !== r.priority ? ' (configured ' + r.configuredPriority + ')' : '');
      var p = cell(tr, prio, 'priority');
      if (r.priorityReason) { p.title = r.priorityReason; }
      cell(tr, r.master ? r.master + (r.masterPriority ? ' (' + r.masterPriority + ')' : '') : null, 'master');
      var vips = el('div');
      arr(r.vips).forEach(function (v) {
        var line = el('div', 'vip', v.vip + ' on ' + v.on + (v.validSeconds > 0 ? ' (' + v.validSeconds + ' s left)' : ''));
        vips.appendChild(line);
      });
      cell(tr, vips);
      cell(tr, r.advertisementsReceived + ' / ' + r.advertisementsSent, 'num');
      cell(tr, r.lastCause, 'cause');
      body.appendChild(tr);
    });
  }

  function renderNodes(s) {
    var body = document.querySelector('#nodes tbody');
    clear(body);
    arr(s.nodes).forEach(function (n) {
      var tr = el('tr', 'node' + (n.self ? ' self' : ''));
      tr.setAttribute('data-node', n.name);
      var name = el('span', null, n.name);
      var nameCell = el('span');
      nameCell.appendChild(name);
      if (n.self) { nameCell.appendChild(el('span', 'self-tag', 'this node')); }
      cell(tr, nameCell, 'name');
      cell(tr, n.address, 'address');
      var roles = el('span', 'roles');
      arr(s.routers).forEach(function (r) {
        var role = roleOf(s, r, n);
        var b = badge(role || '?');
        b.textContent = r.name + ': ' + (role || '?');
        b.setAttribute('data-role', role || '');
        roles.appendChild(b);
      });
      cell(tr, roles, 'role');
      var h = badge(n.health);
      cell(tr, h, 'health');
      var w = el('span', 'weight');
      var bar = el('span', 'bar' + (n.weight === 0 ? ' zero' : ''));
      var fill = el('span');
      var max = n.configuredWeight > 0 ? n.configuredWeight : 1;
      fill.style.width = Math.min(100, Math.round(100 * n.weight / max)) + '%';   // 0: an empty, red track
      bar.appendChild(fill);
      w.appendChild(bar);
      w.appendChild(el('span', 'weight-value', n.weight + ' / ' + n.configuredWeight));
      cell(tr, w, 'weight-cell');
      var probe = n.lastProbe ? n.lastProbe + (n.lastProbeLatencyMillis >= 0 ? ' in ' + n.lastProbeLatencyMillis + ' ms' : '') : null;
      cell(tr, probe, 'probe');
      cell(tr, n.reason, 'reason-cell');
      body.appendChild(tr);
    });
  }

  function renderIpvs(s) {
    var body = document.querySelector('#ipvs tbody');
    clear(body);
    var rows = 0;
    arr(s.ipvs).forEach(function (svc) {
      arr(svc.destinations).forEach(function (d, i) {
        var tr = el('tr', 'destination');
        tr.setAttribute('data-destination', d.address);
        cell(tr, i === 0 ? svc.service + ' (' + svc.scheduler + ')' : '');
        cell(tr, d.address);
        cell(tr, d.weight, 'num');
        cell(tr, d.activeConnections, 'num active');
        cell(tr, d.inactiveConnections, 'num inactive');
        body.appendChild(tr);
        rows++;
      });
    });
    document.getElementById('ipvs-empty').hidden = rows > 0;
  }

  function noteChanges(prev, s) {
    if (!prev) { return; }
    var before = {};
    arr(prev.nodes).forEach(function (n) { before[n.name] = n; });
    arr(s.nodes).forEach(function (n) {
      var p = before[n.name];
      if (!p) { return; }
      if (p.weight !== n.weight) {
        seen(s.published, 'weight', n.name + ' weight ' + p.weight + ' → ' + n.weight + (n.reason ? ' (' + n.reason + ')' : ''));
      }
      if (p.health !== n.health) {
        seen(s.published, 'health', n.name + ' health ' + p.health + ' → ' + n.health);
      }
    });
  }
  function seen(at, kind, text) {
    var key = kind + '|' + text;
    if (seenKeys[key] === at) { return; }
    seenKeys[key] = at;
    seenEvents.push({ at: at, kind: kind, text: text });
    if (seenEvents.length > MAX_EVENTS) { seenEvents.shift(); }
  }

  function renderEvents(s) {
    var events = arr(s.transitions).map(function (t) {
      return {
        at: t.at, kind: 'transition',
        text: t.router + ' (VRID ' + t.vrid + '): ' + t.from + ' → ' + t.to + ' · ' + t.cause + (t.peer ? ' · peer ' + t.peer : ''),
        to: t.to
      };
    }).concat(seenEvents);
    events.sort(function (a, b) { return String(b.at).localeCompare(String(a.at)); });
    var list = document.getElementById('events');
    clear(list);
    events.slice(0, MAX_EVENTS).forEach(function (e) {
      var li = el('li', 'event ' + e.kind);
      li.appendChild(el('span', 'when', time(e.at)));
      var what = el('span', 'what');
      if (e.to) { what.appendChild(badge(e.to)); what.appendChild(document.createTextNode(' ')); }
      what.appendChild(el('span', 'text', e.text));
      what.appendChild(el('span', 'kind', e.kind));
      li.appendChild(what);
      list.appendChild(li);
    });
    document.getElementById('events-empty').hidden = events.length > 0;
  }

  function renderCounters(s) {
    var dl = document.getElementById('counters');
    clear(dl);
    var c = s.counters || {};
    Object.keys(c).sort().forEach(function (k) {
      var d = el('div', 'counter');
      d.setAttribute('data-counter', k);
      d.appendChild(el('dt', null, k));
      d.appendChild(el('dd', null, c[k]));
      dl.appendChild(d);
    });
  }

  function setConn(kind, text) {
    var c = document.getElementById('conn');
    c.className = 'conn conn-' + kind;
    c.textContent = text;
  }

  function render(s) {
    noteChanges(previous, s);
    renderHeader(s);
    renderRouters(s);
    renderNodes(s);
    renderIpvs(s);
    renderEvents(s);
    renderCounters(s);
    previous = s;
  }

  var url = jsonUrl();
  var polls = 0;
  function poll() {
    fetch(url, { cache: 'no-store', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.json();
      })
      .then(function (s) {
        polls++;
        render(s);
        document.body.setAttribute('data-polls', String(polls));
        setConn('ok', 'live');
      })
      .catch(function (e) {
        // Keep the last picture on screen but say loudly that it is stale.
        setConn('error', 'status unavailable: ' + (e && e.message ? e.message : e));
      })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }
  document.getElementById('json-url').textContent = url;
  document.getElementById('poll-seconds').textContent = String(POLL_MS / 1000);
  poll();
})();
