// Matrix page filters: differences only, kind, spec version, optional, search. Works from file://.
(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.matrix tbody tr[data-kind]'));
  var heads = Array.prototype.slice.call(document.querySelectorAll('table.matrix tbody tr.grouphead'));
  var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var ui = {
    diff: document.getElementById('m-diff'), kind: document.getElementById('m-kind'), spec: document.getElementById('m-spec'),
    optional: document.getElementById('m-optional'), q: document.getElementById('m-q'), shown: document.getElementById('shown')
  };
  function apply() {
    var q = ui.q.value.trim().toLowerCase();
    var shown = 0;
    var visibleGroups = {};
    rows.forEach(function (r, i) {
      var ok = (!ui.diff.checked || r.dataset.diff === '1' || r.dataset.kind === 'version') &&
        (!ui.kind.value || r.dataset.kind === ui.kind.value || r.dataset.kind === 'version') &&
        (!ui.spec.value || !r.dataset.spec || r.dataset.spec === ui.spec.value) &&
        (ui.optional.checked || r.dataset.opt !== '1') &&
        (!q || text[i].indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; visibleGroups[r.dataset.group] = true; }
    });
    heads.forEach(function (h) { h.hidden = !visibleGroups[h.dataset.group]; });
    ui.shown.textContent = 'Showing ' + shown + ' of ' + rows.length + ' rows';
  }
  [ui.diff, ui.kind, ui.spec, ui.optional].forEach(function (c) { c.addEventListener('change', apply); });
  ui.q.addEventListener('input', apply);
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if (ev.key === 'Escape' && t === ui.q) { ui.q.value = ''; apply(); ui.q.blur(); return; }
    if ((t && ((t.tagName === 'INPUT' && t.type !== 'checkbox') || t.tagName === 'SELECT')) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === '/') { ev.preventDefault(); ui.q.focus(); }
    else if (ev.key === 'd') { ui.diff.checked = !ui.diff.checked; apply(); }
  });
  apply();
})();
