// Monthly entry grid: spreadsheet keys, a block pasted from Excel/LibreOffice, and every row checked
// as one types (entry-rules.js), with the changed cells counted in the save bar. Loaded as a file
// because the CSP forbids inline scripts; the server checks everything again when the grid is saved.
(function () {
  "use strict";
  var grid = document.querySelector("table.entry-grid");
  var form = document.getElementById("entry-form");
  var api = window.BhytEntry;
  if (!grid || !form || !api || !api.rules) { return; }
  var rules = api.rules;

  // Words shown to the officer come from the template, translated there ({% translate %}).
  function text(name, values) {
    var words = form.dataset["text" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
    Object.keys(values || {}).forEach(function (key) { words = words.split("{" + key + "}").join(values[key]); });
    return words;
  }

  function rows() { return Array.prototype.slice.call(grid.querySelectorAll("tbody tr[data-row]")); }
  function rowOf(r) { return grid.querySelector('tr[data-row="' + r + '"]'); }
  function inputs(tr) { return Array.prototype.slice.call(tr.querySelectorAll("input[data-key]")); }
  function editable(input) { return input && !input.readOnly && !input.disabled; }
  function shown(input) { return input.offsetParent !== null; }
  function cell(r, c) { return grid.querySelector('input[data-r="' + r + '"][data-c="' + c + '"]'); }
  function byKey(tr, key) { return tr.querySelector('input[data-key="' + key + '"]'); }

  function changed(input) {
    var now = input.value.trim(), stored = input.dataset.stored || "";
    if (now === stored) { return false; }
    if (input.classList.contains("text")) { return true; }
    var a = rules.parseCount(now), b = rules.parseCount(stored);
    return a.error !== undefined || b.error !== undefined || a.value !== b.value;
  }

  function state(tr) {
    var raw = {}, stored = {};
    inputs(tr).forEach(function (input) {
      raw[input.dataset.key] = input.value.trim();
      stored[input.dataset.key] = input.dataset.stored || "";
    });
    var previous = tr.dataset.previous;
    return {raw: raw, stored: stored, hasEnrollment: tr.dataset.hasEnrollment === "1",
            hasPopulation: tr.dataset.hasPopulation === "1", member: tr.dataset.member === "1",
            previous: previous ? parseInt(previous, 10) : null, previousMonth: tr.dataset.previousMonth || ""};
  }

  function label(tr, key) {
    if (key === "groups") { return api.data.labels.groups; }
    var input = byKey(tr, key), words = input ? input.getAttribute("aria-label") || "" : "";
    var cut = words.indexOf(" – ");
    return cut >= 0 ? words.slice(cut + 3) : words;
  }

  // The row's checks beside its figures, as the server draws them (entry.html): the stored figure
  // → the new one, each warning's confirmation box first, then the message.
  function drawChecks(tr, result) {
    var box = tr.querySelector("[data-checks-for]");
    if (!box) { return; }
    var confirmed = {};
    box.querySelectorAll('input[type="checkbox"]').forEach(function (c) { if (c.checked) { confirmed[c.value] = true; } });
    box.textContent = "";
    var enrolled = byKey(tr, "enrolled");
    if (enrolled && changed(enrolled)) {
      var was = document.createElement("span");
      was.className = "was";
      was.textContent = (enrolled.dataset.stored || text("none")) + " → " + enrolled.value.trim();
      box.appendChild(was);
      box.appendChild(document.createTextNode(" "));
    }
    var order = inputs(tr).map(function (i) { return i.dataset.key; }).concat(["groups"]);
    order.forEach(function (key) {
      ["error", "warning"].forEach(function (kind) {
        var message = (kind === "error" ? result.errors : result.warnings)[key];
        if (!message) { return; }
        var token = kind === "warning" ? result.tokens[key] : "";
        if (token) {
          var confirm = document.createElement("label"), box2 = document.createElement("input");
          confirm.className = "confirm";
          box2.type = "checkbox";
          box2.name = tr.dataset.code + "-confirm";
          box2.value = token;
          box2.checked = !!confirmed[token];
          confirm.appendChild(box2);
          confirm.appendChild(document.createTextNode(" " + text("confirm")));
          box.appendChild(confirm);
          box.appendChild(document.createTextNode(" "));
        }
        var span = document.createElement("span");
        span.className = "msg " + kind;
        span.dataset.for = key;
        span.dataset.anchor = tr.dataset.code + "-" + (key === "groups" ? "enrolled" : key);
        span.dataset.column = label(tr, key);
        span.title = message;
        span.textContent = (key === "enrolled" || key === "groups" ? "" : label(tr, key) + ": ") + message;
        box.appendChild(span);
        box.appendChild(document.createTextNode(" "));
      });
    });
  }

  // The source is asked for once the population changes: its column opens, on this line only.
  function drawSource(tr, result) {
    var source = byKey(tr, "population_source");
    if (!source) { return; }
    var population = byKey(tr, "population"), wanted = result.errors.population_source || "";
    source.closest("label").classList.toggle("bad", !!wanted);
    source.title = wanted;
    tr.classList.toggle("expanded", !!wanted || source.value.trim() !== "" || (population && changed(population)));
    grid.classList.toggle("needs-source", !!grid.querySelector("tr.expanded"));
  }

  var results = {};

  function refreshRow(r) {
    var tr = rowOf(r);
    if (!tr) { return; }
    var fields = inputs(tr);
    var population = byKey(tr, "population"), enrolled = byKey(tr, "enrolled");
    var out = grid.querySelector('[data-rate-for="' + r + '"]');
    if (population && enrolled && out) {
      out.textContent = rules.rateText(rules.numberOf(enrolled.value), rules.numberOf(population.value), text("none"));
    }
    if (!fields.length || !editable(fields[0])) { return; }
    var result = rules.validateRow(state(tr));
    results[r] = result;
    fields.forEach(function (input) {
      var td = input.closest("td"), key = input.dataset.key;
      if (key === "population_source") { return; }
      td.classList.toggle("bad", !!result.errors[key]);
      td.classList.toggle("warn", !result.errors[key] && !!result.warnings[key]);
      td.classList.toggle("changed", changed(input));
    });
    tr.classList.toggle("has-error", Object.keys(result.errors).length > 0);
    drawChecks(tr, result);
    drawSource(tr, result);
  }

  // The summary above the grid, rebuilt from the rows' checks: each problem a link to its cell.
  function summarise() {
    var list = [], errors = 0, unconfirmed = 0;
    rows().forEach(function (tr) {
      tr.querySelectorAll(".msg").forEach(function (span) {
        var kind = span.classList.contains("error") ? "error" : "warning";
        var box = span.previousElementSibling && span.previousElementSibling.querySelector
          ? span.previousElementSibling.querySelector('input[type="checkbox"]') : null;
        if (kind === "error") { errors += 1; } else if (!box || !box.checked) { unconfirmed += 1; }
        list.push({kind: kind, anchor: span.dataset.anchor || (tr.dataset.code + "-" + span.dataset.for),
                   where: tr.dataset.name + " – " + (span.dataset.column || label(tr, span.dataset.for)),
                   message: span.title || span.textContent});
      });
    });
    var live = document.getElementById("entry-checks"), server = form.querySelector(".problems");
    if (server) { server.hidden = true; }
    live.textContent = "";
    live.hidden = list.length === 0;
    if (list.length) {
      var title = document.createElement("p"), ul = document.createElement("ul");
      title.textContent = text("checks");
      list.forEach(function (item) {
        var li = document.createElement("li"), a = document.createElement("a");
        li.className = item.kind;
        a.href = "#" + item.anchor;
        a.textContent = item.where;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" – " + item.message));
        ul.appendChild(li);
      });
      live.appendChild(title);
      live.appendChild(ul);
    }
    var count = grid.querySelectorAll("input[data-key]").length ? countChanged() : 0;
    var counter = document.getElementById("entry-changed");
    if (counter) { counter.textContent = count ? text("changed", {n: count}) : text("unchanged"); }
    var parts = [];
    if (errors) { parts.push({kind: "error", text: text("errors", {n: errors})}); }
    if (unconfirmed) { parts.push({kind: "warning", text: text("warnings", {n: unconfirmed})}); }
    say(parts);
    api.counts = {errors: errors, unconfirmed: unconfirmed, changed: count};
    return api.counts;
  }

  // The save bar's status line: a few coloured words, written as text (never as HTML).
  function say(parts) {
    var status = document.getElementById("entry-status");
    if (!status) { return; }
    status.textContent = "";
    parts.forEach(function (part, i) {
      var span = document.createElement("span");
      span.className = part.kind;
      span.textContent = part.text;
      if (i) { status.appendChild(document.createTextNode(" · ")); }
      status.appendChild(span);
    });
  }

  function countChanged() {
    return Array.prototype.filter.call(grid.querySelectorAll("input[data-key]"), function (input) {
      return editable(input) && changed(input);
    }).length;
  }

  function refreshAll() {
    rows().forEach(function (tr) { refreshRow(parseInt(tr.dataset.row, 10)); });
    return summarise();
  }

  function setValue(input, value) {
    var limit = input.maxLength > 0 ? input.maxLength : 1000;
    input.value = String(value).trim().slice(0, limit);
  }

  function move(input, dr, dc) {
    var r = parseInt(input.dataset.r, 10), c = parseInt(input.dataset.c, 10);
    // Skip cells a row does not have or that are folded away (payer groups, the directive's columns).
    for (var step = 1; step < 60; step++) {
      var next = cell(r + dr * step, c + dc * step);
      if (next && shown(next)) { next.focus(); next.select(); return true; }
      if (dr !== 0 && !rowOf(r + dr * step)) { return false; }
    }
    return false;
  }

  // Tab goes to the enrolled count first; Shift+Tab goes back to the population (through the new
  // population's source when it is open), which is off the Tab order.
  function backToPopulation(input) {
    var tr = input.closest("tr"), key = input.dataset.key;
    var source = byKey(tr, "population_source"), population = byKey(tr, "population");
    var open = source && shown(source);
    if (!population || !shown(population) || !(key === "population_source" || (key === "enrolled" && !open))) {
      return false;
    }
    population.focus();
    population.select();
    return true;
  }

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || !input.dataset.key) { return; }
    if (event.key === "Tab" && event.shiftKey && backToPopulation(input)) { event.preventDefault(); return; }
    if (input.dataset.r === undefined) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (event.key === "Enter") {
      event.preventDefault();  // Enter moves down as in a spreadsheet; the Save button submits
      move(input, event.shiftKey ? -1 : 1, 0);
    } else if (event.key === "ArrowDown") {
      event.preventDefault(); move(input, 1, 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault(); move(input, -1, 0);
    } else if (event.key === "ArrowRight" && (atEnd || whole)) {
      event.preventDefault(); move(input, 0, 1);
    } else if (event.key === "ArrowLeft" && (atStart || whole)) {
      event.preventDefault(); move(input, 0, -1);
    }
  });

  // A block pasted from the focused cell: the i-th line down, the j-th shown cell of the row to the right.
  function pasteBlock(input, lines) {
    var r0 = parseInt(input.dataset.r, 10), c0 = parseInt(input.dataset.c, 10), filled = [];
    lines.forEach(function (line, i) {
      var tr = rowOf(r0 + i);
      if (!tr) { return; }
      var targets = inputs(tr).filter(function (x) {
        return x.dataset.c !== undefined && parseInt(x.dataset.c, 10) >= c0 && shown(x) && editable(x);
      }).sort(function (a, b) { return parseInt(a.dataset.c, 10) - parseInt(b.dataset.c, 10); });
      line.split("\t").forEach(function (value, j) {
        if (targets[j]) { filled.push({input: targets[j], before: targets[j].value}); setValue(targets[j], value); }
      });
      refreshRow(r0 + i);
    });
    return filled;
  }

  grid.addEventListener("paste", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || input.dataset.r === undefined) { return; }
    var pasted = (event.clipboardData || window.clipboardData).getData("text");
    if (api.paste && api.paste.byName(pasted, input)) { event.preventDefault(); summarise(); return; }
    if (!/[\t\n]/.test(pasted.replace(/\r?\n$/, ""))) { return; }  // one value: let the browser paste it
    event.preventDefault();
    var lines = pasted.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    var filled = pasteBlock(input, lines);
    summarise();
    if (api.paste) { api.paste.afterBlock(filled, input); }
    form.dispatchEvent(new Event("entry:changed"));
  });

  grid.addEventListener("input", function (event) {
    if (event.target.dataset.r !== undefined || event.target.dataset.key === "population_source") {
      refreshRow(parseInt(event.target.closest("tr").dataset.row, 10));
      summarise();
    }
  });
  grid.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") { summarise(); }
  });

  // A name the workbook's page could not match: the officer picks the commune it meant.
  document.querySelectorAll(".fill-from-workbook").forEach(function (button) {
    button.addEventListener("click", function () {
      var tr = grid.querySelector('tr[data-code="' + button.dataset.code + '"]');
      var target = tr && byKey(tr, "enrolled");
      if (!editable(target)) { return; }
      setValue(target, button.dataset.value);
      refreshRow(parseInt(tr.dataset.row, 10));
      summarise();
      form.dispatchEvent(new Event("entry:changed"));
      target.focus();
    });
  });

  // Saving: errors are fixed first, each warning confirmed beside its cell; then one POST does it.
  form.addEventListener("submit", function (event) {
    var counts = refreshAll();
    var first = null, message = "";
    if (counts.errors) {
      first = grid.querySelector("td.bad input, label.source.bad input");
      message = text("blocked");
    } else if (counts.unconfirmed) {
      first = Array.prototype.find.call(grid.querySelectorAll('.confirm input[type="checkbox"]'),
        function (box) { return !box.checked; });
      message = text("unconfirmed");
    }
    if (!message) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    say([{kind: "error", text: message}]);
    if (first) { first.focus(); }
  });

  // The payer groups and the directive's columns open with their boxes above the grid: a class on
  // the grid says which, for browsers without CSS :has() (entry.css reads either).
  [["show-groups", "show-groups"], ["show-cohort", "show-cohort"]].forEach(function (pair) {
    var box = document.getElementById(pair[0]);
    if (!box) { return; }
    function apply() { grid.classList.toggle(pair[1], box.checked); }
    box.addEventListener("change", apply);
    apply();
  });

  api.grid = {
    form: form, table: grid, rows: rows, rowOf: rowOf, byKey: byKey, inputs: inputs, editable: editable,
    changed: changed, refreshRow: refreshRow, refreshAll: refreshAll, summarise: summarise, setValue: setValue,
    countChanged: countChanged, text: text
  };
  refreshAll();
}());
