/*
 * The installable app on every page of a logged-in user:
 * - registers the service worker (templates/pwa/sw.js) and asks it, at most every 10 minutes with network, to
 *   fetch the field pages so they open in a dead zone;
 * - a banner says when the phone is offline, what is waiting, and "Reconnectez-vous pour envoyer" when the
 *   session has expired (the link comes back to this page);
 * - forms marked `data-offline-form` go through the outbox: sent at once when the network allows, kept on the
 *   phone otherwise; photos are resized on the phone (canvas), which drops their EXIF and GPS;
 * - a page copied on an earlier day gets today's date back in its date fields;
 * - at logout, once everything is sent, this user's queue and the copied pages are erased from the phone.
 */
(function () {
  "use strict";
  const ALTM = window.ALTM;
  const config = ALTM && ALTM.readJson("altm-pwa");
  if (!config) return;
  const outbox = ALTM.Outbox.shared({ userId: config.userId, loginUrl: config.loginUrl });
  const REFRESH_MS = 10 * 60 * 1000;
  const PHOTO_MAX = 1600;
  const refreshKey = `altm-pages-refreshed-${config.userId}`;

  // --- service worker ------------------------------------------------------------------------------------
  function refreshPages(registration) {
    const last = Number(window.localStorage.getItem(refreshKey) || 0);
    if (!navigator.onLine || Date.now() - last < REFRESH_MS || !registration.active) {
      if (last) document.documentElement.dataset.offlineReady = "1";
      return;
    }
    registration.active.postMessage({ type: "refresh-pages" });
  }

  // Pages copied for someone else (a shared phone whose last user's session expired without a logout) go first.
  const ownerKey = "altm-pages-owner";
  let cleared = Promise.resolve();
  if (window.caches && window.localStorage.getItem(ownerKey) !== String(config.userId)) {
    cleared = window.caches.delete("altm-pages").catch(() => null);
    window.localStorage.setItem(ownerKey, String(config.userId));
    Object.keys(window.localStorage)
      .filter((key) => key.startsWith("altm-pages-refreshed-"))
      .forEach((key) => window.localStorage.removeItem(key));
  }

  if (config.swUrl && "serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "pages-refreshed") {
        window.localStorage.setItem(refreshKey, String(Date.now()));
        document.documentElement.dataset.offlineReady = "1";
      }
    });
    cleared
      .then(() => navigator.serviceWorker.register(config.swUrl, { scope: "/" }))
      .then(() => navigator.serviceWorker.ready)
      .then(refreshPages)
      .catch(() => {});
  }

  // --- banner ----------------------------------------------------------------------------------------------
  const banner = document.querySelector("[data-offline-banner]");
  function plural(n, one, many) {
    return `${n} ${n > 1 ? many : one}`;
  }
  function renderBanner() {
    if (!banner) return;
    const items = outbox.items();
    const refused = items.filter((item) => item.status === "invalid").length;
    const waiting = items.length - refused;
    const offline = !navigator.onLine || outbox.offline;
    const parts = [];
    if (offline) parts.push("Hors connexion");
    if (waiting) parts.push(`${plural(waiting, "envoi", "envois")} en attente sur ce téléphone`);
    else if (offline) parts.push("rien en attente");
    if (refused) parts.push(`${plural(refused, "envoi refusé", "envois refusés")} : à corriger`);
    const authLost = outbox.authLost && waiting > 0;
    if (authLost) parts.unshift("Session expirée");
    banner.querySelector("[data-offline-text]").textContent = parts.join(" · ");
    banner.querySelector("[data-offline-login]").hidden = !authLost;
    banner.classList.toggle("is-refused", refused > 0 && !offline);
    banner.hidden = parts.length === 0;
  }
  outbox.addEventListener("change", renderBanner);
  window.addEventListener("online", renderBanner);
  window.addEventListener("offline", renderBanner);

  // --- a copy from an earlier day: today's date back in the date fields ----------------------------------
  const renderedOn = document.body.dataset.renderedOn;
  const today = ALTM.localToday();
  if (renderedOn && renderedOn !== today) {
    document.querySelectorAll("input[type=date]").forEach((input) => {
      if (input.value === renderedOn) input.value = today;
    });
  }

  // --- photos: resized on the phone, metadata dropped ------------------------------------------------------
  async function resizePhoto(file) {
    let source;
    try {
      source = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (e) {
      source = await new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve(img);
        img.onerror = reject;
        img.src = URL.createObjectURL(file);
      });
    }
    const scale = Math.min(1, PHOTO_MAX / Math.max(source.width, source.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(source.width * scale);
    canvas.height = Math.round(source.height * scale);
    canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.8); // a new JPEG: no EXIF, no GPS
  }

  function setupPhoto(input) {
    const preview = document.createElement("img");
    preview.className = "photo-preview mt-2";
    preview.alt = "Aperçu de la photo";
    preview.hidden = true;
    input.after(preview);
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      input.altmPhoto = null;
      preview.hidden = true;
      if (!file) return;
      input.altmPhotoPending = resizePhoto(file)
        .then((dataUrl) => {
          input.altmPhoto = { name: input.name, dataUrl: dataUrl, filename: "photo.jpg" };
          preview.src = dataUrl;
          preview.hidden = false;
        })
        .catch(() => {
          input.value = "";
          window.alert("Cette photo n'a pas pu être lue : reprenez-la.");
        });
    });
  }

  // --- forms that work offline -----------------------------------------------------------------------------
  function freshUuid(form) {
    const field = form.querySelector("[name=uuid]");
    if (field) field.value = ALTM.uuid4();
  }

  function fieldsOf(form) {
    const fields = [];
    new FormData(form).forEach((value, name) => {
      if (name === "csrfmiddlewaretoken" || value instanceof File) return;
      fields.push([name, value]);
    });
    return fields;
  }

  function labelOf(form) {
    const base = form.dataset.offlineLabel || document.title.split(" · ")[0];
    const key = form.querySelector("[data-offline-key]");
    const text = key ? (key.value || "").trim().slice(0, 40) : "";
    return text ? `${base} · ${text}` : base;
  }

  function resetForm(form) {
    form.reset();
    form.querySelectorAll("img.photo-preview").forEach((img) => {
      img.hidden = true;
      img.removeAttribute("src");
    });
    form.querySelectorAll("input[type=file]").forEach((input) => {
      input.altmPhoto = null;
    });
    freshUuid(form);
    window.scrollTo({ top: 0, behavior: "smooth" });
  }

  function showRefusal(form, errors) {
    let alert = form.querySelector("[data-offline-errors]");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert alert-danger";
      alert.dataset.offlineErrors = "";
      alert.setAttribute("role", "alert");
      form.prepend(alert);
    }
    alert.textContent = ALTM.messagesOf(errors).join(" ");
  }

  function setupOfflineForm(form) {
    // A page copied for offline use carries the UUID of the day it was copied: each submission needs its own.
    freshUuid(form);
    form.querySelectorAll("input[type=file][accept^=image]").forEach(setupPhoto);
    const button = form.querySelector("[type=submit]");
    form.addEventListener("submit", async (event) => {
      if (form.dataset.nativeSubmit) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (button) button.disabled = true;
      try {
        const photos = [];
        for (const input of form.querySelectorAll("input[type=file]")) {
          if (input.altmPhotoPending) await input.altmPhotoPending;
          if (input.altmPhoto) photos.push(input.altmPhoto);
        }
        let id;
        try {
          id = outbox.addForm(form.action || window.location.href, fieldsOf(form), photos, labelOf(form), window.location.pathname);
        } catch (e) {
          showRefusal(form, { __all__: [e.message] });
          return;
        }
        let redirectTo = null;
        const onSent = (e) => {
          if (e.detail.item.id === id) redirectTo = e.detail.data && e.detail.data.url;
        };
        outbox.addEventListener("sent", onSent);
        await outbox.flush();
        outbox.removeEventListener("sent", onSent);
        const item = outbox.get(id);
        if (!item) {
          window.location.href = redirectTo || window.location.pathname;
        } else if (item.status === "invalid") {
          // Refused with the network here: the server's page shows its errors next to each field.
          outbox.remove(id);
          form.dataset.nativeSubmit = "1";
          if (photos.length) showRefusal(form, item.errors);
          else form.submit();
        } else {
          ALTM.toast("Gardé sur ce téléphone ✓ Envoi dès que le réseau revient.", "warning");
          resetForm(form);
        }
      } finally {
        if (button) button.disabled = false;
      }
    });
    // "Corriger" from the list of waiting items: the refused submission comes back into this form.
    const match = window.location.hash.match(/^#outbox-fix=(.+)$/);
    if (match) {
      const item = outbox.get(decodeURIComponent(match[1]));
      if (item && item.kind === "form") {
        item.fields.forEach(([name, value]) => {
          form.querySelectorAll(`[name="${name}"]`).forEach((el) => {
            if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === value;
            else if (el.type !== "file") el.value = value;
          });
        });
        showRefusal(form, item.errors);
        outbox.remove(item.id);
      }
    }
  }

  if (document.querySelector("form[data-offline-form]") && !document.querySelector("[data-confirm-toast]")) {
    const toast = document.createElement("div");
    toast.className = "confirm-toast";
    toast.dataset.confirmToast = "";
    toast.setAttribute("role", "status");
    toast.setAttribute("aria-live", "polite");
    toast.hidden = true;
    document.querySelector("main").prepend(toast);
  }
  document.querySelectorAll("form[data-offline-form]").forEach(setupOfflineForm);
  outbox.attach(document.querySelector("[data-outbox-generic]"));

  // --- logout: erase this user's traces once everything is sent ------------------------------------------
  document.querySelectorAll("form[data-logout-form]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      await Promise.race([outbox.flush(), new Promise((resolve) => window.setTimeout(resolve, 5000))]);
      if (!outbox.forgetIfSent()) {
        const n = outbox.items().length;
        const ok = window.confirm(
          `${plural(n, "envoi n'est", "envois ne sont")} pas encore parti${n > 1 ? "s" : ""} : ` +
            "ils restent sur ce téléphone et partiront à votre prochaine connexion. Se déconnecter quand même ?"
        );
        if (!ok) return;
      }
      window.localStorage.removeItem(refreshKey);
      window.localStorage.removeItem(ownerKey);
      if (window.caches) await window.caches.delete("altm-pages").catch(() => null);
      form.dataset.confirmed = "1";
      form.submit();
    });
  });

  renderBanner();
  if (outbox.items().some((item) => item.status !== "invalid")) outbox.flush();
})();
