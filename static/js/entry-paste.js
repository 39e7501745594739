// Pasting by name: a block of (name, number) or (name, population, enrolled) lines copied from the
// agency's list or the plan's annex, in any order, lands on the communes it names. Names are folded
// as the importer folds them (entry-rules.js nameKey = communes.names.name_key) and looked up in the
// keys the server wrote into the page (the importer's matcher: names, full names, known aliases).
// A name that matches no commune, or several, is listed and left out; nothing is taken silently.
(function () {
  "use strict";
  var api = window.BhytEntry;
  if (!api || !api.grid) { return; }
  var grid = api.grid, rules = api.rules, data = api.data;
  var report = document.getElementById("entry-paste");
  var totals = new RegExp(data.totals);
  var last = [];  // the cells the last paste changed, with their values before it

  function isName(value) {
    return value !== "" && rules.parseCount(value).error !== undefined && /\p{L}/u.test(value);
  }

  // entry/agency.py _words: the folded words a total row's label is recognised by.
  function words(value) {
    return rules.fold(value).replace(/[^a-z0-9]+/g, " ").trim();
  }

  // Lines as cells: tab-separated, or a name and its number typed in one cell (a list copied from a PDF).
  function cellsOf(text) {
    var lines = text.replace(/\r/g, "").split("\n").filter(function (l) { return l.trim() !== ""; });
    var cells = lines.map(function (l) { return l.split("\t").map(function (c) { return c.trim(); }); });
    var width = Math.max.apply(null, cells.map(function (c) { return c.length; }).concat([0]));
    if (width === 1) {
      var joined = cells.map(function (c) { return c[0].match(/^(.*\p{L}.*?)\s+([0-9][0-9.,\s\u00a0\u202f]*)$/u); });
      if (joined.filter(Boolean).length * 2 < cells.length) { return null; }
      return joined.map(function (m, i) { return m ? [m[1].trim(), m[2].trim()] : [cells[i][0]]; });
    }
    return cells;
  }

  function nameColumn(cells) {
    var width = Math.max.apply(null, cells.map(function (c) { return c.length; }));
    for (var column = 0; column < Math.min(width, 3); column++) {
      var named = cells.filter(function (c) { return isName(c[column] || ""); }).length;
      if (named * 2 >= cells.length && named > 0) { return column; }
    }
    return -1;
  }

  function targetKeys(cells, column, input) {
    var numbers = Math.max.apply(null, cells.map(function (c) { return c.length - column - 1; }));
    if (numbers >= 2) { return ["population", "enrolled"]; }
    var focused = input && input.dataset.key;
    return [focused === "population" || focused === "enrolled" || /^g-/.test(focused || "") ? focused : "enrolled"];
  }

  // The communes a name could mean, as the grid names them, each with its code to tell them apart.
  function namesakes(codes) {
    return codes.map(function (code) {
      var tr = grid.table.querySelector('tr[data-code="' + code + '"]');
      return grid.text("pasteCommune", {name: tr ? tr.dataset.name : "", code: code});
    }).join(", ");
  }

  function byName(text, input) {
    var cells = cellsOf(text);
    if (!cells || !cells.length || (cells[0].length < 2 && cells.length < 2)) { return false; }
    var column = nameColumn(cells);
    if (column < 0 || Math.max.apply(null, cells.map(function (c) { return c.length; })) < column + 2) { return false; }
    var keys = targetKeys(cells, column, input), taken = {}, problems = [], changes = [], filled = 0;
    cells.forEach(function (line, index) {
      var name = line[column] || "", values = line.slice(column + 1, column + 1 + keys.length);
      if (!values.some(function (v) { return v !== ""; }) && !name) { return; }
      if (totals.test(words(name))) { return; }  // the list's total row: computed, never entered
      if (index === 0 && values.every(function (v) { return rules.parseCount(v).error !== undefined; })) {
        return;  // the header line copied with the block
      }
      var codes = data.names[rules.nameKey(name)] || [];
      if (codes.length > 1) {  // names that differ only by their marks: the marks decide, if they name one
        var marked = data.marked[rules.markedKey(name)] || [];
        var spelt = codes.filter(function (code) { return marked.indexOf(code) >= 0; });
        if (spelt.length === 1) { codes = spelt; }
      }
      var shown = "“" + name + "” – " + values.join(" / ");
      if (codes.length !== 1) {  // a name several communes bear is never given to one of them
        problems.push(shown + ": " + (codes.length ? grid.text("pasteAmbiguous", {names: namesakes(codes)})
          : grid.text("pasteUnknown")));
        return;
      }
      var tr = grid.table.querySelector('tr[data-code="' + codes[0] + '"]');
      var targets = keys.map(function (key) { return tr && grid.byKey(tr, key); });
      if (!tr || !targets.every(grid.editable)) { problems.push(shown + ": " + grid.text("pasteOutside")); return; }
      if (taken[codes[0]]) { problems.push(shown + ": " + grid.text("pasteDuplicate")); return; }
      taken[codes[0]] = true;
      targets.forEach(function (target, j) {
        changes.push({input: target, before: target.value});
        grid.setValue(target, values[j] || "");
      });
      grid.refreshRow(parseInt(tr.dataset.row, 10));
      filled += 1;
    });
    last = changes;
    show(grid.text("pasteFilled", {n: filled}), problems, problems.length ? grid.text("pasteUnknown") : "");
    grid.form.dispatchEvent(new Event("entry:changed"));
    return true;
  }

  function show(message, items, heading) {
    report.hidden = false;
    report.querySelector(".paste-text").textContent = message + (heading ? " " + heading : "");
    var list = report.querySelector(".paste-list");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item;
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    report.querySelector(".paste-by-name").hidden = true;
    report.querySelector(".paste-undo").hidden = last.length === 0;
  }

  // A column of enrolled counts pasted in another order than the grid's (the agency's list and the
  // annex are not sorted by code): many figures far from their commune's last month, where the same
  // figures sorted against last month's fit. Then the officer is offered to match by name instead.
  function misaligned(filled) {
    var pairs = filled.map(function (f) {
      var tr = f.input.closest("tr");
      return {value: rules.numberOf(f.input.value), before: tr.dataset.previous ? parseInt(tr.dataset.previous, 10)
        : rules.numberOf(grid.byKey(tr, "population") ? grid.byKey(tr, "population").value : "")};
    }).filter(function (p) { return p.value !== null && p.before; });
    if (pairs.length < 4) { return 0; }
    function off(value, before) { return Math.abs(value - before) > before * 0.25; }
    var wrong = pairs.filter(function (p) { return off(p.value, p.before); }).length;
    var values = pairs.map(function (p) { return p.value; }).sort(function (a, b) { return a - b; });
    var befores = pairs.map(function (p) { return p.before; }).sort(function (a, b) { return a - b; });
    var sortedWrong = values.filter(function (v, i) { return off(v, befores[i]); }).length;
    return wrong >= 3 && wrong * 10 >= pairs.length * 3 && sortedWrong * 2 <= wrong ? wrong : 0;
  }

  function afterBlock(filled) {
    last = filled;
    var single = filled.length > 0 && filled.every(function (f) { return f.input.dataset.key === "enrolled"; });
    var wrong = single ? misaligned(filled) : 0;
    if (!wrong) { report.hidden = true; return; }
    show(grid.text("pasteMisaligned", {n: wrong}), [], "");
    report.querySelector(".paste-by-name").hidden = false;
    report.querySelector("textarea").focus();
  }

  function undo() {
    last.forEach(function (change) { change.input.value = change.before; });
    last = [];
    grid.refreshAll();
    report.hidden = true;
    grid.form.dispatchEvent(new Event("entry:changed"));
  }

  report.querySelector(".paste-undo").addEventListener("click", undo);
  report.querySelector(".paste-close").addEventListener("click", function () { report.hidden = true; });
  report.querySelector(".paste-match").addEventListener("click", function () {
    var text = report.querySelector("textarea").value;
    last.forEach(function (change) { change.input.value = change.before; });  // the column goes, the names decide
    last = [];
    grid.refreshAll();
    if (byName(text, null)) { report.querySelector("textarea").value = ""; } else { show(grid.text("pasteUnknown"), [], ""); }
    grid.summarise();
  });

  api.paste = {byName: byName, afterBlock: afterBlock, cellsOf: cellsOf};
}());
