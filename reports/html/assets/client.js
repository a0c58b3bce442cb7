// The report page's script: renders statement and scenario rows from the embedded data, opens
// details lazily (a row's body is built the first time it is opened), filters, search, keyboard.
// Plain ES2020, no modules, no network: it must work from file://.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var S = data.statements;
  var C = data.scenarios;

  function h(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k === 'style') node.setAttribute('style', v);
        else node.setAttribute(k, v === true ? '' : v);
      }
    }
    for (var i = 2; i < arguments.length; i++) add(node, arguments[i]);
    return node;
  }
  function add(node, c) {
    if (c === undefined || c === null || c === false || c === '') return;
    if (Array.isArray(c)) c.forEach(function (x) { add(node, x); });
    else node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  var LABEL = {
    met: 'met', violated: 'violated', inconclusive: 'inconclusive', 'not-applicable': 'n/a', 'not-covered': 'not covered',
    passed: 'passed', failed: 'failed', 'not-shown': 'optional, not shown'
  };
  // An @optional scenario that failed is informational, never a failure: its own mark, not red.
  function badge(v) { return h('span', { class: 'badge b-' + (v === 'not-shown' ? 'inconclusive' : v), text: LABEL[v] || v }); }
  function ms(n) { return n < 1000 ? n.toFixed(n < 10 ? 2 : 0) + ' ms' : (n / 1000).toFixed(2) + ' s'; }

  // ---- lazily built rows -------------------------------------------------------------------
  function lazyRow(cls, summaryNodes, build) {
    var d = h('details', { class: 'row ' + cls }, h('summary', null, summaryNodes));
    d.addEventListener('toggle', function () {
      if (d.open && !d._built) { d._built = true; d.appendChild(h('div', { class: 'body' }, build())); }
    });
    return d;
  }

  function scenarioRow(i) {
    var c = C[i];
    var chips = [h('span', { class: 'chip', text: c.versions.map(function (v) { return 'v' + v; }).join(' ') })];
    if (c.optional) chips.push(h('span', { class: 'chip opt', text: 'optional' }));
    return lazyRow('scenario', [
      badge(c.optional && c.verdict === 'failed' ? 'not-shown' : c.verdict),
      h('span', { class: 'stext' }, c.name, ' ', h('span', { class: 'sub', text: c.feature + ' · ' + c.id })),
      chips
    ], function () { return scenarioBody(c); });
  }

  function scenarioBody(c) {
    var out = [];
    var kv = h('dl', { class: 'kv' },
      h('dt', { text: 'scenario' }), h('dd', { class: 'mono', text: c.id }),
      h('dt', { text: 'tags' }), h('dd', { class: 'mono', text: c.tags.join(' ') }),
      h('dt', { text: 'duration' }), h('dd', { text: ms(c.durationMs) }));
    if (c.reason) { kv.appendChild(h('dt', { text: 'reason' })); kv.appendChild(h('dd', { text: c.reason })); }
    out.push(kv);
    var f = c.failure;
    if (f) {
      var box = h('div', { class: 'failure' + (c.verdict === 'failed' ? '' : ' inconclusive') });
      box.appendChild(h('div', { class: 'rule' }, f.statement ? '[' + f.statement + '] ' : '', f.summary));
      if (f.ruleSummary) box.appendChild(h('div', { class: 'rulesum', text: 'The rule: ' + f.ruleSummary }));
      if (f.step) box.appendChild(h('div', { class: 'sub', text: 'at step: ' + f.step }));
      if (f.expected !== undefined || f.received !== undefined) {
        box.appendChild(h('div', { class: 'evr' },
          h('div', null, h('h4', { text: 'Expected' }), h('pre', { text: f.expected || '' })),
          h('div', null, h('h4', { text: 'Received' }), h('pre', { text: f.received || '' }))));
      } else {
        box.appendChild(h('pre', { class: 'msg', text: f.message }));
      }
      out.push(box);
      if (f.trace && f.trace.length) out.push(sequence(f.trace, f.traceMore || 0));
    }
    return out;
  }

  // ---- the packet trace as a sequence diagram: one lane per client, the broker on the right ----------
  function sequence(trace, more) {
    var lanes = [];
    trace.forEach(function (e) { if (lanes.indexOf(e.client) < 0) lanes.push(e.client); });
    var L = lanes.length + 1;
    function x(i) { return ((i + 0.5) / L) * 100; }
    function laneLines() {
      var a = [];
      for (var i = 0; i < L; i++) a.push(h('i', { class: 'lane', style: 'left:' + x(i) + '%' }));
      return a;
    }
    var head = h('div', { class: 'seq-head' }, h('div', { class: 't', text: 'time' }),
      h('div', { class: 'lanes' }, laneLines(), lanes.map(function (n, i) { return h('span', { style: 'left:' + x(i) + '%', text: n }); }),
        h('span', { class: 'broker', style: 'left:' + x(L - 1) + '%', text: 'broker' })));
    var hexBox = h('input', { type: 'checkbox' });
    var seq = h('div', { class: 'seq nohex', role: 'group', 'aria-label': 'packet trace' },
      h('div', { class: 'seq-tools' }, h('span', { text: 'Packet trace (' + (more ? trace.length - 1 + ' of ' + (trace.length - 1 + more) : trace.length) + ' records) · → from a test client, ← from the broker, dashed: bytes that do not decode (amber: malformed on purpose) · click a packet for its fields' }),
        h('label', null, hexBox, ' show hex')), head);
    hexBox.addEventListener('change', function () { seq.classList.toggle('nohex', !hexBox.checked); });
    trace.forEach(function (e) {
      var ci = lanes.indexOf(e.client);
      var lanesDiv = h('div', { class: 'lanes' }, laneLines());
      if (e.dir === 'event') {
        lanesDiv.appendChild(h('span', { class: 'note', style: 'left:' + x(ci) + '%', title: e.text, text: e.text }));
      } else {
        var left = x(ci), width = x(L - 1) - x(ci);
        var flaw = e.error ? (e.dir === 'out' ? ' raw' : ' bad') : '';
        lanesDiv.appendChild(h('div', { class: 'arrow ' + e.dir + flaw, style: 'left:' + left + '%;width:' + width + '%', title: e.text },
          h('span', { class: 'lbl', text: e.text })));
      }
      var row = h('div', { class: 'seq-row', tabindex: '0', role: 'button', 'aria-expanded': 'false' },
        h('div', { class: 't', text: '+' + e.t.toFixed(1) + ' ms' }), h('div', null, lanesDiv,
          e.hex ? h('div', { class: 'hex hexline', text: e.hex }) : null));
      var detail = null;
      function toggle() {
        if (!detail) {
          var rows = (e.fields || []).map(function (kv) { return h('tr', null, h('td', { text: kv[0] }), h('td', { text: kv[1] })); });
          detail = h('div', { class: 'seq-detail' },
            h('div', { class: 'sub', text: (e.dir === 'out' ? e.client + ' → broker' : e.dir === 'in' ? 'broker → ' + e.client : e.client) + ' at +' + e.t.toFixed(3) + ' ms' }),
            h('div', null, h('b', { text: e.text })),
            rows.length ? h('table', null, h('tbody', null, rows)) : null,
            e.error ? h('div', { text: (e.dir === 'out' ? 'sent on purpose, does not decode: ' : 'does not decode: ') + e.error }) : null,
            e.hex ? h('div', { class: 'hex', text: 'hex: ' + e.hex }) : null);
          detail.hidden = true;
          row.after(detail);
        }
        detail.hidden = !detail.hidden;
        row.setAttribute('aria-expanded', String(!detail.hidden));
      }
      row.addEventListener('click', toggle);
      row.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); toggle(); } });
      seq.appendChild(row);
    });
    if (more) seq.appendChild(h('div', { class: 'sub', style: 'padding:4px 8px', text: more + ' records are left out of this page; report.json has the whole trace' }));
    return seq;
  }

  // ---- statements view --------------------------------------------------------------------
  function statementRow(s) {
    var chips = [h('span', { class: 'chip', text: s.scenarios.length + ' scenario' + (s.scenarios.length === 1 ? '' : 's') })];
    if (s.informational) chips.push(h('span', { class: 'chip opt', text: 'optional only' }));
    if (!s.wireTestable) chips.push(h('span', { class: 'chip', text: 'not wire-testable' }));
    var mark = s.informational && s.verdict === 'violated'
      ? h('span', { class: 'badge b-inconclusive', title: 'only optional scenarios check it, and they failed: informational', text: 'not offered' })
      : badge(s.verdict);
    return lazyRow('statement', [mark, h('span', { class: 'sid', text: s.id }),
      h('span', { class: 'stext' }, s.summary, ' ', h('span', { class: 'sub', text: s.topic })), chips],
    function () {
      var kv = h('dl', { class: 'kv' },
        h('dt', { text: 'spec' }), h('dd', { text: 'MQTT ' + s.specVersion + ', section ' + s.section }),
        h('dt', { text: 'binds' }), h('dd', { text: s.actor + (s.wireTestable ? ' · wire-testable' : ' · not observable on the wire') }));
      if (s.note) { kv.appendChild(h('dt', { text: 'how to observe' })); kv.appendChild(h('dd', { text: s.note })); }
      if (s.informational) { kv.appendChild(h('dt', { text: 'note' })); kv.appendChild(h('dd', { text: 'Only optional scenarios check it: informational, never non-compliance.' })); }
      var list = s.scenarios.length ? s.scenarios.map(scenarioRow) : [h('div', { class: 'sub', text: 'No scenario of this run checks this statement.' })];
      return [kv].concat(list);
    });
  }

  var views = { statements: document.getElementById('view-statements'), scenarios: document.getElementById('view-scenarios') };
  var rows = { statements: [], scenarios: [] };
  var groups = { statements: [], scenarios: [] };
  var built = { statements: false, scenarios: false };

  function buildStatements() {
    var byGroup = {};
    var order = [];
    S.forEach(function (s, i) {
      var key = s.specVersion + ' ' + s.area;
      if (!byGroup[key]) { byGroup[key] = []; order.push(key); }
      byGroup[key].push(i);
    });
    var frag = document.createDocumentFragment();
    order.forEach(function (key) {
      var idx = byGroup[key];
      var first = S[idx[0]];
      var sec = h('section', { class: 'group' }, h('h3', { text: 'MQTT ' + first.specVersion + ' · ' + (data.areaTitles[key] || first.area) }));
      idx.forEach(function (i) { var r = statementRow(S[i]); r._i = i; rows.statements.push(r); sec.appendChild(r); });
      groups.statements.push(sec);
      frag.appendChild(sec);
    });
    if (!order.length) frag.appendChild(h('div', { class: 'empty', text: 'No statements: no scenario ran.' }));
    views.statements.appendChild(frag);
  }

  function buildScenarios() {
    var byFeature = {};
    var order = [];
    C.forEach(function (c, i) {
      if (!byFeature[c.uri]) { byFeature[c.uri] = []; order.push(c.uri); }
      byFeature[c.uri].push(i);
    });
    var frag = document.createDocumentFragment();
    order.forEach(function (uri) {
      var idx = byFeature[uri];
      var sec = h('section', { class: 'group' }, h('h3', { text: C[idx[0]].feature + ' · ' + uri }));
      idx.forEach(function (i) { var r = scenarioRow(i); r._i = i; rows.scenarios.push(r); sec.appendChild(r); });
      groups.scenarios.push(sec);
      frag.appendChild(sec);
    });
    if (!order.length) frag.appendChild(h('div', { class: 'empty', text: 'No scenario ran.' }));
    views.scenarios.appendChild(frag);
  }

  // ---- filters ------------------------------------------------------------------------------
  var ui = {
    failures: document.getElementById('f-failures'),
    version: document.getElementById('f-version'),
    area: document.getElementById('f-area'),
    optional: document.getElementById('f-optional'),
    verdict: document.getElementById('f-verdict'),
    q: document.getElementById('f-q'),
    shown: document.getElementById('shown'),
    tabs: document.querySelectorAll('.tabs button')
  };
  var tab = 'statements';
  var SCENARIO_VERDICT = { met: 'passed', violated: 'failed', inconclusive: 'inconclusive', 'not-applicable': 'not-applicable', 'not-covered': '-' };

  var haystack = { statements: [], scenarios: [] };
  function hay(kind, i) {
    if (haystack[kind][i] === undefined) {
      if (kind === 'statements') {
        var s = S[i];
        haystack[kind][i] = (s.id + ' ' + s.summary + ' ' + s.topic + ' ' + s.scenarios.map(function (j) { return C[j].name; }).join(' ')).toLowerCase();
      } else {
        var c = C[i];
        haystack[kind][i] = (c.id + ' ' + c.name + ' ' + c.feature + ' ' + c.tags.join(' ') + ' ' + (c.failure ? c.failure.message : '')).toLowerCase();
      }
    }
    return haystack[kind][i];
  }

  function matchStatement(i, f) {
    var s = S[i];
    if (f.failures && s.verdict !== 'violated') return false;
    if (f.verdict && s.verdict !== f.verdict) return false;
    if (f.version === '5' && s.specVersion !== '5.0') return false;
    if (f.version === '3.1.1' && s.specVersion !== '3.1.1') return false;
    if (f.version === '3.1' && (s.specVersion !== '3.1.1' || !s.scenarios.some(function (j) { return C[j].versions.indexOf('3.1') >= 0; }))) return false;
    if (f.area && s.area !== f.area) return false;
    if (f.optional === 'required' && s.informational) return false;
    if (f.optional === 'optional' && !s.scenarios.some(function (j) { return C[j].optional; })) return false;
    if (f.q && hay('statements', i).indexOf(f.q) < 0) return false;
    return true;
  }
  function matchScenario(i, f) {
    var c = C[i];
    if (f.failures && (c.verdict !== 'failed' || c.optional)) return false;
    if (f.verdict && c.verdict !== SCENARIO_VERDICT[f.verdict]) return false;
    if (f.version && c.versions.indexOf(f.version) < 0) return false;
    if (f.area && c.areas.indexOf(f.area) < 0) return false;
    if (f.optional === 'required' && c.optional) return false;
    if (f.optional === 'optional' && !c.optional) return false;
    if (f.q && hay('scenarios', i).indexOf(f.q) < 0) return false;
    return true;
  }

  function apply() {
    var f = {
      failures: ui.failures.checked, version: ui.version.value, area: ui.area.value, optional: ui.optional.value,
      verdict: ui.verdict.value, q: ui.q.value.trim().toLowerCase()
    };
    var match = tab === 'statements' ? matchStatement : matchScenario;
    var shown = 0;
    rows[tab].forEach(function (r) { var ok = match(r._i, f); r.hidden = !ok; if (ok) shown++; });
    groups[tab].forEach(function (g) { g.hidden = !g.querySelector(':scope > details.row:not([hidden])'); });
    var total = rows[tab].length;
    ui.shown.textContent = 'Showing ' + shown + ' of ' + total + ' ' + tab;
    writeHash();
    var empty = views[tab].querySelector(':scope > .empty.filtered');
    if (!shown && total) {
      if (!empty) views[tab].appendChild(h('div', { class: 'empty filtered', text: 'Nothing matches these filters.' }));
    } else if (empty) empty.remove();
  }

  function show(name) {
    tab = name;
    if (!built[name]) { built[name] = true; name === 'statements' ? buildStatements() : buildScenarios(); }
    views.statements.hidden = name !== 'statements';
    views.scenarios.hidden = name !== 'scenarios';
    ui.tabs.forEach(function (b) { b.setAttribute('aria-selected', String(b.dataset.tab === name)); });
    apply();
  }

  ui.tabs.forEach(function (b) { b.addEventListener('click', function () { show(b.dataset.tab); }); });
  [ui.failures, ui.version, ui.area, ui.optional, ui.verdict].forEach(function (c) { c.addEventListener('change', apply); });
  var timer = 0;
  ui.q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 80); });

  // ---- keyboard: / search, f failures, 1/2 tabs, j/k move between rows, Esc leaves the search ----------
  function visibleSummaries() {
    return Array.prototype.filter.call(views[tab].querySelectorAll('details.row > summary'), function (s) { return s.offsetParent !== null; });
  }
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    var typing = t && ((t.tagName === 'INPUT' && t.type !== 'checkbox') || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (ev.key === 'Escape' && t === ui.q) { ui.q.value = ''; apply(); ui.q.blur(); return; }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === '/') { ev.preventDefault(); ui.q.focus(); }
    else if (ev.key === 'f') { ui.failures.checked = !ui.failures.checked; apply(); }
    else if (ev.key === '1') show('statements');
    else if (ev.key === '2') show('scenarios');
    else if (ev.key === 'j' || ev.key === 'k') {
      var list = visibleSummaries();
      if (!list.length) return;
      var at = list.indexOf(document.activeElement);
      var next = ev.key === 'j' ? Math.min(list.length - 1, at + 1) : Math.max(0, at - 1);
      list[next].focus();
      list[next].scrollIntoView({ block: 'nearest' });
    }
  });

  // ---- the view in the URL fragment (#tab=scenarios&failures=1&q=...), so a link opens the same view ----
  var SELECTS = { version: ui.version, area: ui.area, optional: ui.optional, verdict: ui.verdict };
  function readHash() {
    var first = 'statements';
    ui.failures.checked = false;
    ui.q.value = '';
    for (var key in SELECTS) SELECTS[key].value = '';
    location.hash.slice(1).split('&').forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf('=');
      var k = i < 0 ? kv : kv.slice(0, i);
      var v = i < 0 ? '1' : decodeURIComponent(kv.slice(i + 1));
      if (k === 'tab' && views[v]) first = v;
      else if (k === 'failures') ui.failures.checked = v === '1';
      else if (k === 'q') ui.q.value = v;
      else if (SELECTS[k] && SELECTS[k].querySelector('option[value="' + v.replace(/["\\]/g, '') + '"]')) SELECTS[k].value = v;
    });
    return first;
  }
  function writeHash() {
    var parts = [];
    if (tab !== 'statements') parts.push('tab=' + tab);
    if (ui.failures.checked) parts.push('failures=1');
    for (var k in SELECTS) if (SELECTS[k].value) parts.push(k + '=' + encodeURIComponent(SELECTS[k].value));
    if (ui.q.value.trim()) parts.push('q=' + encodeURIComponent(ui.q.value.trim()));
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (hash === location.hash || (!hash && !location.hash)) return;
    try { history.replaceState(null, '', hash || location.pathname + location.search); } catch (e) { /* some file:// settings forbid it: the view still works */ }
  }
  window.addEventListener('hashchange', function () { show(readHash()); });
  show(readHash());
})();
