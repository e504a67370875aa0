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
  const form = root.querySelector("form");
  const problem = root.querySelector(".imnm-try-it__problem");
  const result = root.querySelector(".imnm-try-it__result");
  const copied = root.querySelector(".imnm-try-it__copied");
  const part = (name) => root.querySelector(".imnm-try-it__" + name);
  // Material's search adds ?h=<query> to highlight the words searched for.
  const IGNORED_PARAMETERS = ["h"];
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
    const problems = [];
    const seen = new Set();
    for (const [name, value] of new URLSearchParams(window.location.search)) {
      if (IGNORED_PARAMETERS.includes(name)) {
        continue;
      }
      const field = data.fields.find((candidate) => candidate.name === name);
      if (!field) {
        const names = data.fields.map((known) => known.name).join(", ");
        problems.push('"' + name + '" is not a finding (the findings are ' + names + ")");
      } else if (seen.has(name)) {
        problems.push('"' + name + '" is given more than once');
      } else if (!field.choices.some((choice) => choice.value === value)) {
        const wire = field.choices.map((choice) => choice.value).join(", ");
        problems.push(name + '="' + value + '" is not one of ' + wire);
      } else {
        values[name] = value;
      }
      seen.add(name);
    }
    return { values: values, problems: problems };
  }

  function writeAddress(values) {
    const parameters = new URLSearchParams();
    for (const field of data.fields) {
      if (values[field.name] !== field.default) {
        parameters.set(field.name, values[field.name]);
      }
    }
    const query = parameters.toString();
    const address = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", address);
  }

  function findingsDocument(values) {
    return JSON.stringify(Object.assign({}, data.findings_document, values), null, 2);
  }

  // --- the result ---

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) {
      made.className = "imnm-try-it__" + className;
    }
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

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

  function fill(list, items) {
    list.replaceChildren();
    for (const item of items) {
      list.append(item);
    }
    if (items.length === 0) {
      list.append(element("li", "none", "None."));
    }
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
    fill(
      part("next-steps"),
      classification.next_steps.map((step) => element("li", "next-step", step))
    );
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
    part("json").textContent = findingsDocument(values);
    result.hidden = false;
  }

  // --- events ---

  function showProblem(text) {
    problem.textContent = text;
    problem.hidden = false;
  }

  function update() {
    problem.hidden = true;
    problem.textContent = "";
    copied.textContent = "";
    const values = readForm();
    writeAddress(values);
    show(values);
  }

  async function copy(text, what) {
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = "Copied " + what + ".";
    } catch (error) {
      copied.textContent = "Could not copy " + what + " here: select it and copy it by hand.";
    }
  }

  function start(asset) {
    data = asset;
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("change", update);
    root.querySelector('[data-action="clear"]').addEventListener("click", () => {
      setForm(defaults());
      update();
    });
    root.querySelector('[data-action="copy-link"]').addEventListener("click", () => {
      copy(window.location.href, "the link");
    });
    root.querySelector('[data-action="copy-json"]').addEventListener("click", () => {
      copy(findingsDocument(readForm()), "the findings as JSON");
    });
    const address = readAddress();
    if (address.problems.length) {
      setForm(defaults());
      result.hidden = true;
      showProblem(
        "This link's findings could not be read, so no result is shown: " +
          address.problems.join("; ") +
          ". The form is empty; choose the findings again."
      );
    } else {
      setForm(address.values);
      show(address.values);
    }
  }

  fetch(root.dataset.asset)
    .then((response) => {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(start)
    .catch((error) => {
      showProblem("The classifier's data could not be loaded (" + error.message + ").");
    });
})();
