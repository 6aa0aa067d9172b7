/*
 * Tally ("tournée"): each +1 is one tap with its own UUID, queued in the outbox and sent as soon as the network
 * allows; the server adds the day's taps of an activity up on one line (count n) and keeps each tap's UUID. −1 takes back the last tap of that activity: dropped from the queue if not sent yet,
 * undone on the server if it was. Counts shown = today's lines on the server + taps still waiting.
 * The page hands over the day's last taps one by one and the older ones as sums per activity ("earlier"), so it
 * stays the same size however long the day; a −1 reaching past the listed taps goes through the server's form.
 */
(function () {
  "use strict";
  const ALTM = window.ALTM;
  const form = document.querySelector("[data-tally-form]");
  if (!form || !ALTM) return;

  const outbox = ALTM.Outbox.shared(ALTM.readJson("outbox-config"));
  let today = ALTM.readJson("tally-today");
  const territory = form.querySelector("[name=territory]");
  const site = form.querySelector("[name=site]");
  const summary = document.querySelector("[data-context-summary]");
  // Lines the server confirmed today (from the page, then kept up to date from the outbox's answers).
  let sent = ALTM.readJson("tally-taps") || [];
  // Today's other acts on the server (quick entries…): the day's counter shows them too, not only the taps.
  let otherTotal = Number(ALTM.readJson("tally-other-total") || 0);
  // Today's older taps, summed per activity: {activity id: {count, women, men, unknown}}.
  let earlier = ALTM.readJson("tally-earlier") || {};
  if (today !== ALTM.localToday()) {
    // A copy of the page kept on the phone from an earlier day (opened without network): today starts empty.
    today = ALTM.localToday();
    sent = [];
    otherTotal = 0;
    earlier = {};
  }

  function isTallyToday(item) {
    return item.kind === "create" && item.body && item.body.source === "tally" && item.body.date === today;
  }

  /* Today's taps, oldest first: confirmed ones, minus those being undone, plus those still waiting. */
  function taps() {
    const items = outbox.items();
    const undoing = new Set(items.filter((i) => i.kind === "undo").map((i) => i.target));
    const sentIds = new Set(sent.map((t) => t.uuid));
    const list = sent.filter((t) => !undoing.has(t.uuid));
    items.filter(isTallyToday).forEach((item) => {
      if (sentIds.has(item.id) || outbox.isCancelled(item.id)) return;
      list.push({
        uuid: item.id,
        activity: Number(item.body.activity_type),
        count: Number(item.body.count || 1),
        women: Number(item.body.women || 0),
        men: Number(item.body.men || 0),
        unknown: Number(item.body.unknown || 0),
        at: item.addedAt,
        pending: true,
      });
    });
    return list;
  }

  function render() {
    const list = taps();
    const counts = {};
    let total = 0;
    const pub = { women: 0, men: 0, unknown: 0 };
    Object.keys(earlier).map((activity) => Object.assign({ activity: Number(activity) }, earlier[activity])).concat(list).forEach((tap) => {
      counts[tap.activity] = (counts[tap.activity] || 0) + tap.count;
      total += tap.count;
      pub.women += tap.women;
      pub.men += tap.men;
      pub.unknown += tap.unknown;
    });
    document.querySelectorAll("[data-tally-row]").forEach((row) => {
      const n = counts[Number(row.dataset.tallyRow)] || 0;
      row.querySelector("[data-tally-count]").textContent = String(n);
      row.querySelector("[data-tally-minus]").disabled = n === 0;
    });
    document.querySelector("[data-tally-total]").textContent = String(total + otherTotal);
    const patrol = savedPatrol();
    const since = patrol ? new Date(patrol.start) : null;
    let patrolTotal = total;
    if (patrol && typeof patrol.offset === "number") patrolTotal = Math.max(0, total - patrol.offset);
    else if (since) patrolTotal = list.filter((tap) => new Date(tap.at) >= since).reduce((n, tap) => n + tap.count, 0);
    document.querySelector("[data-patrol-total]").textContent = String(patrolTotal);
    document.querySelector("[data-patrol-since]").textContent = since
      ? `(depuis ${since.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" })})`
      : "(depuis ce matin)";
    const parts = [];
    if (pub.women) parts.push(`${pub.women} F`);
    if (pub.men) parts.push(`${pub.men} H`);
    if (pub.unknown) parts.push(`${pub.unknown} non précisé`);
    document.querySelector("[data-tally-public]").textContent = parts.length ? `(${parts.join(", ")})` : "";
  }

  // A patrol starts when the mediator says so ("Nouvelle tournée"); by default it is the whole day.
  const patrolKey = `altm-patrol-${ALTM.readJson("outbox-config").userId}`;

  // The patrol counter = the day's taps less those counted when it started ("offset"), so it needs no tap older
  // than the page lists.
  function savedPatrol() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(patrolKey) || "null");
      return saved && saved.date === today ? saved : null;
    } catch (e) {
      return null;
    }
  }

  function dayTapTotal() {
    let total = 0;
    Object.keys(earlier).forEach((activity) => (total += earlier[activity].count));
    taps().forEach((tap) => (total += tap.count));
    return total;
  }

  document.querySelector("[data-new-patrol]").addEventListener("click", () => {
    const patrol = { date: today, start: new Date().toISOString(), offset: dayTapTotal() };
    window.localStorage.setItem(patrolKey, JSON.stringify(patrol));
    render();
    ALTM.toast("Nouvelle tournée : compteur remis à zéro ✓", "success");
  });

  function split() {
    const checked = form.querySelector("[name=split]:checked");
    const value = checked ? checked.value : "";
    return { women: value === "F" ? 1 : 0, men: value === "M" ? 1 : 0, unknown: value === "U" ? 1 : 0 };
  }

  function ageBand() {
    const checked = form.querySelector("[name=age_band]:checked");
    return checked ? checked.value : "";
  }

  function bump(row) {
    row.classList.remove("bump");
    void row.offsetWidth; // restart the animation
    row.classList.add("bump");
  }

  function plus(row) {
    const who = split();
    const data = Object.assign(
      {
        uuid: ALTM.uuid4(),
        source: "tally",
        date: today,
        territory: territory ? territory.value : "",
        site: site ? site.value : "",
        activity_type: row.dataset.tallyRow,
        count: 1,
        age_band: ageBand(),
      },
      who
    );
    const label = `${row.dataset.label} +1`;
    outbox.addCreate(data, label);
    form.querySelector("#split-none").checked = true;
    bump(row);
    render();
    outbox.flush().then(() => {
      ALTM.toast(outbox.get(data.uuid) ? `${label} ✓ gardé sur le téléphone` : `${label} ✓ Enregistré`, outbox.get(data.uuid) ? "warning" : "success");
    });
  }

  function minus(row) {
    const activity = Number(row.dataset.tallyRow);
    const mine = taps().filter((tap) => tap.activity === activity);
    const last = mine[mine.length - 1];
    if (!last) {
      // Only older taps left for this activity (not listed on the page): the server takes back its last one.
      if (earlier[activity] && earlier[activity].count > 0) {
        // Older than every listed tap: before the patrol if the patrol began after the oldest listed one.
        const patrol = savedPatrol();
        const oldest = sent.length ? new Date(sent[0].at) : null;
        if (patrol && typeof patrol.offset === "number" && oldest && oldest <= new Date(patrol.start)) {
          patrol.offset = Math.max(0, patrol.offset - 1);
          window.localStorage.setItem(patrolKey, JSON.stringify(patrol));
        }
        const undo = document.createElement("input");
        undo.type = "hidden";
        undo.name = "undo";
        undo.value = String(activity);
        form.appendChild(undo);
        form.submit();
      }
      return;
    }
    const patrol = savedPatrol();
    if (patrol && typeof patrol.offset === "number" && new Date(last.at) < new Date(patrol.start)) {
      // A tap from before the patrol: it leaves the day's count and the patrol's starting point alike.
      patrol.offset = Math.max(0, patrol.offset - last.count);
      window.localStorage.setItem(patrolKey, JSON.stringify(patrol));
    }
    outbox.cancel(last.uuid, `${row.dataset.label} −1`);
    render();
    ALTM.toast(`${row.dataset.label} −1`, "secondary");
    outbox.flush();
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-tally-plus], [data-tally-minus]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest("[data-tally-row]");
    if (button.hasAttribute("data-tally-plus")) plus(row);
    else minus(row);
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  outbox.addEventListener("sent", (event) => {
    const { item, data } = event.detail;
    if (item.kind === "create" && isTallyToday(item)) {
      if (!sent.some((t) => t.uuid === item.id)) {
        sent.push({
          uuid: item.id,
          activity: Number(item.body.activity_type),
          count: Number(item.body.count || 1),
          women: Number(item.body.women || 0),
          men: Number(item.body.men || 0),
          unknown: Number(item.body.unknown || 0),
          at: item.addedAt,
        });
      }
    } else if (item.kind === "undo") {
      sent = sent.filter((t) => t.uuid !== item.target);
    }
    render();
  });
  outbox.addEventListener("change", render);

  // Territory and site: filter sites by territory and keep the one-line summary right.
  function filterSites() {
    if (!territory || !site) return;
    Array.from(site.options).forEach((option) => {
      if (!option.value) return;
      const match = option.dataset.territory === territory.value;
      option.hidden = !match;
      option.disabled = !match;
    });
    if (site.selectedOptions[0] && site.selectedOptions[0].disabled) site.value = "";
    if (summary) {
      const parts = [territory.selectedOptions[0] ? territory.selectedOptions[0].textContent.trim() : ""];
      parts.push(site.value ? site.selectedOptions[0].textContent.trim() : "sans site précis");
      summary.textContent = parts.join(" · ");
    }
  }
  [territory, site].forEach((el) => el && el.addEventListener("change", filterSites));

  outbox.attach(document.querySelector("[data-outbox]"));
  filterSites();
  render();
  outbox.flush();
})();
