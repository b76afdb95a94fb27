// The explorer's only way to the data: the public GraphQL API at /graphql, as any client would call it.
// An API key, when the user gives one, is kept in sessionStorage (gone with the tab) and sent as a bearer token.

const TOKEN_KEY = "aimsgraph.apiKey";
const MAX_PAGE = 500;

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "ApiError";
    this.code = code || null;
  }
}

export function apiKey() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setApiKey(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function gql(query, variables = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const token = apiKey();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new ApiError(`the server could not be reached (${error.message})`, "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`the server answered ${response.status} without JSON`, "HTTP");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError(body.errors.map((e) => e.message).join("; "), first.extensions && first.extensions.code);
  }
  return body.data;
}

// Every node of a connection, page by page: `pick` finds the connection in an answer; the query takes $after.
export async function everything(query, variables, pick) {
  const nodes = [];
  let after = null;
  for (;;) {
    const connection = pick(await gql(query, { first: MAX_PAGE, ...variables, after }));
    for (const edge of connection.edges) nodes.push(edge.node);
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
}

// Answers that do not change while the page is open (catalogs, provision trees) are asked for once.
const cache = new Map();
export function once(key, load) {
  if (!cache.has(key)) {
    const pending = load();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return cache.get(key);
}

export function forgetCached() {
  cache.clear();
}

export function frameworks() {
  return once("frameworks", async () => {
    const data = await gql("{ frameworks { id name title version binding provisionCount } }");
    return data.frameworks;
  });
}

// A framework's provisions as a tree: ref → {ref, title, kind, order, parent, children}.
export function provisionTree(framework) {
  return once(`tree:${framework}`, async () => {
    const nodes = await everything(
      `query Tree($framework: String!, $first: Int, $after: String) {
        provisions(framework: $framework, first: $first, after: $after) {
          edges { node { ref title kind order informative parent { ref } } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { framework },
      (data) => data.provisions,
    );
    const byRef = new Map(nodes.map((n) => [n.ref, { ...n, parent: n.parent && n.parent.ref, children: [] }]));
    const roots = [];
    for (const node of byRef.values()) {
      const parent = node.parent && byRef.get(node.parent);
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    const byOrder = (a, b) => a.order - b.order;
    for (const node of byRef.values()) node.children.sort(byOrder);
    roots.sort(byOrder);
    return { byRef, roots, size: byRef.size };
  });
}
