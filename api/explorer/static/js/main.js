// The explorer's shell: a hash router over five views, the API key form, and a mark when a view is drawn
// (`aimsgraph:ready`, read by the browser tests to wait on and to time first paint).
import { ApiError, apiKey, forgetCached, gql, setApiKey } from "./api.js";
import { clear, message, painted, word } from "./dom.js";
import * as assets from "./view-assets.js";
import * as coverage from "./view-coverage.js";
import * as crosswalk from "./view-crosswalk.js";
import * as provisions from "./view-provisions.js";
import * as soa from "./view-soa.js";

const VIEWS = { assets, crosswalk, provisions, coverage, soa };
const DEFAULT_VIEW = "assets";
const root = document.getElementById("view");
let rendering = 0;
let routed = null;

export function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const name = VIEWS[path] ? path : DEFAULT_VIEW;
  return { name, params: Object.fromEntries(new URLSearchParams(query || "")) };
}

// Views change their state through the URL, so every state can be linked, reloaded and gone back to.
export function navigate(name, params, { replace = false } = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined));
  const hash = `#/${name}${query.toString() ? `?${query}` : ""}`;
  if (hash === location.hash) return;
  if (replace) history.replaceState(null, "", hash);
  else history.pushState(null, "", hash);
  route();
}

function ready(name) {
  painted(name);
  performance.mark("aimsgraph:ready", { detail: { view: name } });
  document.body.dataset.ready = name;
}

// Following a link fires both popstate and hashchange: the second finds the hash already routed.
async function route({ force = false } = {}) {
  if (!force && routed === location.hash) return;
  routed = location.hash;
  const { name, params } = parseHash();
  const ticket = ++rendering;
  delete document.body.dataset.ready;
  delete document.body.dataset.painted;
  document.body.dataset.route = String(ticket); // the tests wait for a new route, then for it to be ready
  performance.mark("aimsgraph:route", { detail: { view: name } });
  for (const link of document.querySelectorAll("nav a[data-view]")) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const view = VIEWS[name];
  document.title = `${view.TITLE} · aimsgraph explorer`;
  try {
    await view.render(root, params, {
      navigate: (next, options) => navigate(name, next, options),
      go: navigate,
      current: () => ticket === rendering,
    });
  } catch (error) {
    if (ticket !== rendering) return;
    const text = error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`;
    const hint = error instanceof ApiError && error.code === "UNAUTHENTICATED" ? " Enter an API key above." : "";
    clear(root, message(text + hint, "error"));
  }
  if (ticket === rendering) ready(name);
}

async function showCaller() {
  const caller = document.getElementById("caller");
  try {
    const data = await gql("{ caller { role key { id name } } }");
    const { role, key } = data.caller;
    if (key) caller.textContent = `key ${key.name || key.id} (${word(role)})`;
    else caller.textContent = role ? "anonymous (read-only)" : "anonymous: this server needs an API key";
    caller.classList.remove("error");
    return true;
  } catch (error) {
    caller.textContent = error.message;
    caller.classList.add("error");
    return false;
  }
}

function setUpAuth() {
  const form = document.getElementById("auth");
  const input = document.getElementById("api-key");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    input.value = "";
    forgetCached();
    if (await showCaller()) route({ force: true });
  });
  document.getElementById("forget-key").addEventListener("click", async () => {
    setApiKey("");
    forgetCached();
    await showCaller();
    route({ force: true });
  });
  showCaller();
}

window.addEventListener("popstate", () => route());
window.addEventListener("hashchange", () => route());
setUpAuth();
route();
