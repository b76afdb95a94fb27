// GraphiQL from the package, its tabs preloaded with the README's example queries (static/examples.json,
// generated from README.md by scripts/readme_examples.py; a test keeps the two equal). An API key given in
// the explorer (sessionStorage) is sent as the bearer token here too.
(async function start() {
  const key = sessionStorage.getItem("aimsgraph.apiKey");
  const headers = key ? { Authorization: `Bearer ${key}` } : {};
  const fetcher = GraphiQL.createFetcher({ url: "/graphql", headers });
  const examples = await (await fetch("/static/examples.json")).json();
  const tabs = examples.map((e) => ({
    query: `# ${e.title} (from the README)\n${e.query}`,
    variables: e.variables ? JSON.stringify(e.variables, null, 2) : undefined,
  }));
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultTabs: tabs,
      defaultEditorToolsVisibility: true,
      storage: { getItem: () => null, setItem: () => {}, removeItem: () => {}, clear: () => {}, length: 0 },
    }),
  );
})();
