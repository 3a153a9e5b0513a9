// QMS Portal's own behaviour. No inline scripts (CSP): everything is wired here.
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits as soon as a language is chosen; its button stays for no-JS use.
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // htmx requests carry the CSRF token.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
});

// The rich-text editor keeps text only: files are uploaded as the revision's source file instead.
document.addEventListener("trix-file-accept", (event) => event.preventDefault());

// The unit picker (qms_portal/unit_picker.py). The page holds a text box (searched on the server when
// the form is sent, which is how it works without JavaScript); here it becomes Tom Select
// (static/vendor/tom-select, loaded on the pages that have a picker only), a combobox whose options
// come from the search endpoint as the person types, each with its place in the unit tree.
const unitPickers = {
  loading: null,
  load(box) {
    if (!this.loading) {
      const style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = box.dataset.style;
      document.head.appendChild(style);
      this.loading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = box.dataset.script;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return this.loading;
  },
  enhanceAll(root) {
    const boxes = [...(root || document).querySelectorAll("[data-unit-picker]:not([data-ready])")];
    if (boxes.length) this.load(boxes[0]).then(() => boxes.forEach((box) => this.enhance(box)), () => null);
  },
  enhance(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    const input = box.querySelector("input, textarea");
    const multiple = Boolean(box.dataset.multiple);  // several units (a text area, one a line, without script)
    const select = document.createElement("select");
    for (const name of ["name", "id", "required", "disabled", "aria-describedby", "aria-invalid"]) {
      if (input.hasAttribute(name)) select.setAttribute(name, input.getAttribute(name));
    }
    select.className = "form-select";
    select.multiple = multiple;
    const selected = box.dataset.selected ? JSON.parse(box.dataset.selected) : null;
    if (!multiple) select.add(new Option("", ""));
    for (const unit of (multiple ? selected || [] : selected ? [selected] : [])) {
      select.add(new Option(unit.label, unit.value, true, true));
    }
    input.replaceWith(select);
    const url = box.dataset.unitPicker;
    const text = (value) => { const span = document.createElement("span"); span.textContent = value; return span.innerHTML; };
    const picker = new TomSelect(select, {
      valueField: "value", labelField: "label", searchField: [], maxItems: multiple ? null : 1, maxOptions: null,
      create: false, hideSelected: multiple, closeAfterSelect: true,
      placeholder: box.dataset.placeholder, preload: "focus", loadThrottle: 250,
      // The list is refreshed as each letter is typed (the server's answer is what is throttled): a
      // refresh delayed past the pick would open the list again over the next field.
      refreshThrottle: 0,
      // The server has searched (tone marks optional, within the person's scope): keep its order.
      score: () => () => 1,
      load(query, done) {
        fetch(`${url}${url.includes("?") ? "&" : "?"}q=${encodeURIComponent(query)}`,
              {headers: {Accept: "application/json"}, credentials: "same-origin"})
          .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
          .then((data) => {
            // An answer to an earlier query (the first letters, or the list shown on focus) that
            // arrives after the one for what is now typed must not replace it.
            if (query !== this.control_input.value) return done();
            this.clearOptions();
            const results = data.results;
            if (data.more) results.push({value: "-more", label: box.dataset.more, path: "", disabled: true});
            done(results);
          })
          .catch(() => done());
      },
      render: {
        option: (d, escape) => `<div><span class="d-block">${escape(d.label)}</span>${
          d.path ? `<small class="d-block text-body-secondary">${escape(d.path)}</small>` : ""}</div>`,
        item(d, escape) {
          if (!multiple) return `<div>${escape(d.label)}</div>`;
          // Several units: each chosen one has its own button to take it out again (by touch too).
          const item = document.createElement("div");
          item.textContent = d.label;
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "btn btn-sm unit-picker-remove";
          remove.setAttribute("aria-label", `${box.dataset.remove} ${d.label}`);
          remove.textContent = "\u00d7";
          remove.addEventListener("mousedown", (event) => { event.preventDefault(); event.stopPropagation(); });
          remove.addEventListener("click", (event) => {
            event.preventDefault();
            event.stopPropagation();
            this.removeItem(d.value);
            this.refreshOptions(false);
          });
          item.appendChild(remove);
          return item;
        },
        // Messages in the list are options that cannot be chosen (a listbox holds options only).
        no_results: () => `<div class="no-results" role="option" aria-disabled="true">${text(box.dataset.noResults)}</div>`,
        loading: () => `<div class="no-results" role="option" aria-disabled="true">${text(box.dataset.loading)}</div>`,
      },
    });
    const typing = (on) => picker.wrapper.classList.toggle("typing", on);
    picker.on("type", (query) => typing(query !== ""));
    picker.on("item_add", () => typing(false));
    picker.on("blur", () => typing(false));
    // The hidden select keeps the label's name (Tom Select points the label at the box one types in).
    const label = document.querySelector(`label[for="${picker.control_input.id}"]`);
    if (label && label.id) select.setAttribute("aria-labelledby", label.id);
    // What the field's help text and error say is read with the box the person types in.
    for (const name of ["aria-describedby", "aria-invalid", "aria-required"]) {
      if (select.hasAttribute(name)) picker.control_input.setAttribute(name, select.getAttribute(name));
    }
    if (select.required) picker.control_input.setAttribute("aria-required", "true");
    if (!select.required && !multiple) {  // an optional unit can be emptied: a button over the box, while it holds one
      const clear = document.createElement("button");
      clear.type = "button";
      clear.className = "btn btn-sm unit-picker-clear";
      clear.setAttribute("aria-label", box.dataset.clear);
      clear.title = box.dataset.clear;
      clear.textContent = "\u00d7";
      clear.hidden = !picker.getValue();
      clear.addEventListener("click", () => { picker.clear(); picker.focus(); });
      picker.on("change", (value) => { clear.hidden = !value; });
      box.appendChild(clear);
    }
  },
};
document.addEventListener("DOMContentLoaded", () => unitPickers.enhanceAll(document));
document.addEventListener("htmx:load", (event) => unitPickers.enhanceAll(event.detail.elt));

// The sign-in page (shown after signing out, and before any session): the copies of pages that
// service workers kept for use without a connection (the audit checklist's) were the last person's;
// they are dropped ("qms-offline-" caches).
document.addEventListener("DOMContentLoaded", () => {
  if (!document.querySelector("[data-drop-offline-copies]") || !window.caches) return;
  caches.keys().then((names) => Promise.all(names.filter((name) => name.startsWith("qms-offline-"))
    .map((name) => caches.delete(name)))).catch(() => null);
});

// The rollout board: a card dragged to another phase's column is moved there by its own form (the
// phase is chosen and the form sent, as the select and the Move button under the card do, which
// stay for the keyboard and for phones, where cards are not dragged).
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector(".qms-board");
  if (!board) return;
  let dragged = null;
  board.querySelectorAll("li[data-movable]").forEach((card) => {
    card.draggable = true;
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.unit);
      card.classList.add("qms-dragging");
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("qms-dragging");
      dragged = null;
    });
  });
  board.querySelectorAll(".qms-board-column[data-phase]").forEach((column) => {
    const elsewhere = () => dragged && dragged.closest(".qms-board-column") !== column;
    column.addEventListener("dragover", (event) => {
      if (!elsewhere()) return;
      event.preventDefault();
      column.classList.add("qms-drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) column.classList.remove("qms-drop-target");
    });
    column.addEventListener("drop", (event) => {
      column.classList.remove("qms-drop-target");
      if (!elsewhere()) return;
      event.preventDefault();
      const form = dragged.querySelector("form");
      form.elements.phase.value = column.dataset.phase;
      form.requestSubmit();
    });
  });
});
