/*
 * Outbox: entries typed on the phone stay in localStorage (one key per user) until the server has confirmed
 * them (201 created or 200 already there). Every entry carries its own UUID, so a retry never duplicates.
 * Retries on the `online` event, every few seconds, and when the page comes back to the foreground.
 *
 *   const outbox = new ALTM.Outbox({userId, createUrl, undoUrl, loginUrl});
 *   outbox.attach(document.querySelector("[data-outbox]"));   // badge + pending list
 *   outbox.addCreate(payload, label); outbox.flush();
 *
 * One queue per user and one Outbox per page (`Outbox.shared(config)`): the entry, the tally and every page with a
 * `data-offline-form` (conflict sessions, follow-ups, technical reports with their photos, referrals) feed it.
 * Items of kind "form" are replayed as the multipart POST the form would have made (see altm/outbox.py).
 */
(function () {
  "use strict";
  if (window.ALTM && window.ALTM.Outbox) return; // loaded by the base page and again by a field page

  const RETRY_MS = 5000;
  const TIMEOUT_MS = 15000;
  const NIL_UUID = "00000000-0000-0000-0000-000000000000";

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function localToday() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function csrfToken() {
    // Read the cookie at send time: after a new login Django rotates the token, the page's copy is stale.
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function messagesOf(errors) {
    const out = [];
    Object.values(errors || {}).forEach((list) => (list || []).forEach((m) => out.push(m)));
    return out;
  }

  function dataUrlToBlob(dataUrl) {
    const [head, data] = dataUrl.split(",");
    const type = (head.match(/data:([^;]+)/) || [])[1] || "application/octet-stream";
    const bytes = atob(data);
    const array = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: type });
  }

  /* The login page, coming back to this page after the new login. */
  function loginHref(loginUrl) {
    const next = window.location.pathname + window.location.search;
    return `${loginUrl || "/connexion/"}?next=${encodeURIComponent(next)}`;
  }

  class Outbox extends EventTarget {
    /* The page's one outbox (several instances would send the same queue twice over). */
    static shared(config) {
      if (!Outbox.instance) Outbox.instance = new Outbox(config);
      else Object.assign(Outbox.instance.config, config || {});
      return Outbox.instance;
    }

    constructor(config) {
      super();
      this.config = config;
      this.key = `altm-outbox-${config.userId}`;
      this.inflight = new Set();
      this.cancelled = new Set();
      this.chain = Promise.resolve();
      this.queued = null;
      this.offline = !navigator.onLine;
      this.authLost = false;
      window.addEventListener("online", () => this.flush());
      window.addEventListener("offline", () => {
        this.offline = true;
        this.emit("change");
      });
      window.addEventListener("storage", (event) => {
        if (event.key === this.key) this.emit("change");
      });
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") this.flush();
      });
      window.setInterval(() => {
        if (this.items().some((item) => item.status !== "invalid")) this.flush();
      }, RETRY_MS);
    }

    // --- storage ---------------------------------------------------------------------------------------
    items() {
      try {
        const items = JSON.parse(window.localStorage.getItem(this.key) || "[]");
        return Array.isArray(items) ? items : [];
      } catch (e) {
        return [];
      }
    }

    save(items) {
      try {
        window.localStorage.setItem(this.key, JSON.stringify(items));
      } catch (e) {
        // The phone's storage is full (photos): say so, the page keeps what the mediator typed.
        throw new Error("Mémoire du téléphone pleine : envoyez les saisies en attente avant d'en ajouter.");
      }
      this.emit("change");
    }

    update(id, changes) {
      this.save(this.items().map((item) => (item.id === id ? Object.assign({}, item, changes) : item)));
    }

    get(id) {
      return this.items().find((item) => item.id === id) || null;
    }

    remove(id) {
      this.save(this.items().filter((item) => item.id !== id));
    }

    emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail: detail || {} }));
    }

    // --- queueing --------------------------------------------------------------------------------------
    add(item) {
      const items = this.items();
      if (items.some((existing) => existing.id === item.id)) return;
      items.push(Object.assign({ status: "pending", errors: null, addedAt: new Date().toISOString() }, item));
      this.save(items);
    }

    /* A form's submission (fields as [name, value] pairs, photos as data URLs), replayed to `url` later. */
    addForm(url, fields, files, label, page) {
      const id = (fields.find(([name]) => name === "uuid") || [])[1] || uuid4();
      this.add({ id: id, kind: "form", url: url, fields: fields, files: files || [], label: label, page: page });
      return id;
    }

    /* At logout: erase this user's queue from the phone when nothing is left to send. True when erased. */
    forgetIfSent() {
      if (this.items().length) return false;
      window.localStorage.removeItem(this.key);
      Object.keys(window.localStorage)
        .filter((key) => key.startsWith(`altm-patrol-${this.config.userId}`))
        .forEach((key) => window.localStorage.removeItem(key));
      return true;
    }

    addCreate(payload, label) {
      this.add({ id: payload.uuid, kind: "create", url: this.config.createUrl, body: payload, label: label });
    }

    addUndo(uuid, label) {
      this.add({
        id: `undo-${uuid}`,
        kind: "undo",
        target: uuid,
        url: this.config.undoUrl.replace(NIL_UUID, uuid),
        body: {},
        label: label,
      });
    }

    /* Take back a create: drop it if not sent yet, undo it on the server if it was. */
    cancel(uuid, label) {
      const item = this.get(uuid);
      if (item && this.inflight.has(uuid)) {
        this.cancelled.add(uuid); // being sent right now: undo as soon as the server confirms it
        this.emit("change");
        return "later";
      }
      if (item) {
        this.remove(uuid);
        return "removed";
      }
      this.addUndo(uuid, label);
      return "undo";
    }

    isCancelled(uuid) {
      return this.cancelled.has(uuid);
    }

    pendingCount() {
      return this.items().length;
    }

    // --- sending ---------------------------------------------------------------------------------------
    /* Send every pending item in order. Passes never overlap; the promise resolves when the pass is done. */
    flush() {
      if (this.queued) return this.queued;
      const pass = this.chain.then(() => {
        this.queued = null;
        return this.runPass();
      });
      this.queued = pass;
      this.chain = pass.catch(() => {});
      return pass;
    }

    async runPass() {
      for (const snapshot of this.items()) {
        const item = this.get(snapshot.id);
        if (!item || item.status === "invalid") continue;
        this.inflight.add(item.id);
        let result;
        try {
          result = await this.send(item);
        } finally {
          this.inflight.delete(item.id);
        }
        if (result.kind === "network") {
          this.offline = true;
          this.emit("change");
          return;
        }
        this.offline = false;
        if (result.kind === "auth") {
          this.authLost = true;
          this.emit("change");
          return;
        }
        this.authLost = false;
        if (result.kind === "ok" || (item.kind === "undo" && result.status === 404)) {
          this.remove(item.id);
          this.emit("sent", { item: item, data: result.data, status: result.status });
          if (item.kind === "create" && this.cancelled.has(item.id)) {
            this.cancelled.delete(item.id);
            this.addUndo(item.id, item.label);
          }
        } else if (
          result.status === 400 ||
          (result.status === 403 && result.data && result.data.errors) ||
          (item.kind === "form" && result.status === 404)
        ) {
          const errors = (result.data && result.data.errors) || { __all__: ["Saisie refusée par le serveur."] };
          this.update(item.id, { status: "invalid", errors: errors });
          this.emit("rejected", { item: this.get(item.id), errors: errors });
        } else {
          const errors = (result.data && result.data.errors) || {
            __all__: [`Le serveur n'a pas pu enregistrer (erreur ${result.status}) : nouvel essai bientôt.`],
          };
          this.update(item.id, { errors: errors });
          return; // server trouble: keep the order, try again later
        }
      }
    }

    requestOf(item) {
      const headers = {
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest",
      };
      if (item.kind !== "form") {
        headers["Content-Type"] = "application/json";
        return { headers: headers, body: JSON.stringify(item.body) };
      }
      headers["X-ALTM-Outbox"] = "1";
      const body = new FormData();
      item.fields.forEach(([name, value]) => body.append(name, value));
      (item.files || []).forEach((file) => body.append(file.name, dataUrlToBlob(file.dataUrl), file.filename));
      return { headers: headers, body: body };
    }

    async send(item) {
      const controller = window.AbortController ? new AbortController() : null;
      const timer = controller ? window.setTimeout(() => controller.abort(), TIMEOUT_MS) : null;
      let response;
      try {
        const { headers, body } = this.requestOf(item);
        response = await window.fetch(item.url, {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual",
          cache: "no-store",
          headers: headers,
          body: body,
          signal: controller ? controller.signal : undefined,
        });
      } catch (e) {
        return { kind: "network" };
      } finally {
        if (timer) window.clearTimeout(timer);
      }
      if (response.type === "opaqueredirect" || response.status === 401) return { kind: "auth", status: 401 };
      let data = null;
      try {
        data = await response.json();
      } catch (e) {
        data = null;
      }
      if ((response.status === 200 || response.status === 201) && data) {
        return { kind: "ok", status: response.status, data: data };
      }
      return { kind: "error", status: response.status, data: data };
    }

    // --- display ---------------------------------------------------------------------------------------
    /* Keep a badge and a list of pending items up to date inside `root` ([data-outbox]). */
    attach(root, options) {
      if (!root) return;
      const opts = options || {};
      const badge = root.querySelector("[data-outbox-badge]");
      const list = root.querySelector("[data-outbox-list]");
      const status = root.querySelector("[data-outbox-status]");
      const render = () => {
        const items = this.items();
        const invalid = items.filter((item) => item.status === "invalid").length;
        badge.dataset.pending = String(items.length);
        badge.classList.remove("text-bg-success", "text-bg-warning", "text-bg-danger");
        if (items.length === 0) {
          badge.textContent = "✓ Tout est envoyé";
          badge.classList.add("text-bg-success");
        } else {
          badge.textContent = `${items.length} en attente d'envoi`;
          badge.classList.add(invalid ? "text-bg-danger" : "text-bg-warning");
        }
        if (status) {
          status.replaceChildren();
          if (this.authLost && items.length) {
            status.append("Session expirée, vos saisies restent sur ce téléphone. ");
            const login = document.createElement("a");
            login.href = loginHref(this.config.loginUrl);
            login.textContent = "Reconnectez-vous pour envoyer";
            status.append(login);
          } else if (this.offline && items.length) {
            status.textContent = "Hors connexion : vos saisies sont gardées sur ce téléphone.";
          }
          status.hidden = !status.textContent;
        }
        list.replaceChildren();
        items.forEach((item) => list.appendChild(this.renderItem(item, opts)));
        if (invalid) root.open = true;
      };
      this.addEventListener("change", render);
      render();
    }

    renderItem(item, opts) {
      const li = document.createElement("li");
      li.className = "list-group-item outbox-item";
      li.dataset.outboxItem = item.id;
      const text = document.createElement("div");
      const label = document.createElement("div");
      label.textContent = (item.kind === "undo" ? "Annulation : " : "") + (item.label || "Saisie");
      text.appendChild(label);
      const when = document.createElement("small");
      when.className = "text-body-secondary";
      const added = new Date(item.addedAt);
      when.textContent = isNaN(added) ? "" : `saisi à ${added.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" })}`;
      text.appendChild(when);
      messagesOf(item.errors).forEach((message) => {
        const error = document.createElement("div");
        error.className = "outbox-error";
        error.textContent = message;
        text.appendChild(error);
      });
      li.appendChild(text);
      if (item.status === "invalid") {
        const actions = document.createElement("div");
        actions.className = "d-flex flex-column gap-1";
        if (opts.onFix && item.kind === "create") {
          actions.appendChild(this.button("Corriger", "btn-outline-primary", () => opts.onFix(item)));
        }
        if (item.kind === "form" && item.page) {
          actions.appendChild(
            this.button("Corriger", "btn-outline-primary", () => {
              window.location.href = `${item.page}#outbox-fix=${encodeURIComponent(item.id)}`;
            })
          );
        }
        actions.appendChild(
          this.button("Abandonner", "btn-outline-danger", () => {
            if (window.confirm("Abandonner cette saisie ? Elle ne sera pas enregistrée.")) this.remove(item.id);
          })
        );
        li.appendChild(actions);
      }
      return li;
    }

    button(text, style, onClick) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `btn btn-sm ${style}`;
      button.textContent = text;
      button.addEventListener("click", onClick);
      return button;
    }
  }

  /* A short confirmation at the top of the screen ("Enregistré ✓"). */
  function toast(text, kind) {
    let el = document.querySelector("[data-confirm-toast]");
    if (!el) return;
    el.textContent = text;
    el.className = `confirm-toast alert alert-${kind || "success"}`;
    el.hidden = false;
    window.clearTimeout(el._timer);
    el._timer = window.setTimeout(() => {
      el.hidden = true;
    }, 2600);
  }

  function readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  document.documentElement.classList.add("js");
  window.ALTM = Object.assign(window.ALTM || {}, { Outbox, uuid4, localToday, toast, readJson, messagesOf, loginHref });
})();
