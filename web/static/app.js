// rulepath workbench: a one-page app over the local JSON API (no build step, no external
// assets). The case being worked on lives in sessionStorage; every page reads it from there.

// ---------------------------------------------------------------------------------------------
// small helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'selected') { el.defaultSelected = true; el.selected = true; }
    else if (['value', 'checked', 'disabled', 'open', 'hidden'].includes(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function put(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

function todayISO() {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 10);
}

const words = (s) => String(s).replace(/_/g, ' ');

function show(v) {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  if (v === null) return 'none';
  if (v === undefined) return 'unknown';
  if (Array.isArray(v)) return v.length ? v.map(words).join(', ') : '(none of them)';
  if (typeof v === 'object') return JSON.stringify(v);
  return words(v);
}

function cite(c) {
  if (!c) return null;
  return h('span', { class: 'cite', title: 'cite' }, c);
}

function badge(text, kind) {
  return h('span', { class: `badge ${kind || words(text).replace(/\s+/g, '-')}` }, text);
}

const OUTPUT_WORDS = {
  governs: 'whether the rule governs the motion',
  route: 'which route the motion takes',
  ready_for_hearing: 'whether the motion is ready for hearing',
  readiness: 'why it is (or is not) ready for hearing',
  defect: 'the defects found',
  recommended: 'the recommended disposition',
  consistent: 'the dispositions open to the court',
  option: "the court's options",
  cure: 'what cures a defect',
  sanction: 'the sanction exposure',
  next_step: 'the next steps',
  met: 'which requirements are met',
  req: 'which requirements apply',
  excused: 'which requirements are excused',
  exception: 'whether an exception applies',
  exception_fails: 'why an exception fails',
  deadline: 'the deadlines',
  deadline_applies: 'which deadlines apply',
  may_drop: 'whether the court may drop the hearing',
};
function outputWords(o) {
  if (OUTPUT_WORDS[o]) return OUTPUT_WORDS[o];
  const m = /^(\w+)\((.*)\)$/.exec(String(o));
  if (m) return `${(OUTPUT_WORDS[m[1]] || words(m[1])).replace(/^(the|whether|which|why|what) /, '')}: ${words(m[2]).replace(/,/g, ', ')}`;
  return words(o);
}

// Outputs as one phrase, those of one name together: "which route the motion takes (joint
// statement or waived); which deadlines apply (hearing notice or joint statement due)".
function outputsPhrase(list) {
  const groups = new Map();
  for (const o of list) {
    const m = /^(\w+)\((.*)\)$/.exec(String(o));
    const name = m ? m[1] : String(o);
    if (!groups.has(name)) groups.set(name, []);
    if (m) groups.get(name).push(words(m[2]).replace(/,/g, ', '));
  }
  return [...groups].map(([name, args]) => {
    const what = OUTPUT_WORDS[name] || words(name);
    return args.length ? `${what} (${args.join(' or ')})` : what;
  }).join('; ');
}

// ---------------------------------------------------------------------------------------------
// the API

class ApiError extends Error {
  constructor(message, field, status) {
    super(message);
    this.field = field || null;
    this.status = status;
  }
}

async function api(path, body, as = 'json') {
  const init = body === undefined ? { method: 'GET' }
    : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  let resp;
  try {
    resp = await fetch(path, init);
  } catch (e) {
    throw new ApiError(`The server did not answer (${e.message}).`, null, 0);
  }
  if (!resp.ok) {
    let msg = `${resp.status} ${resp.statusText}`;
    let field = null;
    try {
      const j = await resp.json();
      if (j && j.error) { msg = j.error.message || msg; field = j.error.field; }
      else if (j && j.detail) msg = typeof j.detail === 'string' ? j.detail : JSON.stringify(j.detail);
    } catch (e) { /* not JSON */ }
    throw new ApiError(msg, field, resp.status);
  }
  return as === 'text' ? resp.text() : resp.json();
}

let packsCache = null;
async function getPacks() {
  if (!packsCache) packsCache = await api('/api/packs');
  return packsCache;
}
const schemaCache = {};
async function getSchema(pack) {
  if (!schemaCache[pack]) schemaCache[pack] = await api(`/api/schema?pack=${encodeURIComponent(pack)}`);
  return schemaCache[pack];
}

// the description of a dotted field path in a pack's case schema
function schemaNode(schema, node) {
  let n = node;
  for (let i = 0; n && i < 8; i++) {
    if (n.$ref) { n = schema.$defs[n.$ref.split('/').pop()]; continue; }
    if (n.anyOf) { n = n.anyOf.find((a) => a.type !== 'null') || n.anyOf[0]; continue; }
    break;
  }
  return n;
}
function fieldDescription(schema, path) {
  if (!schema) return null;
  let node = schema;
  let desc = null;
  for (const part of path.split('.')) {
    node = schemaNode(schema, node);
    if (!node || !node.properties || !node.properties[part]) return desc;
    desc = node.properties[part].description || desc;
    node = node.properties[part];
  }
  return desc;
}
function enumOf(schema, defName, prop) {
  const def = schema && schema.$defs && schema.$defs[defName];
  if (!def || !def.properties || !def.properties[prop]) return null;
  const n = def.properties[prop];
  if (n.enum) return n.enum;
  for (const a of n.anyOf || []) if (a.enum) return a.enum;
  return null;
}

// ---------------------------------------------------------------------------------------------
// the state kept in the browser

const store = {
  get(key, dflt) {
    try {
      const v = sessionStorage.getItem(`rulepath.${key}`);
      return v === null ? dflt : JSON.parse(v);
    } catch (e) { return dflt; }
  },
  set(key, v) {
    if (v === undefined || v === null) sessionStorage.removeItem(`rulepath.${key}`);
    else sessionStorage.setItem(`rulepath.${key}`, JSON.stringify(v));
  },
};
const getCase = () => store.get('case', null);
const setCase = (c) => { store.set('case', c); renderCurrentCase(); };
const getSkip = () => store.get('skip', []);
const getHistory = () => store.get('history', []);

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null || Array.isArray(o[p])) o[p] = {};
    o = o[p];
  }
  o[parts[parts.length - 1]] = value;
}
function getPath(obj, path) {
  let o = obj;
  for (const p of path.split('.')) {
    if (o === null || typeof o !== 'object' || !(p in o)) return undefined;
    o = o[p];
  }
  return o;
}
function deletePath(obj, path) {
  const parts = path.split('.');
  const chain = [obj];
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (o === null || typeof o !== 'object' || !(p in o)) return;
    o = o[p];
    chain.push(o);
  }
  if (o && typeof o === 'object') delete o[parts[parts.length - 1]];
  // drop the objects left empty
  for (let i = parts.length - 2; i >= 0; i--) {
    const parent = chain[i];
    const child = parent[parts[i]];
    if (child && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0) delete parent[parts[i]];
    else break;
  }
}

function newCase({ pack, caption, asOf, version }) {
  const c = { format: 'rulepath/case-1', rule: pack };
  if (asOf) c.as_of = asOf;
  if (version) c.rule_version = version;
  if (caption) c.caption = caption;
  return c;
}

// the case with the order kept beside it (the order page keeps it separately)
function fullCase() {
  const c = getCase();
  if (!c) return null;
  const order = store.get('order', null);
  return order ? { ...c, order } : c;
}

function adoptCase(parsed) {
  const c = { ...parsed };
  if (c.order) store.set('order', c.order); else store.set('order', null);
  delete c.order;
  store.set('skip', []);
  store.set('history', []);
  setCase(c);
}

// ---------------------------------------------------------------------------------------------
// messages

const messageBox = () => document.getElementById('message');

function clearMessage() {
  const m = messageBox();
  m.hidden = true;
  put(m, );
  document.querySelectorAll('.field-error').forEach((e) => e.remove());
  document.querySelectorAll('[aria-invalid="true"]').forEach((e) => e.removeAttribute('aria-invalid'));
}

function showError(err, scope) {
  const m = messageBox();
  const field = err && err.field;
  m.className = 'message error';
  put(m, 
    h('strong', {}, 'Error'), ' ',
    field ? h('code', {}, field) : null, field ? ': ' : null,
    err && err.message ? err.message : String(err),
    h('button', { type: 'button', class: 'link dismiss', 'aria-label': 'Dismiss the message', onclick: clearMessage }, '×'),
  );
  m.hidden = false;
  if (field) {
    const root = scope || document.getElementById('main');
    const names = [field, field.replace(/^case\./, ''), field.replace(/^order\./, '')];
    let target = null;
    for (const n of names) {
      target = root.querySelector(`[data-field="${CSS.escape(n)}"]`);
      if (target) break;
    }
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      target.append(h('p', { class: 'field-error', role: 'alert' }, err.message));
    }
  }
}

function showNote(text) {
  const m = messageBox();
  m.className = 'message note';
  put(m, text, h('button', { type: 'button', class: 'link dismiss', 'aria-label': 'Dismiss the message', onclick: clearMessage }, '×'));
  m.hidden = false;
}

function renderCurrentCase() {
  const el = document.getElementById('current-case');
  if (!el) return;
  const c = getCase();
  if (!c) { put(el, h('span', { class: 'muted' }, 'No case yet')); return; }
  put(el, 
    h('span', { class: 'case-caption' }, c.caption || 'Untitled case'), ' ',
    h('span', { class: 'muted' }, [c.rule || 'default pack', c.rule_version ? `v${c.rule_version}` : null, c.as_of ? `as of ${c.as_of}` : null].filter(Boolean).join(' · ')),
  );
}

// ---------------------------------------------------------------------------------------------
// shared widgets

function packSelect(packs, selected, attrs = {}) {
  return h('select', attrs, packs.packs.map((p) => h('option', { value: p.id, selected: p.id === selected }, `${p.title} (${p.id})`)));
}

function versionInForce(pack, asOf) {
  let best = null;
  for (const v of pack.versions) if (!asOf || v.in_force_from <= asOf) best = v.id;
  return best;
}

function labelled(label, control, hint) {
  const id = control.id || nextId('f');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint' }, hint) : null);
}

function needCase(main, what) {
  put(main, h('section', { class: 'card' },
    h('h1', {}, what),
    h('p', {}, 'There is no case yet. ', h('a', { href: '#/interview' }, 'Start a case in the interview'),
      ' or ', h('a', { href: '#/files' }, 'upload a case file'), '.')));
}

function table(headers, rows, cls) {
  return h('table', { class: cls || 'grid' },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

function download(name, content, type) {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'download-link' }, `Download ${name}`);
  return { a, url };
}

function readFileText(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new Error(`Could not read ${file.name}`));
    r.readAsText(file);
  });
}

async function parseUploaded(file) {
  const text = await readFileText(file);
  const format = /\.json$/i.test(file.name) || /^\s*\{/.test(text) ? 'json' : 'yaml';
  const out = await api('/api/case/parse', { text, format });
  return out.case;
}

// ---------------------------------------------------------------------------------------------
// (a) the interview

let editing = null; // the index in the history of an answer being changed

function startForm(packs, { compact } = {}) {
  const c = getCase();
  const packSel = packSelect(packs, (c && c.rule) || packs.default, { name: 'pack', id: 'start-pack' });
  const verSel = h('select', { name: 'version', id: 'start-version' });
  const fillVersions = () => {
    const p = packs.packs.find((x) => x.id === packSel.value);
    put(verSel, h('option', { value: '' }, 'The version in force on that date'),
      p.versions.map((v) => h('option', { value: v.id }, `${v.id} (in force from ${v.in_force_from})`)));
  };
  packSel.addEventListener('change', fillVersions);
  fillVersions();
  const caption = h('input', { type: 'text', name: 'caption', id: 'start-caption', placeholder: 'e.g. Martinez v. Smith', autocomplete: 'off' });
  const asOf = h('input', { type: 'date', name: 'as_of', id: 'start-as-of', value: todayISO(), required: true });
  const form = h('form', { class: 'start-form', id: 'start-form', 'aria-labelledby': 'start-title' },
    h('h2', { id: 'start-title' }, compact ? 'Start another case' : 'Start a case'),
    !compact ? h('p', { class: 'lead' }, 'Answer one question at a time. Only the questions whose answer can still change the outcome are asked, the most decisive first.') : null,
    h('div', { class: 'row' },
      h('div', { 'data-field': 'rule' }, labelled('Rule pack', packSel)),
      h('div', { 'data-field': 'caption' }, labelled('Caption', caption)),
      h('div', { 'data-field': 'as_of' }, labelled('Date of the decision (as of)', asOf)),
      h('div', { 'data-field': 'rule_version' }, labelled('Rule version', verSel))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'start-button' }, 'Start the interview')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearMessage();
    if (compact && !window.confirm('Start a new case? The answers so far are dropped.')) return;
    store.set('skip', []);
    store.set('history', []);
    store.set('order', null);
    editing = null;
    setCase(newCase({ pack: packSel.value, caption: caption.value.trim(), asOf: asOf.value, version: verSel.value }));
    render();
  });
  return form;
}

function questionInput(q, current) {
  const name = 'answer';
  const box = h('div', { class: 'answer-input', 'data-field': q.field });
  const radio = (value, label, checked) => {
    const id = nextId('a');
    return h('div', { class: 'choice' },
      h('input', { type: 'radio', name, id, value, checked }),
      h('label', { for: id }, label));
  };
  const isNull = current === null;
  if (q.type === 'bool') {
    box.append(h('fieldset', { class: 'choices inline' }, h('legend', { class: 'sr-only' }, 'Your answer'),
      radio('true', 'Yes', current === true), radio('false', 'No', current === false),
      radio('__unknown__', 'Unknown', false)));
  } else if (q.type === 'enum') {
    const vals = q.values || [];
    box.append(h('fieldset', { class: 'choices' }, h('legend', { class: 'sr-only' }, 'Your answer'),
      vals.map((v) => radio(v, words(v), current === v)),
      q.nullable ? radio('__null__', 'None', isNull) : null));
  } else if (q.type === 'set') {
    const have = Array.isArray(current) ? current : [];
    const vals = q.values || [];
    box.append(h('fieldset', { class: 'choices' }, h('legend', { class: 'sr-only' }, 'Tick all that apply (none ticked: none of them)'),
      vals.map((v) => {
        const id = nextId('a');
        return h('div', { class: 'choice' }, h('input', { type: 'checkbox', name, id, value: v, checked: have.includes(v) }), h('label', { for: id }, words(v)));
      })));
    const extra = have.filter((v) => !vals.includes(v));
    const other = h('input', { type: 'text', name: 'answer-other', value: extra.join(', '), autocomplete: 'off' });
    box.append(labelled('Others (comma-separated)', other, q.pattern ? `Members beyond those listed: ${q.pattern}` : 'Optional.'));
  } else if (q.type === 'date') {
    const d = h('input', { type: 'date', name, value: typeof current === 'string' ? current : '' });
    box.append(labelled('Date', d));
    if (q.nullable) {
      const id = nextId('a');
      box.append(h('div', { class: 'choice' }, h('input', { type: 'checkbox', name: 'answer-none', id, checked: isNull }), h('label', { for: id }, 'None (there is no such date)')));
    }
  } else if (q.type === 'count' || q.type === 'int' || q.type === 'number') {
    const n = h('input', { type: 'number', name, step: '1', min: q.type === 'count' ? '0' : null, value: typeof current === 'number' ? String(current) : '', inputmode: 'numeric' });
    box.append(labelled('Number', n));
    if (q.nullable) {
      const id = nextId('a');
      box.append(h('div', { class: 'choice' }, h('input', { type: 'checkbox', name: 'answer-none', id, checked: isNull }), h('label', { for: id }, 'None')));
    }
  } else {
    box.append(labelled('Answer', h('input', { type: 'text', name, value: current === undefined || current === null ? '' : String(current) })));
  }
  return box;
}

// the value the form holds; undefined for "unknown"; throws with nothing chosen
function readAnswer(form, q) {
  const none = form.querySelector('[name="answer-none"]');
  if (none && none.checked) return null;
  if (q.type === 'bool' || q.type === 'enum') {
    const r = form.querySelector('input[name="answer"]:checked');
    if (!r) throw new Error('Choose an answer, or press "I don\'t know".');
    if (r.value === '__unknown__') return undefined;
    if (r.value === '__null__') return null;
    if (q.type === 'bool') return r.value === 'true';
    return r.value;
  }
  if (q.type === 'set') {
    const vals = [...form.querySelectorAll('input[name="answer"]:checked')].map((x) => x.value);
    const other = form.querySelector('[name="answer-other"]');
    if (other && other.value.trim()) vals.push(...other.value.split(',').map((s) => s.trim()).filter(Boolean));
    return vals;
  }
  const input = form.querySelector('[name="answer"]');
  const v = input.value.trim();
  if (!v) throw new Error('Give an answer, or press "I don\'t know".');
  if (q.type === 'count' || q.type === 'int' || q.type === 'number') {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error('Give a whole number.');
    return n;
  }
  return v;
}

function whyList(q) {
  const changes = q.changes || [];
  return h('details', { class: 'why', id: 'why' },
    h('summary', {}, 'Why is this asked?'),
    h('div', { class: 'why-body' },
      changes.length
        ? h('p', {}, 'Your answer can change ', outputsPhrase(changes), '.')
        : h('p', {}, 'Your answer can change a presumption the decision rests on.'),
      (q.answers || []).length ? h('ul', { class: 'answer-effects' }, q.answers.map((a) => h('li', {},
        h('strong', {}, `If ${show(a.value)}: `),
        (a.changes || []).length ? `changes ${outputsPhrase(a.changes)}` : 'changes nothing of interest'))) : null,
      (q.needs || []).length ? h('p', { class: 'hint' }, 'It is measured against ', q.needs.join(', '), ', asked afterwards.') : null,
      h('p', { class: 'hint' }, 'Case field: ', h('code', {}, q.field))));
}

function questionForm(q, { current, mode, onAnswer, onUnknown, onBack, canBack, onCancel }) {
  const titleId = nextId('q');
  const form = h('form', { class: 'question card', 'data-question': q.field, 'data-type': q.type, 'aria-labelledby': titleId, novalidate: true },
    h('p', { class: 'eyebrow' }, mode === 'edit' ? 'Change your answer' : 'Question',
      q.type === 'bool' ? ' — is this so in the case?' : ''),
    h('h2', { id: titleId, class: 'question-text' }, q.text || words(q.field)),
    questionInput(q, current),
    whyList(q),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'answer-button' }, 'Answer'),
      h('button', { type: 'button', id: 'unknown-button', onclick: onUnknown }, "I don't know"),
      mode === 'edit'
        ? h('button', { type: 'button', id: 'cancel-button', onclick: onCancel }, 'Cancel')
        : h('button', { type: 'button', id: 'back-button', onclick: onBack, disabled: !canBack }, 'Back')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearMessage();
    let v;
    try { v = readAnswer(form, q); } catch (err) { showError({ message: err.message, field: q.field }, form); return; }
    if (v === undefined) onUnknown(); else onAnswer(v);
  });
  return form;
}

function summaryPanel(decision, open) {
  const d = decision || {};
  const ready = d.ready_for_hearing;
  const readyText = ready === true ? 'Ready for hearing' : ready === false ? 'Not ready for hearing' : 'Readiness undetermined';
  return h('aside', { class: 'summary card', 'aria-labelledby': 'summary-title', 'aria-live': 'polite' },
    h('h2', { id: 'summary-title' }, 'The decision so far'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Rule governs'), h('dd', {}, d.governs === undefined || d.governs === null ? 'undetermined' : show(d.governs)),
      h('dt', {}, 'Route'), h('dd', { id: 'summary-route' }, d.route ? words(d.route) : 'undetermined'),
      h('dt', {}, 'Hearing'), h('dd', { id: 'summary-ready' }, h('span', { class: `pill ${ready === true ? 'ok' : ready === false ? 'bad' : 'open'}` }, readyText),
        d.readiness ? h('span', { class: 'small' }, ' ', d.readiness.text, ' ', cite(d.readiness.cite)) : null),
      h('dt', {}, 'Recommended'), h('dd', {}, d.disposition && d.disposition.recommended ? words(d.disposition.recommended) : 'undetermined'),
      h('dt', {}, 'Defects'), h('dd', {}, (d.defects || []).length ? h('ul', { class: 'plain' }, d.defects.map((x) => h('li', {}, badge(x.force), ' ', x.text, ' ', cite(x.cite)))) : 'none found')),
    (open || []).length ? h('details', { class: 'small open-list' }, h('summary', {}, `${open.length} outcome${open.length > 1 ? 's' : ''} still open`),
      h('ul', {}, open.map((o) => h('li', {}, outputWords(o))))) : h('p', { class: 'small' }, 'Every outcome is determined.'),
    h('p', {}, h('a', { href: '#/decision' }, 'The full decision →')));
}

function answersList(history, schema, onEdit) {
  if (!history.length) return h('section', { class: 'answers card', 'aria-labelledby': 'answers-title' }, h('h2', { id: 'answers-title' }, 'Answers so far'), h('p', { class: 'muted' }, 'None yet.'));
  return h('section', { class: 'answers card', 'aria-labelledby': 'answers-title' },
    h('h2', { id: 'answers-title' }, 'Answers so far'),
    h('ol', { class: 'answer-list', id: 'answer-list' }, history.map((e, i) => h('li', { 'data-answer': e.field },
      h('button', { type: 'button', class: 'link edit-answer', onclick: () => onEdit(i), title: 'Change this answer' },
        h('span', { class: 'q' }, e.question.text || fieldDescription(schema, e.field) || e.field),
        h('span', { class: e.kind === 'skip' ? 'a unknown' : 'a' }, e.kind === 'skip' ? "I don't know" : show(e.value)))))));
}

async function renderInterview(main, token) {
  const packs = await getPacks();
  const c = getCase();
  if (!c) {
    put(main, h('div', { class: 'page interview' }, h('h1', {}, 'Interview'), h('section', { class: 'card' }, startForm(packs))));
    document.getElementById('start-caption').focus();
    return;
  }
  const skip = getSkip();
  const history = getHistory();
  let res;
  try {
    res = await api('/api/questions', { case: c, skip, defaults: true });
  } catch (err) {
    if (token !== renderToken) return;
    put(main, h('div', { class: 'page interview' }, h('h1', {}, 'Interview'),
      h('section', { class: 'card' }, h('p', {}, 'The case could not be decided as it stands.'),
        history.length ? h('button', { type: 'button', onclick: () => undo() }, 'Back (undo the last answer)') : null),
      h('section', { class: 'card' }, startForm(packs, { compact: true }))));
    showError(err);
    return;
  }
  if (token !== renderToken) return;
  let schema = null;
  try { schema = await getSchema(c.rule || packs.default); } catch (e) { /* labels fall back to paths */ }

  const save = (cs, sk, hi) => { store.set('skip', sk); store.set('history', hi); setCase(cs); };
  const undo = () => {
    const hi = getHistory();
    const last = hi.pop();
    if (!last) return;
    const cs = getCase();
    let sk = getSkip();
    if (last.kind === 'skip') sk = sk.filter((f) => f !== last.field);
    else if ('prev' in last && last.prev !== undefined) setPath(cs, last.field, last.prev);
    else deletePath(cs, last.field);
    save(cs, sk, hi);
    editing = null;
    render();
  };

  let left;
  if (editing !== null && history[editing]) {
    const entry = history[editing];
    left = questionForm(entry.question, {
      current: entry.kind === 'skip' ? undefined : entry.value,
      mode: 'edit',
      onAnswer: (v) => {
        const cs = getCase(); const hi = getHistory();
        hi[editing] = { ...hi[editing], kind: 'answer', value: v };
        setPath(cs, entry.field, v);
        save(cs, getSkip().filter((f) => f !== entry.field), hi);
        editing = null; render();
      },
      onUnknown: () => {
        const cs = getCase(); const hi = getHistory();
        hi[editing] = { ...hi[editing], kind: 'skip', value: undefined };
        deletePath(cs, entry.field);
        const sk = getSkip().filter((f) => f !== entry.field); sk.push(entry.field);
        save(cs, sk, hi);
        editing = null; render();
      },
      onCancel: () => { editing = null; render(); },
    });
  } else if (res.questions && res.questions.length) {
    const q = res.questions[0];
    left = questionForm(q, {
      current: getPath(c, q.field),
      canBack: history.length > 0,
      onAnswer: (v) => {
        const cs = getCase(); const hi = getHistory();
        const prev = getPath(cs, q.field);
        hi.push({ field: q.field, question: q, kind: 'answer', value: v, prev });
        setPath(cs, q.field, v);
        save(cs, getSkip(), hi); render();
      },
      onUnknown: () => {
        const hi = getHistory(); const sk = getSkip();
        hi.push({ field: q.field, question: q, kind: 'skip' });
        sk.push(q.field);
        save(getCase(), sk, hi); render();
      },
      onBack: undo,
    });
  } else {
    left = h('section', { class: 'card done', id: 'interview-done', 'aria-labelledby': 'done-title' },
      h('h2', { id: 'done-title' }, 'Nothing more can change the outcome.'),
      h('p', {}, 'No answer to a further question would change the route, the readiness, the defects, the deadlines or the sanction exposure.'),
      h('div', { class: 'actions' },
        h('a', { class: 'button primary', href: '#/decision', id: 'to-decision' }, 'See the decision'),
        h('button', { type: 'button', id: 'back-button', onclick: undo, disabled: !history.length }, 'Back')));
  }
  const remaining = (res.questions || []).length;
  put(main, h('div', { class: 'page interview' },
    h('h1', {}, 'Interview', c.caption ? h('span', { class: 'h-sub' }, ` — ${c.caption}`) : null),
    h('div', { class: 'two-col' },
      h('div', { class: 'col-main' }, left,
        remaining > 1 && editing === null ? h('p', { class: 'small muted' }, `${remaining - 1} more question${remaining > 2 ? 's' : ''} could still matter after this one.`) : null,
        answersList(history, schema, (i) => { editing = i; render(); })),
      h('div', { class: 'col-side' }, summaryPanel(res.decision, res.open),
        h('details', { class: 'card new-case' }, h('summary', {}, 'Start another case'), startForm(packs, { compact: true }))))));
  const first = main.querySelector('.question input:not([type=hidden]), .question select, #to-decision');
  if (first) first.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// (b) the decision

function section(title, id, ...body) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...body);
}

function decisionView(d) {
  const ready = d.ready_for_hearing;
  const out = [];
  out.push(h('section', { class: 'card headline', id: 'decision-headline', 'aria-label': 'Outcome' },
    h('div', { class: 'headline-grid' },
      h('div', {}, h('p', { class: 'eyebrow' }, 'Route'), h('p', { class: 'big', id: 'decision-route' }, d.route ? words(d.route) : (d.governs === false ? 'not governed' : 'undetermined'))),
      h('div', {}, h('p', { class: 'eyebrow' }, 'Hearing'), h('p', { class: 'big', id: 'decision-ready' },
        h('span', { class: `pill ${ready === true ? 'ok' : ready === false ? 'bad' : 'open'}` }, ready === true ? 'Ready for hearing' : ready === false ? 'Not ready for hearing' : 'Undetermined'))),
      h('div', {}, h('p', { class: 'eyebrow' }, 'Recommended disposition'), h('p', { class: 'big' }, d.disposition && d.disposition.recommended ? words(d.disposition.recommended) : 'undetermined'))),
    d.readiness ? h('p', { id: 'decision-readiness' }, d.readiness.text, ' ', cite(d.readiness.cite)) : null,
    h('p', { class: 'small' }, `Rule ${d.rule ? d.rule.pack : ''} version ${d.rule ? d.rule.version : ''}`,
      d.rule && d.rule.overlays && d.rule.overlays.length ? ` with ${d.rule.overlays.join(', ')}` : '', ` · as of ${d.as_of || '—'}`,
      d.governs === true ? ' · the rule governs the motion' : d.governs === false ? ' · the rule does not govern the motion' : ''),
    d.disposition && (d.disposition.consistent || []).length ? h('p', { class: 'small' }, 'Dispositions consistent with the rule: ', d.disposition.consistent.map(words).join(', ')) : null));

  if ((d.conflicts || []).length) {
    out.push(section('Conflicts', 'conflicts', h('ul', {}, d.conflicts.map((x) => h('li', {}, h('strong', {}, x.conclusion), ': ', (x.rules || []).map((r) => h('span', {}, `${r.value} by ${r.rule} `, cite(r.cite), '; ')))))));
  }
  out.push(section('Defects', 'defects', (d.defects || []).length
    ? h('ul', { class: 'items' }, d.defects.map((x) => h('li', {}, badge(x.force), ' ', x.text || words(x.id), ' ', cite(x.cite))))
    : h('p', { class: 'muted' }, 'No defect.'),
    h('p', { class: 'hint' }, 'Force: a bar or an order makes the motion not ready for hearing; discretion leaves it to the court; calendar concerns the hearing date.')));
  out.push(section('Requirements', 'requirements', (d.requirements || []).length ? table(['Requirement', 'Status', 'Force', 'Cite'],
    d.requirements.map((r) => [words(r.id), badge(r.status), badge(r.force), cite(r.cite)])) : h('p', { class: 'muted' }, 'None apply.')));
  if ((d.exceptions || []).length) {
    out.push(section('Exceptions', 'exceptions', h('ul', { class: 'items' }, d.exceptions.map((x) => h('li', {},
      h('strong', {}, words(x.id)), ' ', badge(x.applies === true ? 'applies' : x.applies === false ? 'does not apply' : 'undetermined'), ' ', x.because || '', ' ', cite(x.cite))))));
  }
  const disc = d.discretion || {};
  const opts = disc.options || [];
  const cures = disc.cures || [];
  out.push(section("The court's options and cures", 'options',
    opts.length ? h('div', {}, h('h3', {}, 'Options'), table(['Option', 'For', 'Date', 'Cite'],
      opts.map((o) => [h('span', {}, h('strong', {}, words(o.option)), h('br'), o.text || ''), o.for ? words(o.for) : '—', o.date || (o.deadline ? words(o.deadline) : '—'), cite(o.cite)]))) : h('p', { class: 'muted' }, 'No option is recorded.'),
    cures.length ? h('div', {}, h('h3', {}, 'Cures'), table(['Cure', 'Requirement', 'By', 'Cite'],
      cures.map((o) => [h('span', {}, h('strong', {}, words(o.action)), h('br'), o.text || ''), words(o.requirement), o.by || (o.deadline ? `${words(o.deadline)} (date not known)` : '—'), cite(o.cite)]))) : null));
  out.push(section('Deadlines', 'deadlines', (d.deadlines || []).length ? table(['Deadline', 'Date', 'Rule', 'Status', 'Cite'],
    d.deadlines.map((x) => [words(x.id), x.date || 'not known',
      `${x.event || ''} ${x.days} ${words(x.unit || '')} ${x.direction || ''} ${x.counted_from || ''}`.trim(), badge(x.status || 'unknown'), cite(x.cite)])) : h('p', { class: 'muted' }, 'None.')));
  out.push(section('Sanction exposure', 'sanctions', (d.sanctions || []).length ? h('ul', { class: 'items' }, d.sanctions.map((s) => h('li', {},
    badge(s.force || (s.discretionary ? 'discretion' : 'mandatory')), ' ', h('strong', {}, `Against ${words(s.against)}`), ` (${words(s.ground)}): `, s.text || '', ' ', cite(s.cite)))) : h('p', { class: 'muted' }, 'None.')));
  out.push(section('Next steps', 'next-steps', (d.next_steps || []).length ? h('ol', { class: 'items' }, d.next_steps.map((s) => h('li', {},
    h('strong', {}, words(s.who)), ': ', s.action, ' ', cite(s.cite)))) : h('p', { class: 'muted' }, 'None.')));
  out.push(section('Presumptions', 'assumed', h('p', { class: 'hint' }, 'Unknown facts the rule fills by a presumption. They are not facts of the case: state the fact to defeat one.'),
    (d.assumed || []).length ? h('ul', { class: 'items' }, d.assumed.map((a) => h('li', { class: 'presumption' },
      badge('PRESUMED', 'presumed'), ' ', h('code', {}, a.fact), ' — ', words(a.id), a.in_every_completion === false ? ' (only where the unknown facts go one way)' : '', ' ', cite(a.cite)))) : h('p', { class: 'muted' }, 'None.')));
  out.push(section('Undetermined', 'undetermined', (d.undetermined || []).length ? h('ul', { class: 'items' }, d.undetermined.map((u) => h('li', {},
    h('code', {}, u.conclusion), ' depends on ', (u.depends_on || []).map((f, i) => [i ? ', ' : '', h('code', {}, f)])))) : h('p', { class: 'muted' }, 'Nothing: every output is determined.')));
  return out;
}

function explainSuggestions(d) {
  const s = new Set(['ready_for_hearing(true)', 'ready_for_hearing(false)']);
  if (d.route) s.add(`route(${d.route})`);
  for (const r of d.requirements || []) { s.add(`unmet(${r.id})`); s.add(`req(${r.id})`); }
  if (d.disposition && d.disposition.recommended) s.add(`recommended(${d.disposition.recommended})`);
  for (const x of d.disposition && d.disposition.consistent || []) s.add(`consistent(${x})`);
  for (const x of d.exceptions || []) s.add(`exception(${x.id})`);
  return [...s];
}

function treeNode(n, depth) {
  const head = [h('span', { class: 'conclusion' }, n.conclusion || n.term || '?'), ' ', cite(n.cite)];
  if (n.fact) head.push(' ', h('span', { class: 'fact' }, h('code', {}, n.fact), n.value !== undefined ? ` = ${n.value}` : ''));
  const pres = n.presumed || n.assumed;
  if (pres) head.push(' ', badge('PRESUMED', 'presumed'), ' ', h('span', { class: 'small' }, typeof pres === 'object' ? `${words(pres.id || '')} ` : ''), typeof pres === 'object' ? cite(pres.cite) : null);
  if (n.undetermined) head.push(' ', badge('in some completions only', 'open'));
  if (n.depends_on && n.depends_on.length) head.push(' ', h('span', { class: 'small' }, 'depends on ', n.depends_on.join(', ')));
  if (n.by_cases) head.push(' ', badge('by cases', 'note'));
  if (n.jointly) head.push(' ', badge('jointly', 'note'));
  if (n.no_rule) head.push(' ', badge('no rule concludes it', 'note'));
  if (n.truncated) head.push(' ', badge('cut', 'note'));
  if (n.holds !== undefined) head.push(' ', badge(n.holds ? 'holds' : 'does not hold', n.holds ? 'met' : 'unmet'));
  if (n.see) head.push(' ', h('span', { class: 'small' }, `see ${n.see}`));
  const kids = n.because || [];
  if (!kids.length) return h('li', { class: 'leaf' }, head);
  return h('li', {}, h('details', { open: depth < 3 }, h('summary', {}, head), h('ul', { class: 'tree' }, kids.map((k) => treeNode(k, depth + 1)))));
}

function explainPanel(c, d) {
  const listId = nextId('dl');
  const mode = h('select', { name: 'mode', id: 'explain-mode' }, h('option', { value: 'why' }, 'Why does … hold?'), h('option', { value: 'why_not' }, 'Why does … not hold?'));
  const atom = h('input', { type: 'text', name: 'atom', id: 'explain-atom', list: listId, placeholder: 'default: ready_for_hearing', autocomplete: 'off' });
  const treeBox = h('div', { class: 'tree-box', id: 'explain-tree', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading the explanation…'));
  const load = async (body) => {
    put(treeBox, h('p', { class: 'muted' }, 'Loading the explanation…'));
    try {
      const t = await api('/api/explain', body);
      const root = t && t.format && t.explanation ? t.explanation : t;
      put(treeBox, h('ul', { class: 'tree root' }, treeNode(root, 0)));
    } catch (err) {
      put(treeBox, h('p', { class: 'muted' }, 'No explanation.'));
      showError(err, form);
    }
  };
  const form = h('form', { class: 'explain-form', id: 'explain-form' },
    h('div', { class: 'row' }, labelled('Question', mode), h('div', { 'data-field': 'why', class: 'grow' }, labelled('Conclusion', atom, 'e.g. route(joint_statement), unmet(conference)')),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Explain'), h('button', { type: 'button', onclick: () => { atom.value = ''; load({ case: c }); } }, 'Default'))),
    h('datalist', { id: listId }, explainSuggestions(d).map((x) => h('option', { value: x }))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearMessage();
    const v = atom.value.trim();
    const body = { case: c };
    if (v) body[mode.value] = v;
    load(body);
  });
  load({ case: c });
  return h('section', { class: 'card', id: 'explanation', 'aria-labelledby': 'explanation-title' },
    h('h2', { id: 'explanation-title' }, 'Explanation'),
    h('p', { class: 'hint' }, 'Every step is cited. Open a step to see what it rests on.'),
    form, treeBox,
    h('div', { class: 'actions no-print' },
      h('button', { type: 'button', onclick: () => treeBox.querySelectorAll('details').forEach((x) => { x.open = true; }) }, 'Expand all'),
      h('button', { type: 'button', onclick: () => treeBox.querySelectorAll('details').forEach((x) => { x.open = false; }) }, 'Collapse all')));
}

function sanitizeSvg(svg) {
  svg.querySelectorAll('script, foreignObject').forEach((x) => x.remove());
  for (const el of [svg, ...svg.querySelectorAll('*')]) {
    for (const a of [...el.attributes]) {
      if (a.name === 'style' || a.name.startsWith('on')) el.removeAttribute(a.name);
      if ((a.name === 'href' || a.name === 'xlink:href') && /^\s*javascript:/i.test(a.value)) el.removeAttribute(a.name);
    }
  }
}

function graphPanel(c) {
  let pathView = true;
  let vb = null; let vb0 = null;
  const stage = h('div', { class: 'graph-stage', id: 'graph-stage', tabindex: '0', role: 'img', 'aria-label': 'The case graph. Arrow keys pan, + and - zoom, 0 resets.' },
    h('p', { class: 'muted' }, 'Drawing the graph…'));
  const toggle = h('button', { type: 'button', id: 'graph-toggle', 'aria-pressed': 'false' }, 'Show the full case graph');
  const applyVb = () => { const svg = stage.querySelector('svg'); if (svg && vb) svg.setAttribute('viewBox', vb.map((x) => Math.round(x * 100) / 100).join(' ')); };
  const zoom = (f, fx = 0.5, fy = 0.5) => {
    if (!vb) return;
    const [x, y, w, hh] = vb;
    const nw = Math.min(Math.max(w / f, vb0[2] / 40), vb0[2] * 8);
    const nh = nw * (hh / w);
    vb = [x + (w - nw) * fx, y + (hh - nh) * fy, nw, nh];
    applyVb();
  };
  const pan = (dx, dy) => { if (!vb) return; vb[0] += dx; vb[1] += dy; applyVb(); };
  const reset = () => { if (vb0) { vb = [...vb0]; applyVb(); } };
  const load = async () => {
    put(stage, h('p', { class: 'muted' }, 'Drawing the graph…'));
    try {
      const text = await api('/api/graph', { case: c, path: pathView }, 'text');
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      if (!root || root.nodeName.toLowerCase() !== 'svg') throw new Error('The graph is not an SVG image.');
      const svg = document.importNode(root, true);
      sanitizeSvg(svg);
      let v = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
      if (v.length !== 4 || v.some(Number.isNaN)) {
        const w = parseFloat(svg.getAttribute('width')) || 800; const hh = parseFloat(svg.getAttribute('height')) || 600;
        v = [0, 0, w, hh];
      }
      svg.removeAttribute('width'); svg.removeAttribute('height');
      svg.setAttribute('class', 'graph-svg');
      svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
      svg.setAttribute('focusable', 'false');
      vb0 = v; vb = [...v];
      put(stage, svg);
      applyVb();
    } catch (err) {
      put(stage, h('p', { class: 'muted' }, 'The graph could not be drawn.'));
      showError(err);
    }
  };
  toggle.addEventListener('click', () => {
    pathView = !pathView;
    toggle.textContent = pathView ? 'Show the full case graph' : 'Show the path only';
    toggle.setAttribute('aria-pressed', String(!pathView));
    load();
  });
  stage.addEventListener('wheel', (e) => {
    if (!vb) return;
    e.preventDefault();
    const r = stage.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  }, { passive: false });
  let drag = null;
  stage.addEventListener('pointerdown', (e) => {
    if (!vb || e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY };
    stage.setPointerCapture(e.pointerId);
    stage.classList.add('dragging');
  });
  stage.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const svg = stage.querySelector('svg');
    const scale = Math.max(vb[2] / svg.clientWidth, vb[3] / svg.clientHeight);
    pan(-(e.clientX - drag.x) * scale, -(e.clientY - drag.y) * scale);
    drag = { x: e.clientX, y: e.clientY };
  });
  const end = () => { drag = null; stage.classList.remove('dragging'); };
  stage.addEventListener('pointerup', end);
  stage.addEventListener('pointercancel', end);
  stage.addEventListener('keydown', (e) => {
    if (!vb) return;
    const step = 0.1;
    const k = e.key;
    if (k === 'ArrowLeft') pan(-vb[2] * step, 0);
    else if (k === 'ArrowRight') pan(vb[2] * step, 0);
    else if (k === 'ArrowUp') pan(0, -vb[3] * step);
    else if (k === 'ArrowDown') pan(0, vb[3] * step);
    else if (k === '+' || k === '=') zoom(1.2);
    else if (k === '-' || k === '_') zoom(1 / 1.2);
    else if (k === '0') reset();
    else return;
    e.preventDefault();
  });
  load();
  return h('section', { class: 'card', id: 'graph', 'aria-labelledby': 'graph-title' },
    h('h2', { id: 'graph-title' }, 'Case graph'),
    h('p', { class: 'hint' }, 'The path the decision takes through the rule. Drag to pan, scroll to zoom; focused, the arrow keys pan and + / − zoom.'),
    h('div', { class: 'actions no-print graph-tools' },
      h('button', { type: 'button', id: 'zoom-in', 'aria-label': 'Zoom in', onclick: () => zoom(1.25) }, '+ Zoom in'),
      h('button', { type: 'button', id: 'zoom-out', 'aria-label': 'Zoom out', onclick: () => zoom(1 / 1.25) }, '− Zoom out'),
      h('button', { type: 'button', id: 'zoom-reset', onclick: reset }, 'Reset'),
      toggle),
    stage);
}

async function renderDecision(main, token) {
  const c = getCase();
  if (!c) { needCase(main, 'Decision'); return; }
  let d;
  try {
    d = await api('/api/decide', { case: c, defaults: true });
  } catch (err) {
    if (token !== renderToken) return;
    put(main, h('div', { class: 'page' }, h('h1', {}, 'Decision'), h('section', { class: 'card' }, h('p', {}, 'The case could not be decided. '), h('a', { href: '#/interview' }, 'Back to the interview'))));
    showError(err);
    return;
  }
  if (token !== renderToken) return;
  put(main, h('div', { class: 'page decision' },
    h('h1', {}, 'Decision', h('span', { class: 'h-sub' }, ` — ${d.case || c.caption || 'untitled case'}`)),
    h('div', { class: 'actions no-print' },
      h('a', { class: 'button', href: '#/interview' }, 'Back to the interview'),
      h('a', { class: 'button', href: '#/files' }, 'Download…'),
      h('button', { type: 'button', onclick: () => { document.querySelectorAll('details').forEach((x) => { x.open = true; }); window.print(); } }, 'Print')),
    decisionView(d),
    graphPanel(c),
    explainPanel(c, d)));
}

// ---------------------------------------------------------------------------------------------
// (c) a draft order

function selectOf(name, values, selected, { blank } = {}) {
  return h('select', { name }, blank !== undefined ? h('option', { value: '' }, blank) : null,
    (values || []).map((v) => h('option', { value: v, selected: v === selected }, words(v))));
}

function rowList(title, id, rows, makeRow, addLabel) {
  const list = h('div', { class: 'rows', id });
  const add = (r) => {
    const row = makeRow(r || {});
    const rm = h('button', { type: 'button', class: 'link remove', 'aria-label': `Remove this ${addLabel}` }, 'Remove');
    rm.addEventListener('click', () => row.remove());
    row.append(rm);
    list.append(row);
  };
  (rows || []).forEach(add);
  return h('fieldset', { class: 'group' }, h('legend', {}, title), list,
    h('button', { type: 'button', class: 'add', onclick: () => add({}) }, `+ Add ${addLabel}`));
}

function orderFormView(schema, d, order, onCheck) {
  const dispositions = enumOf(schema, 'Order', 'disposition') || ['granted', 'granted_in_part', 'denied', 'denied_without_prejudice', 'continued', 'vacated_and_ordered_to_confer', 'disregarded_or_stricken', 'other'];
  const kinds = enumOf(schema, 'Directive', 'kind') || ['other'];
  const who = enumOf(schema, 'Directive', 'who') || ['movant', 'opposing_party', 'parties'];
  const sKinds = enumOf(schema, 'OrderSanction', 'kind') || ['other'];
  const against = enumOf(schema, 'OrderSanction', 'against') || ['movant', 'movant_counsel', 'opposing_party', 'opposing_counsel'];
  const aboutIds = new Set();
  for (const x of (d && d.requirements) || []) aboutIds.add(x.id);
  for (const x of (d && d.exceptions) || []) aboutIds.add(x.id);
  for (const x of (d && d.deadlines) || []) aboutIds.add(x.id);
  const aboutList = nextId('about');
  const o = order || {};
  const disp = selectOf('disposition', dispositions, o.disposition, { blank: '(not stated)' });
  const merits = h('select', { name: 'merits_reached' }, h('option', { value: '' }, '(not stated)'),
    h('option', { value: 'true', selected: o.merits_reached === true }, 'yes'), h('option', { value: 'false', selected: o.merits_reached === false }, 'no'));
  const grounds = h('input', { type: 'text', name: 'grounds', value: (o.grounds || []).join('; '), placeholder: 'e.g. 37-251(b); 37-251(c)', autocomplete: 'off' });
  const findings = rowList('Findings', 'findings', o.findings, (r) => h('div', { class: 'row-item finding' },
    labelled('About', h('input', { type: 'text', name: 'about', value: r.about || '', list: aboutList, autocomplete: 'off' })),
    labelled('The order finds', h('select', { name: 'holds' }, h('option', { value: 'true', selected: r.holds === true }, 'it holds (met / applies / kept)'), h('option', { value: 'false', selected: r.holds === false }, 'it does not hold'))),
    labelled('Cite', h('input', { type: 'text', name: 'cite', value: r.cite || '', autocomplete: 'off' }))), 'finding');
  const directs = rowList('Directives', 'directs', o.directs, (r) => h('div', { class: 'row-item directive' },
    labelled('Kind', selectOf('kind', kinds, r.kind)),
    labelled('Who', selectOf('who', who, r.who, { blank: '(not stated)' })),
    labelled('By', h('input', { type: 'date', name: 'by', value: r.by || '' })),
    labelled('On', h('input', { type: 'date', name: 'on', value: r.on || '' }))), 'directive');
  const sanctions = rowList('Sanctions', 'order-sanctions', o.sanctions, (r) => h('div', { class: 'row-item sanction' },
    labelled('Kind', selectOf('kind', sKinds, r.kind)),
    labelled('Against', selectOf('against', against, r.against)),
    labelled('Cite', h('input', { type: 'text', name: 'cite', value: r.cite || '', autocomplete: 'off' }))), 'sanction');
  const form = h('form', { class: 'order-form card', id: 'order-form', 'aria-labelledby': 'order-form-title' },
    h('h2', { id: 'order-form-title' }, 'The draft order'),
    h('div', { class: 'row' },
      h('div', { 'data-field': 'order.disposition' }, labelled('Disposition', disp)),
      h('div', { 'data-field': 'order.merits_reached' }, labelled('Merits reached', merits)),
      h('div', { 'data-field': 'order.grounds', class: 'grow' }, labelled('Grounds (cites, separated by ;)', grounds))),
    h('datalist', { id: aboutList }, [...aboutIds].map((x) => h('option', { value: x }))),
    h('div', { 'data-field': 'order.findings' }, findings),
    h('div', { 'data-field': 'order.directs' }, directs),
    h('div', { 'data-field': 'order.sanctions' }, sanctions),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'check-order-button' }, 'Check the order')));
  const read = () => {
    const out = {};
    if (disp.value) out.disposition = disp.value;
    if (merits.value) out.merits_reached = merits.value === 'true';
    const g = grounds.value.split(/[;\n]/).map((s) => s.trim()).filter(Boolean);
    if (g.length) out.grounds = g;
    const val = (row, n) => row.querySelector(`[name="${n}"]`).value.trim();
    const f = [...form.querySelectorAll('.finding')].map((row) => {
      const x = { about: val(row, 'about'), holds: val(row, 'holds') === 'true' };
      if (val(row, 'cite')) x.cite = val(row, 'cite');
      return x;
    }).filter((x) => x.about);
    if (f.length) out.findings = f;
    const dr = [...form.querySelectorAll('.directive')].map((row) => {
      const x = { kind: val(row, 'kind') };
      for (const k of ['who', 'by', 'on']) if (val(row, k)) x[k] = val(row, k);
      return x;
    });
    if (dr.length) out.directs = dr;
    const s = [...form.querySelectorAll('.sanction')].map((row) => {
      const x = { kind: val(row, 'kind'), against: val(row, 'against') };
      if (val(row, 'cite')) x.cite = val(row, 'cite');
      return x;
    });
    if (s.length) out.sanctions = s;
    return out;
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); clearMessage(); onCheck(read()); });
  return form;
}

function orderReport(r) {
  const counts = r.counts || {};
  return h('section', { class: 'card report', id: 'order-report', 'aria-labelledby': 'order-report-title' },
    h('h2', { id: 'order-report-title' }, 'Verdict: ', h('span', { class: `verdict ${r.verdict}`, id: 'order-verdict' }, r.verdict)),
    h('p', {}, r.ok ? 'Nothing in the order is inconsistent with the rule.' : 'Something in the order is inconsistent with the rule.',
      ` ${counts.consistent || 0} consistent, ${counts.inconsistent || 0} inconsistent, ${counts.depends || 0} depending on unknown facts.`,
      r.rule ? ` Rule ${r.rule.pack} ${r.rule.version}, as of ${r.as_of}.` : ''),
    table(['Element', 'Check', 'Verdict', 'Basis', 'Reason', 'Cite'], (r.checks || []).map((c) => [
      h('span', {}, h('code', {}, c.element), c.value !== undefined && c.value !== null ? h('span', { class: 'small' }, h('br'), String(c.value)) : null),
      words(c.check), h('span', { class: `verdict ${c.verdict}` }, c.verdict), c.basis ? words(c.basis) : '—',
      h('span', {}, c.reason || '', (c.depends_on || []).length ? h('span', { class: 'small' }, h('br'), 'depends on ', c.depends_on.join(', ')) : null),
      cite(c.cite) || '—']), 'grid checks'));
}

async function renderOrder(main, token) {
  const c = getCase();
  const upload = h('input', { type: 'file', id: 'order-upload', accept: '.yaml,.yml,.json,application/json,text/yaml' });
  upload.addEventListener('change', async () => {
    const f = upload.files[0];
    if (!f) return;
    clearMessage();
    try {
      const parsed = await parseUploaded(f);
      adoptCase(parsed);
      showNote(`Loaded ${f.name}${parsed.order ? ' with its draft order' : ' (it has no order block)'}.`);
      render();
    } catch (err) { showError(err); }
  });
  const uploadCard = h('section', { class: 'card' }, h('h2', {}, 'Or upload a case file with an order block'), labelled('Case file (YAML or JSON)', upload));
  if (!c) {
    put(main, h('div', { class: 'page' }, h('h1', {}, 'Check a draft order'),
      h('section', { class: 'card' }, h('p', {}, 'The order is checked on the facts of the current case. ', h('a', { href: '#/interview' }, 'Start a case'), ' first, or upload one with its order.')), uploadCard));
    return;
  }
  const packs = await getPacks();
  let schema = null; let d = null;
  try { schema = await getSchema(c.rule || packs.default); } catch (e) { /* defaults */ }
  try { d = await api('/api/decide', { case: c, defaults: true }); } catch (e) { /* no suggestions */ }
  if (token !== renderToken) return;
  const reportBox = h('div', { id: 'order-report-box', 'aria-live': 'polite' });
  const form = orderFormView(schema, d, store.get('order', null), async (order) => {
    store.set('order', Object.keys(order).length ? order : null);
    put(reportBox, h('p', { class: 'muted' }, 'Checking…'));
    try {
      const r = await api('/api/check-order', { case: { ...getCase(), order } });
      put(reportBox, orderReport(r));
    } catch (err) { put(reportBox, ); showError(err, form); }
  });
  put(main, h('div', { class: 'page order' }, h('h1', {}, 'Check a draft order', h('span', { class: 'h-sub' }, ` — ${c.caption || 'untitled case'}`)),
    h('p', { class: 'lead' }, 'Each element of the order is checked against the rule on the facts of the current case: consistent, inconsistent, or depending on facts still unknown.'),
    h('div', { class: 'two-col wide-main' }, h('div', { class: 'col-main' }, form, reportBox), h('div', { class: 'col-side' }, uploadCard))));
}

// ---------------------------------------------------------------------------------------------
// (d) the drafter

function diffReport(r) {
  const side = (s) => typeof s === 'string' ? s.split('/').pop() === s ? s : s.replace(/\S*\/(\S+\.lp)/g, '$1') : s ? [s.pack, s.version, (s.overlays || []).length ? `+ ${s.overlays.join(', ')}` : '', s.amendment ? `+ amendment ${String(s.amendment).split('/').pop()}` : ''].filter(Boolean).join(' ') : '';
  const changes = Object.entries(r.changes || {}).filter(([, v]) => v).map(([k]) => k);
  const patternFor = (t) => (r.patterns || []).find((p) => p.dimension === t.dimension && p.before === t.before && p.after === t.after);
  return h('section', { class: 'card report', id: 'diff-report', 'aria-labelledby': 'diff-title' },
    h('h2', { id: 'diff-title' }, 'Diff: ', h('span', { class: `verdict ${r.changed ? 'changed' : 'unchanged'}`, id: 'diff-changed' }, r.changed ? 'changed' : 'unchanged')),
    h('p', {}, h('strong', {}, 'Before: '), side(r.before), h('br'), h('strong', {}, 'After: '), side(r.after)),
    h('p', {}, r.scenarios !== null && r.scenarios !== undefined ? `${Number(r.scenarios).toLocaleString('en-US', { maximumSignificantDigits: 4 })} joint scenarios. ` : '', r.count_note ? r.count_note.charAt(0).toUpperCase() + r.count_note.slice(1) : '', r.seconds !== undefined ? ` (${r.seconds} s)` : ''),
    h('p', {}, 'Outputs that change in some scenario: ', changes.length ? changes.map(outputWords).join('; ') : 'none', '.'),
    h('h3', {}, 'Transitions'),
    (r.transitions || []).length ? h('ul', { class: 'transitions', id: 'transitions' }, r.transitions.map((t) => {
      const p = patternFor(t);
      return h('li', { class: 'transition', 'data-dimension': t.dimension },
        h('p', { class: 'transition-head' }, h('strong', {}, words(t.dimension)), ': ', h('span', { class: 'before' }, words(t.before)), ' → ', h('span', { class: 'after' }, words(t.after)),
          t.scenarios !== null && t.scenarios !== undefined ? h('span', { class: 'small' }, ` (${t.scenarios} scenarios)`) : null),
        p ? h('details', {}, h('summary', {}, 'Pattern and witness'),
          h('p', {}, 'Every case with these inputs makes the transition:'),
          h('ul', { class: 'conditions' }, (p.conditions || []).map((c) => h('li', {}, h('code', {}, c.path || c.term), ' = ', h('strong', {}, c.value === null ? 'unknown' : String(c.value)), c.side ? h('span', { class: 'small' }, ` (side ${c.side})`) : null))),
          p.decided && p.decided.a ? table(['', 'Route', 'Ready', 'Recommended'], ['a', 'b'].map((k) => [k === 'a' ? 'before' : 'after', show(p.decided[k].route), show(p.decided[k].ready_for_hearing), show(p.decided[k].recommended)])) : null,
          p.witness ? h('details', {}, h('summary', {}, 'Witness case'), h('pre', { class: 'code' }, JSON.stringify(p.witness, null, 2))) : h('p', { class: 'small' }, p.note || 'No witness.'),
          p.replays !== undefined ? h('p', { class: 'small' }, `Witness replays: ${show(p.replays)}`) : null)
          : h('p', { class: 'small muted' }, 'Pattern not searched within the time budget.'));
    })) : h('p', { class: 'muted' }, 'No transition.'),
    (r.gaps || []).length ? h('div', {}, h('h3', {}, 'Gaps'), h('pre', { class: 'code' }, JSON.stringify(r.gaps, null, 2))) : null,
    (r.conflicts || []).length ? h('div', {}, h('h3', {}, 'Conflicts'), h('pre', { class: 'code' }, JSON.stringify(r.conflicts, null, 2))) : null,
    r.inputs ? h('p', { class: 'small' }, `Inputs: ${r.inputs.shared} shared`, r.inputs.per_side ? `; per side a ${r.inputs.per_side.a}, b ${r.inputs.per_side.b}` : '') : null);
}

function findingList(title, id, items) {
  return h('div', { id }, h('h3', {}, `${title} (${items.length})`), items.length ? h('ul', { class: 'items' }, items.map((f) => h('li', {},
    badge(f.kind || title, 'bad'), ' ', h('strong', {}, f.id), ': ', f.text || '', ' ', cite(f.cite),
    f.witness ? h('details', {}, h('summary', {}, 'Witness'),
      (f.witness.inputs || []).length ? h('p', { class: 'small' }, 'Inputs: ', f.witness.inputs.join(', ')) : null,
      f.witness.case ? h('pre', { class: 'code' }, JSON.stringify(f.witness.case, null, 2)) : h('p', { class: 'small' }, f.witness.note || 'No case.'),
      h('p', { class: 'small' }, `Replays: ${show(f.witness.replayed)}`),
      f.witness.explanation ? h('ul', { class: 'tree root' }, treeNode(f.witness.explanation, 1)) : null) : null))) : h('p', { class: 'muted' }, 'None.'));
}

function checkReport(r) {
  return h('section', { class: 'card report', id: 'check-report', 'aria-labelledby': 'check-title' },
    h('h2', { id: 'check-title' }, 'Check: ', h('span', { class: `verdict ${r.ok ? 'consistent' : 'inconsistent'}`, id: 'check-ok' }, r.ok ? 'ok' : 'findings')),
    h('p', {}, `${r.pack} version ${r.version}`, (r.overlays || []).length ? ` with ${r.overlays.join(', ')}` : '', `: ${r.questions} questions asked of the solver`, r.seconds !== undefined ? ` in ${r.seconds} s` : '', '.'),
    findingList('Gaps', 'check-gaps', r.gaps || []),
    findingList('Conflicts', 'check-conflicts', r.conflicts || []),
    findingList('Violations', 'check-violations', r.violations || []),
    h('h3', {}, 'Properties'),
    table(['Property', 'Holds', 'Cite'], (r.properties || []).map((p) => [h('span', {}, h('code', {}, p.id), h('br'), p.text || ''), badge(p.holds ? 'holds' : 'violated', p.holds ? 'met' : 'unmet'), cite(p.cite)]), 'grid properties'));
}

async function renderDrafter(main, token) {
  const packs = await getPacks();
  if (token !== renderToken) return;
  const st = store.get('drafter', {});
  const packSel = packSelect(packs, st.pack || (getCase() && getCase().rule) || packs.default, { name: 'pack', id: 'drafter-pack' });
  const asOf = h('input', { type: 'date', name: 'as_of', id: 'drafter-as-of', value: st.as_of || todayISO() });
  const verMode = st.mode || 'as_of';
  const modeAsOf = h('input', { type: 'radio', name: 'vmode', id: 'vmode-as-of', value: 'as_of', checked: verMode === 'as_of' });
  const modeVer = h('input', { type: 'radio', name: 'vmode', id: 'vmode-version', value: 'version', checked: verMode === 'version' });
  const verSel = h('select', { name: 'version', id: 'drafter-version' });
  const toSel = h('select', { name: 'to_version', id: 'drafter-to-version' });
  const overlayBox = h('div', { class: 'choices', id: 'drafter-overlays' });
  const amendSel = h('select', { name: 'amendment', id: 'drafter-amendment' });
  const amendFile = h('input', { type: 'file', id: 'drafter-amendment-file', accept: '.lp,text/plain' });
  const amendText = h('pre', { class: 'code amend-text', id: 'amend-text' });
  const amendPreview = h('details', { class: 'amend-preview' }, h('summary', {}, 'Show the amendment'), amendText);
  let shipped = [];
  let uploaded = null;
  const fill = async () => {
    const p = packs.packs.find((x) => x.id === packSel.value);
    put(verSel, p.versions.map((v) => h('option', { value: v.id, selected: v.id === st.version }, `${v.id} (from ${v.in_force_from})`)));
    put(toSel, h('option', { value: '' }, '(no: compare with the overlays / amendment)'), p.versions.map((v) => h('option', { value: v.id, selected: v.id === st.to_version }, v.id)));
    put(overlayBox, ...(p.overlays || []).map((o) => {
      const id = nextId('ov');
      return h('div', { class: 'choice' }, h('input', { type: 'checkbox', name: 'overlay', id, value: o.id, checked: (st.overlays || []).includes(o.id) }),
        h('label', { for: id }, h('strong', {}, o.id), h('span', { class: 'small' }, ` — ${o.seen_in || ''}`)));
    }));
    if (!(p.overlays || []).length) overlayBox.append(h('p', { class: 'muted' }, 'This pack has no overlays.'));
    try { shipped = await api(`/api/amendments?pack=${encodeURIComponent(p.id)}`); } catch (e) { shipped = []; showError(e); }
    put(amendSel, h('option', { value: '' }, '(none)'), shipped.map((a) => h('option', { value: a.name, selected: a.name === st.amendment }, a.name)),
      uploaded ? h('option', { value: '__upload__', selected: true }, `uploaded: ${uploaded.name}`) : null);
    showAmend();
  };
  const showAmend = () => {
    const a = currentAmend();
    amendText.textContent = a ? a.text : '';
    amendPreview.hidden = !a;
  };
  const currentAmend = () => {
    if (amendSel.value === '__upload__') return uploaded;
    return shipped.find((a) => a.name === amendSel.value) || null;
  };
  packSel.addEventListener('change', () => { uploaded = null; fill(); });
  amendSel.addEventListener('change', showAmend);
  amendFile.addEventListener('change', async () => {
    const f = amendFile.files[0];
    if (!f) return;
    uploaded = { name: f.name, text: await readFileText(f) };
    amendSel.append(h('option', { value: '__upload__' }, `uploaded: ${f.name}`));
    amendSel.value = '__upload__';
    showAmend();
  });
  await fill();
  if (token !== renderToken) return;
  const reportBox = h('div', { id: 'drafter-report', 'aria-live': 'polite' });
  const form = h('form', { class: 'card drafter-form', id: 'drafter-form', 'aria-labelledby': 'drafter-form-title' },
    h('h2', { id: 'drafter-form-title' }, 'The rule and the change'),
    h('div', { class: 'row' }, h('div', { 'data-field': 'pack' }, labelled('Rule pack', packSel))),
    h('fieldset', { class: 'group' }, h('legend', {}, 'Version'),
      h('div', { class: 'row stack' },
        h('div', { class: 'choice', 'data-field': 'as_of' }, modeAsOf, h('label', { for: 'vmode-as-of' }, 'In force on'), asOf),
        h('div', { class: 'choice', 'data-field': 'version' }, modeVer, h('label', { for: 'vmode-version' }, 'Version'), verSel)),
      h('div', { 'data-field': 'to_version' }, labelled('Diff: compare with another version', toSel, 'Leave at "no" to compare the version with the overlays and the amendment below.'))),
    h('fieldset', { class: 'group', 'data-field': 'overlays' }, h('legend', {}, 'Overlays (court modifications)'), overlayBox),
    h('fieldset', { class: 'group', 'data-field': 'amendment' }, h('legend', {}, 'Amendment'),
      h('div', { class: 'row' }, labelled('Shipped amendment', amendSel), labelled('Or upload a .lp file', amendFile)), amendPreview),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', name: 'action', value: 'diff', id: 'diff-button' }, 'Diff'),
      h('button', { type: 'submit', name: 'action', value: 'check', id: 'check-button' }, 'Check')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearMessage();
    const action = (e.submitter && e.submitter.value) || 'diff';
    const mode = modeVer.checked ? 'version' : 'as_of';
    const overlays = [...overlayBox.querySelectorAll('input:checked')].map((x) => x.value);
    const amend = currentAmend();
    store.set('drafter', { pack: packSel.value, as_of: asOf.value, mode, version: verSel.value, to_version: toSel.value, overlays, amendment: amendSel.value === '__upload__' ? '' : amendSel.value });
    const body = { pack: packSel.value, overlays };
    if (amend) body.amendment = { name: amend.name, text: amend.text };
    let path;
    if (action === 'check') {
      path = '/api/check';
      if (mode === 'version') body.version = verSel.value; else body.as_of = asOf.value;
    } else {
      path = '/api/diff';
      const p = packs.packs.find((x) => x.id === packSel.value);
      if (toSel.value) {
        body.from_version = mode === 'version' ? verSel.value : versionInForce(p, asOf.value);
        body.to_version = toSel.value;
      } else if (mode === 'version') {
        // the amendment and overlays are compared with the version in force on a date: the
        // day the chosen version took effect
        body.as_of = (p.versions.find((v) => v.id === verSel.value) || {}).in_force_from;
      } else body.as_of = asOf.value;
      if (!toSel.value && !amend && !overlays.length) {
        showError({ message: 'Choose an amendment, an overlay or another version to compare with.', field: 'amendment' }, form);
        return;
      }
    }
    put(reportBox, h('p', { class: 'muted' }, action === 'check' ? 'Checking the scenario space…' : 'Comparing the two rules…'));
    form.querySelectorAll('button[type=submit]').forEach((b) => { b.disabled = true; });
    try {
      const r = await api(path, body);
      put(reportBox, action === 'check' ? checkReport(r) : diffReport(r));
    } catch (err) { put(reportBox, ); showError(err, form); } finally {
      form.querySelectorAll('button[type=submit]').forEach((b) => { b.disabled = false; });
    }
  });
  put(main, h('div', { class: 'page drafter' }, h('h1', {}, 'Drafter'),
    h('p', { class: 'lead' }, 'What a change to the rule changes across every scenario (Diff), and whether a version has gaps, conflicts or failed properties (Check).'),
    h('div', { class: 'two-col wide-side' }, h('div', { class: 'col-side' }, form), h('div', { class: 'col-main' }, reportBox))));
}

// ---------------------------------------------------------------------------------------------
// (e) files

async function renderFiles(main) {
  const c = fullCase();
  const upload = h('input', { type: 'file', id: 'case-upload', accept: '.yaml,.yml,.json,application/json,text/yaml' });
  const links = h('div', { class: 'downloads', id: 'downloads', 'aria-live': 'polite' });
  const safe = ((c && c.caption) || 'case').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'case';
  const offer = (name, content, type) => {
    const { a } = download(name, content, type);
    put(links, a);
    a.click();
  };
  const act = (fn) => async () => { clearMessage(); try { await fn(); } catch (err) { showError(err); } };
  upload.addEventListener('change', act(async () => {
    const f = upload.files[0];
    if (!f) return;
    const parsed = await parseUploaded(f);
    adoptCase(parsed);
    showNote(`Loaded ${f.name}: it is now the current case.`);
    render();
  }));
  const none = !c;
  put(main, h('div', { class: 'page files' }, h('h1', {}, 'Files'),
    h('div', { class: 'two-col' },
      h('div', { class: 'col-main' },
        h('section', { class: 'card', 'aria-labelledby': 'upload-title' }, h('h2', { id: 'upload-title' }, 'Upload a case file'),
          h('p', {}, 'A rulepath/case-1 file in YAML or JSON. It replaces the current case.'),
          h('div', { 'data-field': 'text' }, labelled('Case file', upload))),
        h('section', { class: 'card', 'aria-labelledby': 'download-title' }, h('h2', { id: 'download-title' }, 'Download'),
          none ? h('p', { class: 'muted' }, 'There is no case yet.') : null,
          h('div', { class: 'actions' },
            h('button', { type: 'button', id: 'dl-case-yaml', disabled: none, onclick: act(async () => offer(`${safe}.yaml`, await api('/api/case/yaml', { case: fullCase() }, 'text'), 'application/yaml')) }, 'Case as YAML'),
            h('button', { type: 'button', id: 'dl-case-json', disabled: none, onclick: act(async () => offer(`${safe}.json`, `${JSON.stringify(fullCase(), null, 2)}\n`, 'application/json')) }, 'Case as JSON'),
            h('button', { type: 'button', id: 'dl-decision-json', disabled: none, onclick: act(async () => offer(`${safe}-decision.json`, `${JSON.stringify(await api('/api/decide', { case: getCase(), defaults: true }), null, 2)}\n`, 'application/json')) }, 'Decision as JSON'),
            h('button', { type: 'button', id: 'dl-decision-md', disabled: none, onclick: act(async () => offer(`${safe}-decision.md`, await api('/api/decide/markdown', { case: getCase(), defaults: true }, 'text'), 'text/markdown')) }, 'Decision as Markdown')),
          links),
        c ? h('section', { class: 'card danger-zone' }, h('h2', {}, 'Clear'),
          h('button', { type: 'button', id: 'clear-case', onclick: () => { if (window.confirm('Drop the current case?')) { ['case', 'skip', 'history', 'order'].forEach((k) => store.set(k, null)); renderCurrentCase(); render(); } } }, 'Drop the current case')) : null),
      h('div', { class: 'col-side' }, h('section', { class: 'card', 'aria-labelledby': 'current-title' }, h('h2', { id: 'current-title' }, 'The current case'),
        c ? h('pre', { class: 'code', id: 'case-preview' }, JSON.stringify(c, null, 2)) : h('p', { class: 'muted' }, 'None.'))))));
}

// ---------------------------------------------------------------------------------------------
// routing

const ROUTES = {
  interview: renderInterview,
  decision: renderDecision,
  order: renderOrder,
  drafter: renderDrafter,
  files: renderFiles,
};
const TITLES = { interview: 'Interview', decision: 'Decision', order: 'Check a draft order', drafter: 'Drafter', files: 'Files' };
let renderToken = 0;
let lastRoute = null;

async function render() {
  const token = ++renderToken;
  const route = (location.hash.replace(/^#\/?/, '').split('?')[0]) || 'interview';
  const fn = ROUTES[route] || renderInterview;
  const name = ROUTES[route] ? route : 'interview';
  document.querySelectorAll('nav a[data-route]').forEach((a) => {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  document.title = `${TITLES[name]} · rulepath workbench`;
  document.body.dataset.page = name;
  const main = document.getElementById('main');
  if (lastRoute !== name) { clearMessage(); put(main, h('p', { class: 'loading' }, 'Loading…')); }
  const routeChanged = lastRoute !== null && lastRoute !== name;
  lastRoute = name;
  try {
    await fn(main, token);
  } catch (err) {
    if (token === renderToken) showError(err);
  }
  if (token === renderToken) {
    main.dataset.ready = `${token}-${Math.round(performance.now())}`;
    if (routeChanged) main.focus({ preventScroll: true });
  }
}

window.addEventListener('hashchange', () => { editing = null; render(); });
function boot() { renderCurrentCase(); render(); }
if (document.readyState === 'loading') window.addEventListener('DOMContentLoaded', boot); else boot();
