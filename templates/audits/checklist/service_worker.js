// The checklist's own service worker (no third party, no build step), served by
// audits.views.checklist.ChecklistServiceWorkerView at /audits/checklist-sw.js: its scope is /audits/.
//
// It keeps, network first, a copy of each checklist page the person opened (only a page whose
// response says "X-Offline-Copy: checklist": never another page, never anything but a GET) and of
// the static files those pages load, so that a checklist opened once opens again without a
// connection; answers given then are kept by the page's script (IndexedDB) as before. A copy is
// refreshed after answers are sent, dropped when the portal no longer shows that page to the person
// (4xx), and every copy is dropped when the session has ended (the page redirects to sign in) and on
// the sign-in page (static/js/portal.js: the copies are the signed-in person's alone).
"use strict";

const PAGES = "qms-offline-checklist-pages";
const ASSETS = "qms-offline-checklist-assets";
const STATIC = "{{ static_url|escapejs }}";
const MARK = "X-Offline-Copy";
const MAX_ASSETS = 60;
const NETWORK_WAIT_MS = 8000;   // a page that takes longer (a weak signal): the copy, if there is one
const REFRESH_AFTER_MS = 2000;  // after the last answer sent from a kept page, its copy is fetched again

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

const sameOrigin = (url) => new URL(url, self.location.href).origin === self.location.origin;
const pageKey = (url) => url.split("#")[0];

// What the network answered for a page: kept (a checklist page), or its copy dropped.
async function remember(key, response) {
  const cache = await caches.open(PAGES);
  if (response.type === "basic" && response.status === 200 && response.headers.get(MARK) === "checklist") {
    await cache.put(key, response);
  } else if (response.type === "opaqueredirect") {
    // a kept page now sends to the sign-in page: the session ended, nothing of it is kept
    if (await cache.match(key, {ignoreVary: true})) await caches.delete(PAGES);
  } else if (response.status >= 400 && response.status < 500) {
    await cache.delete(key, {ignoreVary: true});  // no longer the person's to see
  }
}

const slow = (ms) => new Promise((resolve) => setTimeout(() => resolve(null), ms));

async function page(event) {
  const key = pageKey(event.request.url);
  const network = fetch(event.request);
  event.waitUntil(network.then((response) => remember(key, response.clone())).catch(() => null));
  const response = await Promise.race([network, slow(NETWORK_WAIT_MS)]).catch(() => null);
  if (response && response.status < 500) return response;
  // no connection, too slow, or the portal failed: the copy kept, if there is one
  const kept = await caches.match(key, {cacheName: PAGES, ignoreVary: true});
  return kept || response || network;  // else what the network gives (or its error), as without a worker
}

async function keepAsset(cache, url, response) {
  const kept = await cache.match(url, {ignoreVary: true});
  const modified = (r) => r.headers.get("Last-Modified") || r.headers.get("ETag") || "";
  if (kept && modified(kept) === modified(response)) return;
  await cache.put(url, response);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_ASSETS)).map((old) => cache.delete(old)));
}

async function asset(event) {
  const cache = await caches.open(ASSETS);
  try {
    const response = await fetch(event.request);
    if (response.type === "basic" && response.status === 200) {
      event.waitUntil(keepAsset(cache, event.request.url, response.clone()));
    }
    return response;
  } catch (error) {
    const kept = await cache.match(event.request.url, {ignoreVary: true});
    if (kept) return kept;
    throw error;
  }
}

// Answers and photos are sent from a kept page (POST, never kept): its copy is fetched again once
// they stop, so that the page reopened offline shows them.
const latest = new Map();
async function refreshLater(clientId) {
  const client = clientId && await self.clients.get(clientId);
  if (!client) return;
  const key = pageKey(client.url);
  if (!(await caches.match(key, {cacheName: PAGES, ignoreVary: true}))) return;
  const ticket = (latest.get(key) || 0) + 1;
  latest.set(key, ticket);
  await new Promise((resolve) => setTimeout(resolve, REFRESH_AFTER_MS));
  if (latest.get(key) !== ticket) return;  // a later answer refreshes it
  latest.delete(key);
  const response = await fetch(key, {credentials: "same-origin", redirect: "manual"}).catch(() => null);
  if (response) await remember(key, response);
}

// The page opened before the worker ran (the first visit) asks for itself and its files to be kept.
async function keepPage(url, assets) {
  if (!sameOrigin(url) || !new URL(url, self.location.href).pathname.startsWith(new URL(self.registration.scope).pathname)) return;
  const key = pageKey(new URL(url, self.location.href).href);
  const response = await fetch(key, {credentials: "same-origin", redirect: "manual"}).catch(() => null);
  if (response) await remember(key, response);
  const cache = await caches.open(ASSETS);
  for (const one of assets.slice(0, MAX_ASSETS)) {
    const href = new URL(one, self.location.href);
    if (!sameOrigin(href.href) || !href.pathname.startsWith(STATIC)) continue;
    const file = await fetch(href.href, {credentials: "same-origin"}).catch(() => null);
    if (file && file.type === "basic" && file.status === 200) await keepAsset(cache, href.href, file);
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (typeof data.keep === "string") event.waitUntil(keepPage(data.keep, Array.isArray(data.assets) ? data.assets : []));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (!sameOrigin(request.url)) return;
  if (request.method !== "GET") {
    if (request.method === "POST") event.waitUntil(refreshLater(event.clientId).catch(() => null));
    return;  // never kept, never answered from here
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (new URL(request.url).pathname.startsWith(STATIC)) {
    event.respondWith(asset(event));
  }
});
