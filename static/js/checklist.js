// The checklist on site (templates/audits/checklist/). No inline script, no third party (CSP).
//
// Answers are sent by htmx as they are entered (the form's hx-post, on change). Before each one
// leaves, it is written to IndexedDB; it is removed once the portal has answered. When the phone has
// no connection (or the request does not get through), the answer stays there, the item shows
// "Not yet saved", and everything kept is sent again when the connection is back ("online"), in the
// order it was entered, each once: every answer carries its own idempotency key (the portal saves a
// key once, whatever the number of times it arrives) and the item's version it was given on (an item
// answered meanwhile elsewhere comes back as a conflict showing both answers, never overwritten).
// Photos go the same way: kept in IndexedDB with their key, sent once, shown meanwhile from the phone.
(() => {
  "use strict";

  // htmx copies the "style" attribute of a replaced element onto its successor while it settles; the
  // CSP refuses inline styles (none are written here), so an empty one left by a tool would be refused.
  if (window.htmx) window.htmx.config.attributesToSettle = ["class", "width", "height"];

  const DB_NAME = "qms-checklist";
  const STORE = "outbox";
  let page = null;
  let flushing = null;

  // --- storage ---------------------------------------------------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const store = request.result.createObjectStore(STORE, {keyPath: "key"});
          store.createIndex("audit", "audit");
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  function tx(mode, work) {
    return db().then((database) => new Promise((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const store = transaction.objectStore(STORE);
      let result;
      Promise.resolve(work(store)).then((value) => { result = value; });
      transaction.oncomplete = () => resolve(result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    }));
  }

  const request = (req) => new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

  function entries() {
    const audit = page.dataset.checklist;
    return tx("readonly", (store) => request(store.index("audit").getAll(audit)))
      .then((rows) => (rows || []).sort((a, b) => a.seq - b.seq));
  }

  // Everything kept, of every audit (an answer kept on one audit's page is sent from another's too).
  const allEntries = () => tx("readonly", (store) => request(store.getAll()))
    .then((rows) => (rows || []).sort((a, b) => a.seq - b.seq));

  const put = (entry) => tx("readwrite", (store) => { store.put(entry); });
  const remove = (key) => tx("readwrite", (store) => { store.delete(key); });

  // --- keys ------------------------------------------------------------------------------------------
  function newKey() {  // a UUID v4 (crypto.randomUUID needs HTTPS; getRandomValues does not)
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  let seqBase = 0;  // microseconds: the order answers were entered in, and their age
  const nextSeq = () => { seqBase = Math.max(seqBase + 1, Date.now() * 1000); return seqBase; };

  // --- what the page shows ---------------------------------------------------------------------------
  const article = (itemId) => document.getElementById(`item-${itemId}`);
  const csrf = () => (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

  function setStatus(itemId, text, kind) {
    const el = article(itemId);
    const status = el && el.querySelector("[data-status]");
    if (!status) return;
    status.textContent = "";
    const span = document.createElement("span");
    span.className = kind === "unsaved" ? "badge text-bg-warning" : kind === "error" ? "text-danger" : "text-success";
    if (kind === "unsaved") span.dataset.testid = "not-yet-saved";
    span.textContent = text;
    status.appendChild(span);
    el.classList.toggle("unsaved", kind === "unsaved");
  }

  function showPreview(entry) {
    const el = article(entry.item);
    const box = el && el.querySelector("[data-photos]");
    if (!box || box.querySelector(`[data-pending="${entry.key}"]`)) return;
    const reader = new FileReader();  // a data: URL (the CSP allows data: images, not blob:)
    reader.onload = () => {
      // asked twice before the first read ended (the queue and a redraw): show it once
      if (box.querySelector(`[data-pending="${entry.key}"]`)) return;
      const img = document.createElement("img");
      img.className = "checklist-thumb pending";
      img.src = reader.result;
      img.alt = page.dataset.textUnsaved;
      img.dataset.pending = entry.key;
      box.appendChild(img);
    };
    reader.readAsDataURL(entry.blob);
  }

  // The items with something still kept on the phone (known at once, when htmx asks to send).
  const pendingItems = new Set();

  function refreshBanner() {
    return entries().then((rows) => {
      pendingItems.clear();
      rows.filter((row) => row.state !== "sent").forEach((row) => pendingItems.add(row.item));
      const banner = page.querySelector("[data-pending-banner]");
      if (banner) {
        banner.hidden = rows.length === 0;
        banner.textContent = rows.length ? `${page.dataset.textPending} ${rows.length}` : "";
        banner.dataset.count = String(rows.length);
      }
      for (const row of rows) {
        setStatus(row.item, page.dataset.textUnsaved, "unsaved");
        if (row.kind === "photo") showPreview(row);
      }
      return rows;
    });
  }

  function showOffline() {
    const banner = page.querySelector("[data-offline-banner]");
    if (banner) {
      banner.hidden = navigator.onLine;
      banner.textContent = navigator.onLine ? "" : page.dataset.textOffline;
    }
  }

  // --- the answer form, written once in the page -------------------------------------------------------
  // The page shows each question with its answer as text (a checklist has hundreds: written out for
  // each, the forms were most of the page and of its time on the portal); a question is given its
  // answer and photo forms here, from the page's <template>, as the portal writes them for a phone
  // without JavaScript and for the item htmx gets back: the same names, ids and keys.
  function hydrate(card) {
    const template = page.querySelector("template[data-answer-template]");
    if (!template || !card || !card.matches(".checklist-item") || card.querySelector("form.checklist-answer")) return;
    const pk = card.dataset.item;
    const url = (name) => page.dataset[name].replace(page.dataset.itemMark, pk);
    card.dataset.answerUrl = url("answerUrl");
    card.dataset.photoUrl = url("photoUrl");
    const parts = template.content.cloneNode(true);
    const form = parts.querySelector("form.checklist-answer");
    form.setAttribute("action", card.dataset.answerUrl);
    form.setAttribute("hx-post", card.dataset.answerUrl);
    form.setAttribute("hx-target", `#item-${pk}`);
    form.querySelector("input[name=key]").value = newKey();
    form.querySelector("input[name=base_version]").value = card.dataset.version;
    form.querySelectorAll("input[name=answer]").forEach((input) => {
      input.id = `a-${pk}-${input.value}`;
      input.checked = input.value === card.dataset.answer;
      input.nextElementSibling.htmlFor = input.id;
    });
    const current = card.querySelector("[data-current]");
    const notes = card.querySelector("[data-notes]");
    const textarea = form.querySelector("textarea");
    textarea.id = `n-${pk}`;
    textarea.value = notes ? notes.textContent : "";
    form.querySelector("[data-notes-label]").htmlFor = textarea.id;
    const by = card.querySelector("[data-by]");
    if (by) form.querySelector("[data-answered]").textContent = by.textContent;
    const done = {saved: page.dataset.textSaved, replayed: page.dataset.textSaved, photo: page.dataset.textPhoto};
    if (done[card.dataset.state]) {
      const span = document.createElement("span");
      span.className = "text-success";
      span.textContent = done[card.dataset.state];
      form.querySelector("[data-status]").appendChild(span);
    }
    (notes || current).after(form);
    if (current) current.remove();
    if (notes) notes.remove();
    const photo = parts.querySelector("form[data-photo-form]");
    photo.setAttribute("action", card.dataset.photoUrl);
    photo.querySelector("input[name=key]").value = newKey();
    photo.querySelector("input[type=file]").id = `p-${pk}`;
    photo.querySelector("label").htmlFor = `p-${pk}`;
    card.querySelector("[data-photos]").after(photo);
    if (window.htmx) window.htmx.process(form);
  }

  // Swap in the item the portal sent back (saved, a conflict, or why not).
  function replaceItem(itemId, html) {
    const el = article(itemId);
    if (!el) return;
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const fresh = holder.firstElementChild;
    if (!fresh) return;
    el.replaceWith(fresh);
    hydrate(fresh);
    if (window.htmx) window.htmx.process(fresh);
    views.refresh();
  }

  // --- answers -----------------------------------------------------------------------------------------
  function formValues(form) {
    const data = new FormData(form);
    return {answer: data.get("answer") || "", notes: data.get("notes") || "", key: data.get("key"),
            base: parseInt(data.get("base_version"), 10) || 0};
  }

  // The next answer of this item gets a new key, given on the version the one just kept will make.
  function rotate(form, base) {
    form.querySelector("input[name=key]").value = newKey();
    form.querySelector("input[name=base_version]").value = String(base + 1);
  }

  // One change kept at a time: a change read while the one before is still being written would not
  // see it (and would not replace it).
  let keeping = Promise.resolve();
  function keep(form, state) {
    keeping = keeping.then(() => keepNow(form, state)).catch(() => null);
    return keeping;
  }

  function keepNow(form, state) {
    const el = form.closest("[data-item]");
    const values = formValues(form);
    return entries().then((rows) => {
      const mine = rows.filter((row) => row.item === el.dataset.item && row.kind === "answer");
      const last = mine[mine.length - 1];
      if (state === "queued" && last && last.state === "queued") {
        // Never sent yet: the newer answer replaces it (same key, same version).
        return put({...last, answer: values.answer, notes: values.notes});
      }
      const entry = {key: values.key, kind: "answer", audit: page.dataset.checklist, item: el.dataset.item,
                     url: el.dataset.answerUrl, answer: values.answer, notes: values.notes, base: values.base,
                     state, seq: nextSeq()};
      rotate(form, values.base);
      return put(entry);
    });
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!page || !form.matches || !form.matches("[data-answer-form]")) return;
    const itemId = form.closest("[data-item]").dataset.item;
    if (!navigator.onLine || pendingItems.has(itemId)) {
      // No connection, or earlier answers of this item still kept: this one goes after them, in order.
      event.preventDefault();
      pendingItems.add(itemId);
      keep(form, "queued").then(refreshBanner).then(flush);
      setStatus(itemId, page.dataset.textUnsaved, "unsaved");
      return;
    }
    // On its way: kept until the portal answers (a lost answer is sent again with the same key).
    const values = formValues(form);
    form.dataset.sending = values.key;
    form.dataset.sentAnswer = values.answer;
    form.dataset.sentNotes = values.notes;
    put({key: values.key, kind: "answer", audit: page.dataset.checklist, item: itemId,
         url: form.closest("[data-item]").dataset.answerUrl, answer: values.answer, notes: values.notes,
         base: values.base, state: "sent", seq: nextSeq()});
    setStatus(itemId, page.dataset.textSending, "sending");
  });

  // The portal answered and the item is about to be replaced (the form leaves the page with it, so
  // its own afterRequest event no longer reaches the document): the answer is no longer kept.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!page || !form || !form.matches || !form.matches("[data-answer-form]")) return;
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status < 200 || xhr.status >= 300 || !form.dataset.sending) return;
    const key = form.dataset.sending;
    delete form.dataset.sending;
    remove(key).then(refreshBanner).then(flush);
    // Saved, but the person went on meanwhile (another choice, notes being typed): the item is not
    // replaced — that would wipe what they are entering. It takes the new version and a new key,
    // and what changed is sent next (htmx's queue, or the notes' own change when they leave them).
    const result = xhr.getResponseHeader("X-Checklist-Result");
    const now = formValues(form);
    const typing = form.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA";
    const moved = now.answer !== form.dataset.sentAnswer || now.notes !== form.dataset.sentNotes;
    if ((result === "saved" || result === "replayed") && (moved || typing)) {
      event.detail.shouldSwap = false;
      const version = (/data-version="(\d+)"/.exec(xhr.responseText) || [])[1];
      const el = form.closest("[data-item]");
      if (version !== undefined) {
        form.querySelector("input[name=base_version]").value = version;
        el.dataset.version = version;
      }
      form.querySelector("input[name=key]").value = newKey();
      setStatus(el.dataset.item, page.dataset.textSaved, "saved");
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!page || !form.matches || !form.matches("[data-answer-form]")) return;
    const key = form.dataset.sending;
    const itemId = form.closest("[data-item]") ? form.closest("[data-item]").dataset.item : null;
    if (!key) return;  // already handled when the item was swapped
    if (event.detail.successful) {
      remove(key).then(refreshBanner).then(flush);
    } else if (event.detail.xhr && event.detail.xhr.status >= 400 && event.detail.xhr.status < 500) {
      remove(key).then(refreshBanner);  // refused (the audit closed, no longer on the team): not kept
      if (itemId) setStatus(itemId, page.dataset.textRefused, "error");
    } else {
      // No answer from the portal: it may or may not have saved it; the same key is sent again.
      if (itemId) {
        setStatus(itemId, page.dataset.textUnsaved, "unsaved");
        rotate(form, formValues(form).base);
      }
      tx("readwrite", (store) => request(store.get(key)).then((entry) => {
        if (entry) store.put({...entry, state: "uncertain"});
      })).then(refreshBanner);
    }
  });

  // --- photos ------------------------------------------------------------------------------------------
  function keepPhoto(input) {
    const form = input.closest("[data-photo-form]");
    const el = input.closest("[data-item]");
    const file = input.files && input.files[0];
    if (!file) return Promise.resolve();
    const entry = {key: newKey(), kind: "photo", audit: page.dataset.checklist, item: el.dataset.item,
                   url: el.dataset.photoUrl, blob: file, name: file.name || "photo.jpg", state: "queued",
                   seq: nextSeq()};
    input.value = "";
    form.querySelector("input[name=key]").value = newKey();
    return put(entry).then(() => {
      showPreview(entry);
      setStatus(entry.item, page.dataset.textUnsaved, "unsaved");
      return refreshBanner();
    }).then(flush);
  }

  // --- sending what is kept, once the connection is back --------------------------------------------
  function send(entry) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf());
    body.append("key", entry.key);
    if (entry.kind === "photo") {
      body.append("photo", entry.blob, entry.name);
    } else {
      body.append("answer", entry.answer);
      body.append("notes", entry.notes);
      body.append("base_version", String(entry.base));
    }
    return fetch(entry.url, {method: "POST", body, credentials: "same-origin", redirect: "manual",
                             headers: {"HX-Request": "true", "X-CSRFToken": csrf()}});
  }

  function flush() {
    if (!page || !navigator.onLine) return Promise.resolve();
    if (flushing) return flushing;
    flushing = allEntries().then(async (rows) => {
      for (const entry of rows) {
        if (entry.state === "sent" && Date.now() * 1000 - entry.seq < 15e6) continue;  // htmx has it in hand
        let response;
        try {
          response = await send(entry);
        } catch (error) {
          return;  // still no connection: kept, tried again on the next "online"
        }
        if (response.type === "opaqueredirect" || response.status === 401) {
          const banner = page.querySelector("[data-pending-banner]");
          if (banner) banner.textContent = page.dataset.textSignin;
          return;  // signed out: kept until the person signs in again
        }
        if (response.status >= 500) return;  // the portal failed: kept, tried again later
        await remove(entry.key);
        if (response.ok) {
          replaceItem(entry.item, await response.text());
        } else {
          setStatus(entry.item, page.dataset.textRefused, "error");
        }
      }
    }).finally(() => {
      flushing = null;
      refreshBanner();
    });
    return flushing;
  }

  // --- one question at a time, or the compact list -------------------------------------------------------
  const views = {
    index: 0,
    mode: "list",
    items() { return [...page.querySelectorAll("[data-items] > .checklist-item")]; },
    set(mode) {
      this.mode = mode;
      try { localStorage.setItem("qms-checklist-view", mode); } catch (error) { /* private mode */ }
      this.refresh();
    },
    refresh() {
      if (!page) return;
      const list = page.querySelector("[data-items]");
      const stepper = page.querySelector("[data-stepper]");
      const items = this.items();
      if (!list || !items.length) return;
      const one = this.mode === "one";
      list.classList.toggle("one-by-one", one);
      this.index = Math.max(0, Math.min(this.index, items.length - 1));
      items.forEach((item, i) => item.classList.toggle("current", i === this.index));
      if (stepper) {
        stepper.hidden = !one;
        stepper.querySelector("[data-step-label]").textContent = `${this.index + 1} / ${items.length}`;
        stepper.querySelector('[data-step="-1"]').disabled = this.index === 0;
        stepper.querySelector('[data-step="1"]').disabled = this.index === items.length - 1;
      }
      page.querySelectorAll("[data-view]").forEach((button) => {
        const on = button.dataset.view === this.mode;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.classList.toggle("active", on);
      });
    },
    step(delta) {
      this.index += delta;
      this.refresh();
      const current = this.items()[this.index];
      if (current) current.querySelector("h2").focus({preventScroll: true});
      window.scrollTo(0, page.querySelector("[data-items]").offsetTop - 8);
    },
  };

  // --- opening the page without a connection -------------------------------------------------------------
  // The checklist's service worker (templates/audits/checklist/service_worker.js) keeps a copy of the
  // checklist pages opened and of their static files. A page opened before the worker ran is not
  // its to keep yet: it asks for itself and its files.
  function keepForOffline() {
    const url = page.dataset.serviceWorker;
    if (!url || !("serviceWorker" in navigator)) return;
    const kept = Boolean(navigator.serviceWorker.controller);  // this page came through the worker
    navigator.serviceWorker.register(url).then(() => navigator.serviceWorker.ready).then((registration) => {
      if (kept || !registration.active) return;
      const assets = [...document.querySelectorAll("link[rel=stylesheet][href], link[rel=icon][href], script[src]")]
        .map((el) => el.href || el.src);
      registration.active.postMessage({keep: location.href.split("#")[0], assets});
    }).catch(() => null);  // no worker (a private window, an old browser): the page works as before
  }

  // --- wiring ------------------------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    page = document.querySelector("[data-checklist]");
    if (!page) return;
    page.querySelectorAll("[data-items] > .checklist-item").forEach(hydrate);
    if (!window.indexedDB) return;
    const switcher = page.querySelector("[data-view-switch]");
    if (switcher) switcher.hidden = false;
    try { views.mode = localStorage.getItem("qms-checklist-view") || "list"; } catch (error) { views.mode = "list"; }
    const hash = location.hash.match(/^#item-(\d+)$/);
    if (hash) views.index = Math.max(0, views.items().findIndex((el) => el.dataset.item === hash[1]));
    views.items().forEach((item) => item.querySelector("h2").setAttribute("tabindex", "-1"));
    views.refresh();
    page.addEventListener("click", (event) => {
      const view = event.target.closest("[data-view]");
      if (view) views.set(view.dataset.view);
      const step = event.target.closest("[data-step]");
      if (step) views.step(parseInt(step.dataset.step, 10));
    });
    // A photo is taken: kept, shown, sent (the form's button is for phones without JavaScript).
    page.addEventListener("change", (event) => {
      if (event.target.matches(".checklist-photo-input")) keepPhoto(event.target);
    });
    page.addEventListener("submit", (event) => {
      if (event.target.matches("[data-photo-form]")) {
        event.preventDefault();
        keepPhoto(event.target.querySelector("input[type=file]"));
      }
    });
    page.querySelectorAll("[data-photo-submit]").forEach((button) => { button.hidden = true; });
    keepForOffline();
    window.addEventListener("online", () => { showOffline(); flush(); });
    window.addEventListener("offline", showOffline);
    showOffline();
    refreshBanner().then(flush);
  });
  document.addEventListener("htmx:load", (event) => {
    if (!page) return;
    event.detail.elt.querySelectorAll && event.detail.elt.querySelectorAll("[data-photo-submit]")
      .forEach((button) => { button.hidden = true; });
    const h2 = event.detail.elt.querySelector && event.detail.elt.querySelector(".checklist-item h2, h2.checklist-question");
    if (h2) h2.setAttribute("tabindex", "-1");
  });
  document.addEventListener("htmx:afterSwap", () => views.refresh());
})();
