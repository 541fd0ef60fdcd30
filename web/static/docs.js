// The API page: lists each operation of /openapi.json (path, method, summary, request and
// response schemas). Builds DOM nodes with textContent only, so nothing in the description runs.
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function resolve(spec, schema, seen) {
  // Inline $refs to components (once each, against cycles).
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map((s) => resolve(spec, s, seen));
  if (typeof schema.$ref === "string" && schema.$ref.startsWith("#/components/schemas/")) {
    const name = schema.$ref.slice("#/components/schemas/".length);
    if (seen.has(name)) return { $ref: schema.$ref };
    const target = (spec.components && spec.components.schemas || {})[name];
    const next = new Set(seen);
    next.add(name);
    return resolve(spec, target, next);
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) out[key] = resolve(spec, value, seen);
  return out;
}

function schemaBlock(title, schema) {
  const details = el("details");
  details.appendChild(el("summary", title));
  details.appendChild(el("pre", JSON.stringify(schema, null, 2)));
  return details;
}

function render(spec) {
  const main = document.getElementById("operations");
  main.replaceChildren();
  for (const [path, ops] of Object.entries(spec.paths || {})) {
    for (const [method, op] of Object.entries(ops)) {
      const section = el("section", null, "op");
      const head = el("h2");
      head.appendChild(el("span", method, "method"));
      head.appendChild(el("span", path, "path"));
      section.appendChild(head);
      if (op.summary) section.appendChild(el("p", op.summary));
      if (op.description) section.appendChild(el("p", op.description.replace(/``/g, "")));
      for (const param of op.parameters || []) {
        section.appendChild(el("p", `${param.in} parameter ${param.name}` +
          (param.required ? " (required)" : "") +
          (param.description ? `: ${param.description}` : "")));
      }
      const body = op.requestBody && op.requestBody.content || {};
      for (const [type, media] of Object.entries(body)) {
        section.appendChild(schemaBlock(`request body (${type})`, resolve(spec, media.schema, new Set())));
      }
      for (const [status, response] of Object.entries(op.responses || {})) {
        const content = response.content || {};
        const types = Object.keys(content);
        if (!types.length) {
          section.appendChild(el("p", `${status}: ${response.description || ""}`));
        }
        for (const type of types) {
          const schema = content[type].schema;
          const title = `${status} ${response.description || ""} (${type})`;
          if (schema) section.appendChild(schemaBlock(title, resolve(spec, schema, new Set())));
          else section.appendChild(el("p", title));
        }
      }
      main.appendChild(section);
    }
  }
}

fetch("/openapi.json")
  .then((response) => response.json())
  .then(render)
  .catch((error) => {
    const main = document.getElementById("operations");
    main.replaceChildren(el("p", `Could not read /openapi.json: ${error}`));
  });
