/*
 * Quick entry: show only the extra fields the chosen activity asks for, filter sites by territory,
 * +/− steppers, and send through the outbox (kept on the phone until the server confirms).
 * Without this script the page is a plain form that posts to the server.
 */
(function () {
  "use strict";
  const ALTM = window.ALTM;
  const form = document.querySelector("[data-entry-form]");
  if (!form || !ALTM) return;

  // The edit page reuses the field behaviour but posts a plain form (no outbox).
  const editing = form.hasAttribute("data-edit-form");
  const outbox = editing ? null : ALTM.Outbox.shared(ALTM.readJson("outbox-config"));
  const generalErrors = form.querySelector("[data-form-errors]");
  const territory = form.querySelector("[name=territory]");
  const site = form.querySelector("[name=site]");
  const date = form.querySelector("[name=date]");
  const summary = document.querySelector("[data-context-summary]");
  const selectedLabel = form.querySelector("[data-selected-label]");
  const saveButton = form.querySelector("[data-save]");

  // --- steppers ------------------------------------------------------------------------------------------
  document.querySelectorAll("[data-stepper]").forEach((stepper) => {
    const input = stepper.querySelector("input");
    stepper.querySelectorAll("[data-step]").forEach((button) => {
      button.addEventListener("click", () => {
        const min = Number(input.min || 0);
        const current = Number(input.value || 0);
        input.value = String(Math.max(min, current + Number(button.dataset.step)));
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  });

  // --- activity → extra fields ---------------------------------------------------------------------------
  function checkedActivity() {
    return form.querySelector("[name=activity_type]:checked");
  }

  function showExtras() {
    const activity = checkedActivity();
    const extras = activity ? activity.dataset.extras.split(" ").filter(Boolean) : [];
    form.querySelectorAll("[data-extra]").forEach((el) => {
      el.hidden = !extras.includes(el.dataset.extra);
    });
    selectedLabel.textContent = activity ? activity.dataset.label : "Choisissez une activité ci-dessus";
    selectedLabel.classList.toggle("text-body-secondary", !activity);
  }

  form.querySelectorAll("[name=activity_type]").forEach((radio) =>
    radio.addEventListener("change", () => {
      clearError("activity_type");
      showExtras();
    })
  );

  // --- territory → sites, context summary ----------------------------------------------------------------
  function filterSites() {
    if (!territory || !site) return;
    Array.from(site.options).forEach((option) => {
      if (!option.value) return;
      const match = option.dataset.territory === territory.value;
      option.hidden = !match;
      option.disabled = !match;
    });
    if (site.selectedOptions[0] && site.selectedOptions[0].disabled) site.value = "";
  }

  function updateSummary() {
    if (!summary) return;
    const parts = [];
    if (date) {
      if (date.value === ALTM.localToday()) parts.push("Aujourd'hui");
      else if (date.value) parts.push(date.value.split("-").reverse().join("/"));
    }
    if (territory && territory.selectedOptions[0]) parts.push(territory.selectedOptions[0].textContent.trim());
    parts.push(site && site.value ? site.selectedOptions[0].textContent.trim() : "sans site précis");
    summary.textContent = parts.join(" · ");
  }

  [territory, site, date].forEach((el) =>
    el && el.addEventListener("change", () => {
      filterSites();
      updateSummary();
    })
  );

  // --- errors next to the fields -------------------------------------------------------------------------
  function clearError(name) {
    form.querySelectorAll(`[data-error-for="${name}"]`).forEach((el) => el.remove());
    form.querySelectorAll(`[name="${name}"]`).forEach((el) => el.classList.remove("is-invalid"));
  }

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach((el) => el.remove());
    form.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
    generalErrors.hidden = true;
    generalErrors.textContent = "";
  }

  function showErrors(errors) {
    clearErrors();
    const general = [];
    let first = null;
    Object.entries(errors).forEach(([name, messages]) => {
      const wrapper = document.getElementById(`div_id_${name}`);
      if (!wrapper || wrapper.closest("[hidden]")) {
        general.push(...messages);
        return;
      }
      form.querySelectorAll(`[name="${name}"]`).forEach((el) => el.classList.add("is-invalid"));
      messages.forEach((message) => {
        const div = document.createElement("div");
        div.className = "invalid-feedback d-block";
        div.dataset.errorFor = name;
        div.textContent = message;
        wrapper.appendChild(div);
      });
      if (["date", "territory", "site"].includes(name)) document.querySelector("[data-context]").open = true;
      first = first || wrapper;
    });
    if (general.length) {
      generalErrors.textContent = general.join(" ");
      generalErrors.hidden = false;
      first = first || generalErrors;
    }
    if (first) first.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  // --- submit through the outbox -------------------------------------------------------------------------
  function payloadOf() {
    const data = {};
    new FormData(form).forEach((value, key) => {
      if (key !== "csrfmiddlewaretoken") data[key] = value;
    });
    data.uuid = ALTM.uuid4();
    data.source = "entry";
    return data;
  }

  function labelOf(data) {
    const activity = checkedActivity();
    const place = site && site.value ? site.selectedOptions[0].textContent.trim() : "";
    return `${activity ? activity.dataset.label : "Saisie"} × ${data.count || 1}${place ? " · " + place : ""}`;
  }

  function resetForNext() {
    // Keep date, territory and site; clear the act itself.
    const activity = checkedActivity();
    if (activity) activity.checked = false;
    form.querySelectorAll("[data-extra] input, [data-extra] select, .extras input, .extras textarea").forEach((el) => {
      if (el.type === "radio" || el.type === "checkbox") el.checked = false;
      else el.value = "";
    });
    form.querySelector("[name=count]").value = "1";
    const details = form.querySelector(".extras details");
    if (details) details.open = false;
    showExtras();
    window.scrollTo({ top: 0, behavior: "smooth" });
  }

  function fillFrom(body) {
    Object.entries(body).forEach(([name, value]) => {
      const fields = form.querySelectorAll(`[name="${name}"]`);
      fields.forEach((el) => {
        if (el.type === "radio") el.checked = el.value === String(value);
        else if (el.type !== "hidden") el.value = value;
      });
    });
    const details = form.querySelector(".extras details");
    if (details && ["women", "men", "unknown", "note"].some((name) => body[name] && body[name] !== "0")) {
      details.open = true;
    }
    filterSites();
    updateSummary();
    showExtras();
  }

  form.addEventListener("submit", async (event) => {
    if (editing) return;
    event.preventDefault();
    clearErrors();
    if (!checkedActivity()) {
      showErrors({ activity_type: ["Choisissez une activité."] });
      return;
    }
    const data = payloadOf();
    saveButton.disabled = true;
    outbox.addCreate(data, labelOf(data));
    try {
      await outbox.flush();
    } finally {
      saveButton.disabled = false;
    }
    const item = outbox.get(data.uuid);
    if (!item) {
      ALTM.toast(`Enregistré ✓ ${labelOf(data)}`, "success");
      resetForNext();
    } else if (item.status === "invalid") {
      // Refused: take it back into the form so the mediator corrects it there. Nothing is lost.
      outbox.remove(item.id);
      showErrors(item.errors || {});
    } else {
      ALTM.toast("Gardé sur ce téléphone ✓ Envoi dès que le réseau revient.", "warning");
      resetForNext();
    }
  });

  if (outbox) outbox.attach(document.querySelector("[data-outbox]"), {
    onFix: (item) => {
      outbox.remove(item.id);
      fillFrom(item.body);
      showErrors(item.errors || {});
    },
  });

  filterSites();
  updateSummary();
  showExtras();
  if (outbox) outbox.flush();
})();
