// Building the page from data without ever parsing data as HTML: text goes in through text nodes only.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function label(text, control) {
  return h("label", {}, h("span", { class: "label" }, text), control);
}

export function select(name, options, value, onchange) {
  return h(
    "select",
    { name, onchange: (event) => onchange(event.target.value) },
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
  );
}

// An enum value as the explorer shows it and styles it: GraphQL sends UPPER_SNAKE (`EXPIRED`, `AI_SYSTEM`),
// the explorer's words, classes and CSV cells are the vocabulary's lower case (`expired`, `ai_system`).
export function word(value) {
  return value == null ? value : value.toLowerCase();
}

export function statusBadge(status) {
  return h("span", { class: `badge status-${word(status)}` }, word(status));
}

export function message(text, kind = "info") {
  return h("p", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// The moment a view first shows its data (the browser tests time it from the page's start or from
// `aimsgraph:route`); the shell marks `aimsgraph:ready` when the view has finished, which is later for a view
// that draws a second layer (the crosswalk's inferred mappings).
export function painted(view) {
  if (document.body.dataset.painted === view) return;
  document.body.dataset.painted = view;
  performance.mark("aimsgraph:painted", { detail: { view } });
}
