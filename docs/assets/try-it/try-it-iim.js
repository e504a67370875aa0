/*
 * The "Try it" page for the EULAR/ACR 2017 criteria: the score (or its range
 * over the unknown items) and the category of the findings in the form.
 *
 * The item table, the cut-offs, the calculator's rule, how each value counts
 * and every sentence shown come from a data asset that docs/hooks/try_it_iim.py
 * exports from imnm.iim (rules_data() and assess) and checks against it when
 * the site is built. Weights are integer tenths, so sums are exact, as in
 * Python. The tests compare this script with imnm.iim.assess in a browser.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-imnm-try-it-iim]");
  if (!root) {
    return;
  }
  const { element, fill, lines, parameters, writeAddress, wire } = window.imnmTryIt;
  const form = root.querySelector("form");
  const features = root.querySelector(".imnm-try-it__biopsy-features");
  const ageInput = form.querySelector('input[type="number"]');
  const part = (name) => root.querySelector(".imnm-try-it__" + name);
  let data = null;
  let rules = null;

  // --- the criteria, from the library's tables ---

  const SCORED = "scored";
  const UNKNOWN = "unknown";

  function columnOf(withBiopsy) {
    return withBiopsy ? "with_biopsy" : "without_biopsy";
  }

  /* findings: {age: whole years or null, values: {field: wire value},
     biopsy: bool, features: {field: wire value}} */
  function statusOf(item, findings) {
    if (item.ages !== null) {
      if (findings.age === null) {
        return UNKNOWN;
      }
      const [from, below] = item.ages;
      const inBand = findings.age >= from && (below === null || findings.age < below);
      return inBand ? SCORED : "not_scored";
    }
    const value = item.biopsy_feature ? findings.features[item.field] : findings.values[item.field];
    return data.statuses[item.field][value];
  }

  function cutoffCategory(tenths, column) {
    const reached = rules.cutoffs.find((cutoff) => tenths >= cutoff[column].tenths);
    return reached ? reached.category : rules.below_cutoffs;
  }

  /* What one complete filling gives: the cut-offs, then the calculator's rule
     (from its least category up, no skin item present means biopsy features
     must be present; without biopsy data a biopsy is needed). */
  function outcome(tenths, skin, biopsyFeature, findings) {
    const column = columnOf(findings.biopsy);
    const category = cutoffCategory(tenths, column);
    const ranks = rules.cutoffs.map((cutoff) => cutoff.category);
    const applies = ranks.indexOf(category) <= ranks.indexOf(rules.calculator_rule.applies_from);
    if (category === rules.below_cutoffs || skin || !applies) {
      return category;
    }
    if (!findings.biopsy) {
      return data.insufficient;
    }
    return biopsyFeature ? category : rules.below_cutoffs;
  }

  /* Every filling of the unknown items, as the set of (score, a skin item
     present, a biopsy feature present) they reach. Rows that share a field
     (the age rows) exclude each other: at most one of them scores. */
  function assess(findings) {
    const column = columnOf(findings.biopsy);
    const items = rules.items.filter((item) => item[column] !== null);
    const skinItems = new Set(rules.calculator_rule.skin_items);
    const statuses = items.map((item) => statusOf(item, findings));
    let start = [0, false, false];
    const unknown = new Map();
    items.forEach((item, position) => {
      const row = [item[column].tenths, skinItems.has(item.id), item.biopsy_feature];
      if (statuses[position] === SCORED) {
        start = [start[0] + row[0], start[1] || row[1], start[2] || row[2]];
      } else if (statuses[position] === UNKNOWN) {
        unknown.set(item.field, (unknown.get(item.field) || []).concat([row]));
      }
    });
    let reached = new Map([[start.join(), start]]);
    for (const rows of unknown.values()) {
      const next = new Map();
      for (const [tenths, skin, biopsy] of reached.values()) {
        next.set([tenths, skin, biopsy].join(), [tenths, skin, biopsy]);
        for (const [weight, isSkin, isBiopsy] of rows) {
          const filled = [tenths + weight, skin || isSkin, biopsy || isBiopsy];
          next.set(filled.join(), filled);
        }
      }
      reached = next;
    }
    const fillings = [...reached.values()];
    const scores = fillings.map((filling) => filling[0]);
    const outcomes = new Set(
      fillings.map(([tenths, skin, biopsy]) => outcome(tenths, skin, biopsy, findings))
    );
    const low = Math.min(...scores);
    const high = Math.max(...scores);
    const category = outcomes.size === 1 ? [...outcomes][0] : data.insufficient;
    const steps = [];
    if (outcomes.has(data.insufficient)) {
      steps.push(data.rule_steps.needs_biopsy);
    } else if (
      findings.biopsy &&
      category === rules.below_cutoffs &&
      cutoffCategory(high, column) !== rules.below_cutoffs
    ) {
      steps.push(data.rule_steps.not_classified);
    }
    return {
      with_biopsy: findings.biopsy,
      low: low,
      high: high,
      category: category,
      items: items.map((item, position) => ({ id: item.id, status: statuses[position] })),
      steps: steps,
    };
  }

  // --- the form, the address and the document ---

  const radioFields = () => data.fields.concat([data.biopsy], data.biopsy_fields);

  function defaults() {
    const values = {};
    for (const field of radioFields()) {
      values[field.name] = field.default;
    }
    return { age: "", values: values };
  }

  /* The form's state: the age as typed, and every radio group's value. */
  function readForm() {
    const state = defaults();
    // A box the browser cannot read as a number has the value "": not unknown.
    state.age = ageInput.validity.badInput ? "(not a number)" : ageInput.value.trim();
    for (const field of radioFields()) {
      const checked = form.querySelector('input[name="' + field.name + '"]:checked');
      if (checked) {
        state.values[field.name] = checked.value;
      }
    }
    return state;
  }

  function setForm(state) {
    ageInput.value = state.age;
    for (const input of form.querySelectorAll("input[type=radio]")) {
      input.checked = state.values[input.name] === input.value;
    }
    features.disabled = state.values[data.biopsy.name] === data.biopsy.default;
  }

  function readAge(text) {
    if (!/^[0-9]{1,3}$/.test(text) || Number(text) > rules.age_limit) {
      return null;
    }
    return Number(text);
  }

  function ageProblem(text) {
    return data.age.name + '="' + text + '" is not a whole number of years from 0 to ' +
      rules.age_limit;
  }

  /* The findings of a state, or null when the age cannot be read. */
  function findingsOf(state) {
    const age = state.age === "" ? null : readAge(state.age);
    if (state.age !== "" && age === null) {
      return null;
    }
    const biopsy = state.values[data.biopsy.name] !== data.biopsy.default;
    const pick = (fields) =>
      Object.fromEntries(fields.map((field) => [field.name, state.values[field.name]]));
    return {
      age: age,
      values: pick(data.fields),
      biopsy: biopsy,
      features: pick(data.biopsy_fields),
    };
  }

  function readAddress() {
    const state = defaults();
    const { pairs, problems } = parameters();
    const known = radioFields();
    for (const [name, value] of pairs) {
      const field = known.find((candidate) => candidate.name === name);
      if (name === data.age.name) {
        if (readAge(value) === null) {
          problems.push(ageProblem(value));
        } else {
          state.age = value;
        }
      } else if (!field) {
        const names = [data.age.name].concat(known.map((f) => f.name)).join(", ");
        problems.push('"' + name + '" is not a finding (the findings are ' + names + ")");
      } else if (!field.choices.some((choice) => choice.value === value)) {
        const values = field.choices.map((choice) => choice.value).join(", ");
        problems.push(name + '="' + value + '" is not one of ' + values);
      } else {
        state.values[name] = value;
      }
    }
    const biopsy = state.values[data.biopsy.name] !== data.biopsy.default;
    for (const field of data.biopsy_fields) {
      if (!biopsy && state.values[field.name] !== field.default) {
        problems.push(
          name(field) + " is a biopsy feature, given without " + data.biopsy.name + "=" +
            data.biopsy.choices.find((choice) => choice.value !== data.biopsy.default).value
        );
      }
    }
    return { state: state, problems: problems };
  }

  function name(field) {
    return '"' + field.name + '"';
  }

  /* The address: the age and every value away from its default. */
  function address(state, findings) {
    const pairs = findings.age === null ? [] : [[data.age.name, String(findings.age)]];
    const shown = findings.biopsy ? radioFields() : data.fields.concat([data.biopsy]);
    for (const field of shown) {
      if (state.values[field.name] !== field.default) {
        pairs.push([field.name, state.values[field.name]]);
      }
    }
    return pairs;
  }

  /* An iim_findings document in the wire format, for `imnm assess -`. */
  function findingsDocument(findings) {
    const document = Object.assign({}, data.findings_document);
    document[data.age.name] = findings.age;
    Object.assign(document, findings.values);
    document[data.biopsy.name] = findings.biopsy ? Object.assign({}, findings.features) : null;
    return JSON.stringify(document, null, 2);
  }

  // --- the result ---

  function score(tenths) {
    return (tenths / 10).toFixed(1);
  }

  function showWeights(column) {
    for (const item of rules.items) {
      const weight = root.querySelector('.imnm-try-it__weight[data-item="' + item.id + '"]');
      weight.textContent = item[column] === null ? "" : "(+" + item[column].score + ")";
    }
  }

  function show(findings) {
    const assessment = assess(findings);
    const column = columnOf(findings.biopsy);
    const category = data.categories[assessment.category];
    const range =
      assessment.low === assessment.high
        ? "score " + score(assessment.low)
        : "score " + score(assessment.low) + " to " + score(assessment.high);
    const words = findings.biopsy ? "with" : "without";
    part("summary").textContent =
      category.summary + " (" + range + ", " + words + " biopsy data)";
    part("score").textContent =
      (assessment.low === assessment.high
        ? score(assessment.low)
        : score(assessment.low) + " to " + score(assessment.high)) +
      " (" + words + " biopsy data)";
    const categoryPart = part("category");
    categoryPart.dataset.category = assessment.category;
    categoryPart.replaceChildren(
      element("strong", null, category.label),
      category.text ? ": " + category.text : ""
    );
    part("subgroup").textContent = data.subgroups.text;

    fill(
      part("cutoffs"),
      rules.cutoffs
        .map((cutoff) => [cutoff.category, ">= " + cutoff[column].score, cutoff.probability])
        .concat([[rules.below_cutoffs, "< " + rules.cutoffs.at(-1)[column].score, null]])
        .map(([name, threshold, probability]) => {
          const entry = element("li", "cutoff");
          entry.dataset.category = name;
          const label = element("span", "cutoff-label", data.categories[name].label);
          entry.append(label, ": score " + threshold);
          if (probability !== null) {
            entry.append(" (probability " + probability + ")");
          }
          if (name === assessment.category) {
            entry.setAttribute("aria-current", "true");
          }
          return entry;
        })
    );
    fill(
      part("items"),
      assessment.items.map(({ id, status }) => {
        const item = rules.items.find((row) => row.id === id);
        const entry = element("li", "item");
        entry.dataset.item = id;
        entry.dataset.status = status;
        entry.append(
          element("span", "item-label", item.label),
          " ",
          element("span", "item-weight", item[column].score),
          " ",
          element("span", "outcome", data.item_statuses[status]),
          element("span", "sources", "Source: " + item.source)
        );
        return entry;
      })
    );
    lines(part("next-steps"), assessment.steps, "next-step");
    if (assessment.category === data.insufficient && assessment.low !== assessment.high) {
      // The library names each unknown item that could change the category; the page does not.
      part("next-steps").append(element("li", "more", data.deciding));
    }
    fill(
      part("notes"),
      rules.notes.map((note) => {
        const entry = element("li", "note");
        entry.append(
          element("span", "note-text", note.text),
          element("span", "sources", "Source: " + note.source)
        );
        return entry;
      })
    );
    const caveats = [];
    for (const item of rules.items) {
      if (item[column] !== null && item.caveat !== null && !caveats.includes(item.caveat)) {
        caveats.push(item.caveat);
      }
    }
    for (const note of rules.notes) {
      if (note.caveat !== null) {
        caveats.push(note.caveat);
      }
    }
    lines(part("caveats"), caveats, "caveat");
  }

  // --- events ---

  root.imnmAssess = (findings) => assess(findings); // the tests compare it with imnm.iim.assess

  wire({
    root: root,
    what: "criteria's data",
    start(asset) {
      data = asset;
      rules = asset.rules;
      const read = readAddress();
      const state = read.problems.length ? defaults() : read.state;
      setForm(state);
      // The weights show even when the link could not be read (no update follows then).
      showWeights(columnOf(state.values[data.biopsy.name] !== data.biopsy.default));
      return read.problems;
    },
    update(showProblem) {
      const state = readForm();
      features.disabled = state.values[data.biopsy.name] === data.biopsy.default;
      const findings = findingsOf(state);
      showWeights(columnOf(state.values[data.biopsy.name] !== data.biopsy.default));
      if (findings === null) {
        showProblem(ageProblem(state.age) + ", so no result is shown.");
        return null;
      }
      writeAddress(address(state, findings));
      show(findings);
      return findingsDocument(findings);
    },
    clear() {
      setForm(defaults());
    },
  });
})();
