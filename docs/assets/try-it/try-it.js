/*
 * The "Try it" page: shows imnm's classification of the findings in the form.
 *
 * No rule lives here. The answers are in a data asset that docs/hooks/try_it.py
 * builds from imnm.classify for every combination of findings (and checks
 * against it) when the site is built; this script only looks them up and shows
 * them. Plain JavaScript, no framework, no request beyond the site's own asset.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-imnm-try-it]");
  if (!root) {
    return;
  }
  const { element, fill, lines, parameters, writeAddress, wire } = window.imnmTryIt;
  const form = root.querySelector("form");
  const part = (name) => root.querySelector(".imnm-try-it__" + name);
  let data = null;

  // --- the data asset: nodes are hash-consed; a number inside a list or
  // object node is a node's index, a node that is a number is that number ---

  function node(index) {
    if (index === null || typeof index === "boolean") {
      return index;
    }
    const entry = data.nodes[index];
    if (Array.isArray(entry)) {
      return entry.map(node);
    }
    if (entry !== null && typeof entry === "object") {
      const decoded = {};
      for (const key of Object.keys(entry)) {
        decoded[key] = node(entry[key]);
      }
      return decoded;
    }
    return entry;
  }

  function lookup(values) {
    let position = 0;
    for (const field of data.fields) {
      const wire = field.choices.map((choice) => choice.value);
      position = position * wire.length + wire.indexOf(values[field.name]);
    }
    return node(data.results[position]);
  }

  function defaults() {
    const values = {};
    for (const field of data.fields) {
      values[field.name] = field.default;
    }
    return values;
  }

  // --- the form and the address ---

  function readForm() {
    const values = defaults();
    for (const field of data.fields) {
      const checked = form.querySelector('input[name="' + field.name + '"]:checked');
      if (checked) {
        values[field.name] = checked.value;
      }
    }
    return values;
  }

  function setForm(values) {
    for (const input of form.querySelectorAll("input[type=radio]")) {
      input.checked = values[input.name] === input.value;
    }
  }

  function readAddress() {
    const values = defaults();
    const { pairs, problems } = parameters();
    for (const [name, value] of pairs) {
      const field = data.fields.find((candidate) => candidate.name === name);
      if (!field) {
        const names = data.fields.map((known) => known.name).join(", ");
        problems.push('"' + name + '" is not a finding (the findings are ' + names + ")");
      } else if (!field.choices.some((choice) => choice.value === value)) {
        const known = field.choices.map((choice) => choice.value).join(", ");
        problems.push(name + '="' + value + '" is not one of ' + known);
      } else {
        values[name] = value;
      }
    }
    return { values: values, problems: problems };
  }

  function address(values) {
    return data.fields
      .filter((field) => values[field.name] !== field.default)
      .map((field) => [field.name, values[field.name]]);
  }

  function findingsDocument(values) {
    return JSON.stringify(Object.assign({}, data.findings_document, values), null, 2);
  }

  // --- the result ---

  function sources(referenceIds) {
    const paragraph = element("span", "sources");
    if (referenceIds.length === 0) {
      return paragraph;
    }
    paragraph.append("Source: ");
    referenceIds.forEach((id, position) => {
      const reference = data.references[id];
      const link = element("a", null, reference.short);
      link.href = root.dataset.references + "#" + id;
      link.title = reference.citation;
      paragraph.append(position ? ", " : "", link);
    });
    return paragraph;
  }

  function show(values) {
    const classification = lookup(values);
    part("summary").textContent = classification.summary;

    const subtype = part("subtype");
    if (classification.subtype === null) {
      subtype.textContent = "none";
    } else {
      const link = element("a", null, data.subtypes[classification.subtype]);
      link.href = root.dataset.forms + "#" + classification.subtype;
      subtype.replaceChildren(link);
    }
    part("criteria").textContent = data.statuses[classification.criteria];

    fill(
      part("rules"),
      classification.explanation.map((rule) => {
        const criterion = data.criteria[rule.criterion];
        const item = element("li", "rule");
        item.dataset.outcome = rule.outcome;
        const title = element("span", "rule-title", criterion.title);
        const outcome = element("span", "outcome", data.outcomes[rule.outcome]);
        item.append(title, " ", outcome);
        item.append(element("span", "detail", rule.detail));
        item.append(sources(criterion.references));
        return item;
      })
    );
    lines(part("next-steps"), classification.next_steps, "next-step");
    fill(
      part("notes"),
      classification.notes.map((note) => {
        const item = element("li", "note");
        item.append(element("span", "note-text", note.text), " ", sources(note.references));
        return item;
      })
    );
    fill(
      part("caveats"),
      classification.explanation
        .map((rule) => data.criteria[rule.criterion])
        .filter((criterion) => criterion.caveat !== null)
        .map((criterion) => {
          const item = element("li", "caveat");
          item.append(element("strong", null, criterion.title + ": "), criterion.caveat);
          return item;
        })
    );
    // The library's own sentence where the result carries one (wire format 2).
    if (classification.disclaimer) {
      part("disclaimer").textContent = classification.disclaimer;
    }
  }

  // --- events ---

  wire({
    root: root,
    what: "classifier's data",
    start(asset) {
      data = asset;
      const read = readAddress();
      setForm(read.problems.length ? defaults() : read.values);
      return read.problems;
    },
    update() {
      const values = readForm();
      writeAddress(address(values));
      show(values);
      return findingsDocument(values);
    },
    clear() {
      setForm(defaults());
    },
  });
})();
