// The entry grid's rules in the browser: the same checks as entry/rules.py, with the thresholds, the
// count bound, the number patterns and the message templates the server writes into the page
// (<script type="application/json" id="entry-data">), so a message shown while typing is the one a
// save would give. The server stays the judge; this only tells the officer earlier.
(function () {
  "use strict";
  var block = document.getElementById("entry-data");
  if (!block) { return; }
  var data = JSON.parse(block.textContent);
  var rules = data.rules, messages = rules.messages;
  var plain = new RegExp(rules.plain, "u"), grouped = new RegExp(rules.grouped, "u");
  var notWhole = new RegExp(rules.notWhole, "u");

  // gettext's "%(name)s" templates, filled as Python's % operator fills them.
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function formatCount(n) {
    var digits = String(Math.abs(n)), head = digits.length % 3 || 3, parts = [digits.slice(0, head)];
    for (var i = head; i < digits.length; i += 3) { parts.push(digits.slice(i, i + 3)); }
    return (n < 0 ? "-" : "") + parts.join(rules.thousands);
  }

  function bounded(n) {
    return n > rules.maxCount ? {error: messages.too_large} : {value: n};
  }

  // communes.numbers.parse_optional_count: {value: n | null} or {error: message}.
  function parseCount(text) {
    var raw = String(text === undefined || text === null ? "" : text).trim();
    if (!raw) { return {value: null}; }
    if (raw.charAt(0) === "-" || raw.charAt(0) === "\u2212") { return {error: messages.negative}; }
    if (plain.test(raw)) { return bounded(parseInt(raw, 10)); }
    if (grouped.test(raw)) { return bounded(parseInt(raw.replace(/[^0-9]/g, ""), 10)); }
    if (notWhole.test(raw)) { return {error: messages.not_whole}; }
    return {error: format(messages.unreadable, {text: Array.from(raw).slice(0, 30).join("")})};
  }

  function numberOf(text) {
    var parsed = parseCount(text);
    return parsed.error ? null : parsed.value;
  }

  // reports.coverage.drop_exceeds: exact, in whole numbers (the threshold comes as a fraction).
  function dropExceeds(previous, current) {
    if (!previous) { return false; }
    return (previous - current) * rules.drop[1] > rules.drop[0] * previous;
  }

  // reports.coverage.coverage_rate then fmt_rate: two decimals, rounded half up.
  function rateText(enrolled, population, none) {
    if (enrolled === null || !population) { return none; }
    var hundredths = Math.floor((2 * enrolled * 10000 + population) / (2 * population));
    var whole = Math.floor(hundredths / 100), rest = hundredths % 100;
    return formatCount(whole) + rules.decimal + (rest < 10 ? "0" : "") + rest + "%";
  }

  function say(name, values) {
    var shown = {};
    Object.keys(values || {}).forEach(function (key) {
      shown[key] = typeof values[key] === "number" ? formatCount(values[key]) : values[key];
    });
    return format(messages[name], shown);
  }

  var COHORT = ["affected", "affected_pupils", "pupils", "households"];

  // A row as entry/rules.py `validate` judges it. `row`: {raw: {key: text}, stored: {key: text},
  // hasEnrollment, hasPopulation, previous (count or null), previousMonth ("12/2021"), member}.
  function validateRow(row) {
    var raw = row.raw, errors = {}, warnings = {}, tokens = {}, values = {};
    var groups = Object.keys(raw).filter(function (k) { return k.indexOf("g-") === 0; });
    var counts = ["population", "enrolled"].concat(groups, row.member ? COHORT : []);
    counts.forEach(function (key) {
      var parsed = parseCount(raw[key]);
      if (parsed.error) { errors[key] = parsed.error; } else { values[key] = parsed.value; }
    });
    var note = (raw.note || "").slice(0, 500), source = (raw.population_source || "").slice(0, 300);
    if (Object.keys(errors).length) { return {errors: errors, warnings: warnings, tokens: tokens}; }
    var population = values.population, enrolled = values.enrolled;
    var storedEnrolled = numberOf(row.stored.enrolled), storedPopulation = numberOf(row.stored.population);
    if (enrolled === null && row.hasEnrollment) {
      errors.enrolled = say("enrolled_cleared");
    } else if (population === null && (enrolled !== null || row.hasPopulation)) {
      errors.population = say("population_needed");
    } else if (population === 0 && enrolled) {
      errors.population = say("population_zero");
    } else {
      var changed = population !== null && (!row.hasPopulation || population !== storedPopulation);
      if (changed && row.hasPopulation && !source) { errors.population_source = say("source_needed"); }
      if (enrolled !== null) {
        if (enrolled > population && !note) {
          errors.enrolled = say("above_population", {enrolled: enrolled, population: population});
        }
        var confirmedBefore = row.hasEnrollment && enrolled === storedEnrolled;
        if (!confirmedBefore && dropExceeds(row.previous, enrolled)) {
          warnings.enrolled = say("drop", {drop: row.previous - enrolled, month: row.previousMonth,
                                           before: row.previous});
          tokens.enrolled = "enrolled:" + row.previous + ":" + enrolled;
        }
      }
    }
    var given = groups.filter(function (k) { return values[k] !== null; });
    if (given.length) {
      var sum = given.reduce(function (total, k) { return total + values[k]; }, 0);
      var groupsChanged = !row.hasEnrollment || enrolled !== storedEnrolled || groups.some(function (k) {
        return values[k] !== numberOf(row.stored[k]);
      });
      if (enrolled === null) {
        errors.enrolled = say("groups_without_total");
      } else if (sum !== enrolled && groupsChanged) {
        warnings.groups = say("groups_differ", {sum: sum, total: enrolled});
        tokens.groups = "groups:" + sum + ":" + enrolled;
      }
    }
    if (row.member) { cohort(row, values, errors); }
    return {errors: errors, warnings: warnings, tokens: tokens};
  }

  function cohort(row, values, errors) {
    ["affected", "affected_pupils"].forEach(function (key) {
      if (values[key] === null && (row.stored[key] || "") !== "") { errors[key] = say("cohort_cleared"); }
    });
    var affected = values.affected, pupilsAffected = values.affected_pupils;
    if (affected !== null && pupilsAffected !== null && pupilsAffected > affected) {
      errors.affected_pupils = say("pupils_affected_above");
    }
    if (pupilsAffected !== null && (values.pupils || 0) > pupilsAffected) {
      errors.pupils = say("pupils_above", {n: pupilsAffected});
    }
    if (affected !== null && pupilsAffected !== null && pupilsAffected <= affected &&
        (values.households || 0) > affected - pupilsAffected) {
      errors.households = say("households_above", {n: affected - pupilsAffected});
    }
  }

  // communes.names.fold and name_key: what two spellings of one commune share.
  function fold(text) {
    return String(text).replace(/\u0110/g, "D").replace(/\u0111/g, "d").normalize("NFD").replace(/\p{M}/gu, "")
      .replace(/\s+/g, " ").trim().toLowerCase();
  }

  function nameKey(text) {
    var folded = fold(text);
    for (var i = 0; i < rules.prefixes.length; i++) {
      var prefix = rules.prefixes[i];
      var dotted = prefix.charAt(prefix.length - 1) === ".";
      if (folded.indexOf(prefix + " ") === 0 || (dotted && folded.indexOf(prefix) === 0)) {
        folded = folded.slice(prefix.length).trim();
        break;
      }
    }
    return folded.replace(/[^a-z0-9]/g, "");
  }

  // entry/matching.py marked_key: the marks kept, to tell apart names that share a key.
  function markedKey(text) {
    var words = String(text).normalize("NFC").toLowerCase().trim().split(/\s+/);
    var prefixes = rules.prefixes.filter(function (p) { return p.charAt(p.length - 1) !== "."; });
    for (var size = 2; size >= 1; size--) {
      if (words.length > size && prefixes.indexOf(fold(words.slice(0, size).join(" "))) >= 0) {
        words = words.slice(size);
        break;
      }
    }
    return words.join(" ");
  }

  window.BhytEntry = window.BhytEntry || {};
  window.BhytEntry.data = data;
  window.BhytEntry.rules = {
    parseCount: parseCount, numberOf: numberOf, validateRow: validateRow, formatCount: formatCount,
    rateText: rateText, nameKey: nameKey, markedKey: markedKey, fold: fold, format: format
  };
}());
