/*
 * ALTM service worker (served at /sw.js by altm/pwa.py, scope "/").
 * - Static files: cache first (stored at install, refreshed when their version changes).
 * - Field pages (answers marked X-ALTM-Offline: page): network first; the last copy seen when there is no network.
 * - Anything else: straight to the network, never stored.
 * The queue of unsent entries is not here: it is the outbox (static/js/outbox.js), in the page's storage.
 */
"use strict";

const CONFIG = {{ config|safe }};
const STATIC_CACHE = `altm-static-${CONFIG.version}`;
const PAGES_CACHE = "altm-pages";
const NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => Promise.all(CONFIG.static.map((url) => cache.add(url).catch(() => null))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((key) => key.startsWith("altm-static-") && key !== STATIC_CACHE).map((key) => caches.delete(key)))
      )
      .then(() => self.clients.claim())
  );
});

function isOfflinePage(response) {
  return response && response.ok && !response.redirected && response.type === "basic" && response.headers.get(CONFIG.header) === "page";
}

async function keepPage(url, response) {
  if (!isOfflinePage(response)) return false;
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(url, response.clone());
  return true;
}

const PREFETCH_LINK = /<a\b[^>]*\bhref="(\/[^"]*)"[^>]*\bdata-offline-prefetch\b/g;
const MAX_PREFETCH = 40;

/* Fetch the field pages into the cache (after a visit with network): they then open in a dead zone. The links
   those pages mark `data-offline-prefetch` (each follow-up of "Mes suivis") are fetched too. */
async function refreshPages() {
  const kept = [];
  const queue = CONFIG.pages.slice();
  const seen = new Set(queue);
  let extra = 0;
  while (queue.length) {
    const url = queue.shift();
    try {
      const response = await fetch(url, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
      if (!(await keepPage(url, response))) continue;
      kept.push(url);
      const html = await response.text();
      for (const match of html.matchAll(PREFETCH_LINK)) {
        const link = match[1].replace(/&amp;/g, "&");
        if (!seen.has(link) && extra < MAX_PREFETCH) {
          seen.add(link);
          queue.push(link);
          extra += 1;
        }
      }
    } catch (e) {
      return kept; // the network went away: keep what we have
    }
  }
  return kept;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "refresh-pages") {
    event.waitUntil(
      refreshPages().then((kept) => {
        if (event.source) event.source.postMessage({ type: "pages-refreshed", pages: kept });
      })
    );
  } else if (data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

function offlineAnswer() {
  const html =
    '<!doctype html><html lang="fr"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Hors connexion</title><body><main><h1>Hors connexion</h1>" +
    "<p>Cette page n'a pas encore été ouverte sur ce téléphone avec du réseau.</p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function fromCache(request) {
  const cache = await caches.open(PAGES_CACHE);
  return (await cache.match(request.url)) || (await cache.match(CONFIG.offlineUrl)) || offlineAnswer();
}

async function navigate(event) {
  const request = event.request;
  const network = fetch(request).then(async (response) => {
    await keepPage(request.url, response);
    return response;
  });
  event.waitUntil(network.catch(() => null));
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), NETWORK_TIMEOUT_MS);
  });
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch (e) {
    // no network: the copy below
  } finally {
    clearTimeout(timer);
  }
  return fromCache(request);
}

async function staticFile(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(request));
  }
});
