/*
 * What both "Try it" pages share (ENMC 2016: try-it.js; EULAR/ACR 2017:
 * try-it-iim.js): the page's parts, the address, copying, loading the data
 * asset, and the wiring of the form. No rule and no wording of the library
 * lives here. Plain JavaScript, no framework, no request beyond the site's own.
 */
(function () {
  "use strict";

  // Material's search adds ?h=<query> to highlight the words searched for.
  const IGNORED_PARAMETERS = ["h"];

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

  function fill(list, items) {
    list.replaceChildren();
    for (const item of items) {
      list.append(item);
    }
    if (items.length === 0) {
      list.append(element("li", "none", "None."));
    }
  }

  /* Fill a list with one item of this class per text. */
  function lines(list, texts, className) {
    fill(
      list,
      texts.map((text) => element("li", className, text))
    );
  }

  /* The address's parameters as [name, value] pairs (Material's own left out),
     and a problem for each name given more than once. */
  function parameters() {
    const pairs = [];
    const problems = [];
    const seen = new Set();
    for (const [name, value] of new URLSearchParams(window.location.search)) {
      if (IGNORED_PARAMETERS.includes(name)) {
        continue;
      }
      if (seen.has(name)) {
        problems.push('"' + name + '" is given more than once');
      } else {
        pairs.push([name, value]);
      }
      seen.add(name);
    }
    return { pairs: pairs, problems: problems };
  }

  /* Replace the address's query with these [name, value] pairs. */
  function writeAddress(pairs) {
    const query = new URLSearchParams(pairs).toString();
    const address = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", address);
  }

  /*
   * Wire one page: load the data asset, then call page.start(data), and on
   * every change of the form page.update(). page holds: root (the page's
   * element), what (the data's name, for messages), start(data) -> problems
   * of the address (a list; empty when it was read), update() -> findings as a
   * JSON text (or null when the form cannot be read), clear().
   */
  function wire(page) {
    const root = page.root;
    const form = root.querySelector("form");
    const problem = root.querySelector(".imnm-try-it__problem");
    const result = root.querySelector(".imnm-try-it__result");
    const copied = root.querySelector(".imnm-try-it__copied");
    let json = null;

    function showProblem(text) {
      problem.textContent = text;
      problem.hidden = false;
      result.hidden = true;
    }

    function update() {
      problem.hidden = true;
      problem.textContent = "";
      copied.textContent = "";
      json = page.update(showProblem);
      if (json !== null) {
        root.querySelector(".imnm-try-it__json").textContent = json;
        result.hidden = false;
      }
    }

    async function copy(text, what) {
      try {
        await navigator.clipboard.writeText(text);
        copied.textContent = "Copied " + what + ".";
      } catch (error) {
        copied.textContent = "Could not copy " + what + " here: select it and copy it by hand.";
      }
    }

    function start(data) {
      form.addEventListener("submit", (event) => event.preventDefault());
      form.addEventListener("change", update);
      form.addEventListener("input", update);
      root.querySelector('[data-action="clear"]').addEventListener("click", () => {
        page.clear();
        update();
      });
      root.querySelector('[data-action="copy-link"]').addEventListener("click", () => {
        copy(window.location.href, "the link");
      });
      root.querySelector('[data-action="copy-json"]').addEventListener("click", () => {
        if (json === null) {
          copied.textContent = "No findings to copy: the form cannot be read.";
        } else {
          copy(json, "the findings as JSON");
        }
      });
      const problems = page.start(data);
      if (problems.length) {
        page.clear();
        showProblem(
          "This link's findings could not be read, so no result is shown: " +
            problems.join("; ") +
            ". The form is empty; choose the findings again."
        );
      } else {
        update();
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
        showProblem("The " + page.what + " could not be loaded (" + error.message + ").");
      });
  }

  window.imnmTryIt = {
    element: element,
    fill: fill,
    lines: lines,
    parameters: parameters,
    writeAddress: writeAddress,
    wire: wire,
  };
})();
