// The groups a framework is drawn in (rows and columns of the heat-map): its top-level provisions, except
// that a top-level provision holding most of the framework (ISO's Annex A) is split into its children, so
// no single row swallows the picture.

const SPLIT_SHARE = 0.4;

function size(node) {
  return 1 + node.children.reduce((sum, child) => sum + size(child), 0);
}

export function groupsOf(tree) {
  const groups = [];
  for (const root of tree.roots) {
    if (root.children.length > 1 && size(root) > SPLIT_SHARE * tree.size) groups.push(...root.children);
    else groups.push(root);
  }
  const groupOf = new Map();
  const assign = (node, group) => {
    groupOf.set(node.ref, group.ref);
    for (const child of node.children) assign(child, group);
  };
  for (const group of groups) assign(group, group);
  for (const root of tree.roots) if (!groupOf.has(root.ref)) groupOf.set(root.ref, root.ref);
  return { groups, groupOf };
}

export function shortTitle(node) {
  if (!node.title) return node.ref;
  const title = node.title.length > 38 ? `${node.title.slice(0, 36)}…` : node.title;
  return node.title === node.ref ? node.ref : `${node.ref} ${title}`;
}
