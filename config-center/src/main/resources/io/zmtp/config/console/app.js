// The config center's console: plain DOM, no framework. Every value from the server goes in as
// text (textContent), never as markup. Changes carry the session's CSRF token in X-CSRF-Token.
'use strict';

const state = { csrf: null, ns: null, pending: [], events: null };
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    init.headers['X-CSRF-Token'] = state.csrf || '';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body || {});
  }
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({ error: 'bad-answer', message: 'the server sent no JSON' }));
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') {
      signedOut();
    }
    const e = new Error(data.message || res.statusText);
    e.code = data.error;
    throw e;
  }
  return data;
}

const q = (ns) => 'ns=' + encodeURIComponent(ns);

function cell(tr, text, cls) {
  const td = document.createElement('td');
  if (text === null || text === undefined) {
    td.textContent = '(absent)';
    td.className = 'absent';
  } else {
    td.textContent = String(text);
  }
  if (cls) {
    td.classList.add(...cls.split(' '));
  }
  tr.appendChild(td);
  return td;
}

function rows(tableId) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  return body;
}

/** An ISO instant as "YYYY-MM-DD HH:MM:SS UTC". */
function when(t) {
  return t ? t.replace('T', ' ').slice(0, 19) + ' UTC' : 'never';
}

function shortDigest(d) {
  return d ? d.slice(0, 12) : '';
}

// ------------------------------------------------------------------ session

async function signIn(ev) {
  ev.preventDefault();
  $('signin-error').textContent = '';
  try {
    const who = await api('POST', '/api/session', { user: $('signin-user').value, password: $('signin-password').value });
    $('signin-password').value = '';
    signedIn(who);
  } catch (e) {
    $('signin-password').value = '';
    $('signin-error').textContent = e.message;
  }
}

function signedIn(who) {
  state.csrf = who.csrf;
  $('who').textContent = who.user;
  $('signin-view').hidden = true;
  $('app').hidden = false;
  $('signout').hidden = false;
  loadNamespaces();
  loadRefusals();
}

function signedOut() {
  state.csrf = null;
  state.ns = null;
  if (state.events) {
    state.events.close();
    state.events = null;
  }
  for (const t of ['namespaces', 'entries', 'diff', 'history', 'rollout', 'refusals']) {
    rows(t);
  }
  $('who').textContent = '';
  $('app').hidden = true;
  $('ns-view').hidden = true;
  $('signout').hidden = true;
  $('signin-view').hidden = false;
}

async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } finally {
    signedOut();
  }
}

// ------------------------------------------------------------------ namespaces

async function loadNamespaces() {
  const list = await api('GET', '/api/namespaces');
  const body = rows('namespaces');
  for (const n of list) {
    const tr = document.createElement('tr');
    tr.dataset.ns = n.ns;
    const td = document.createElement('td');
    const a = document.createElement('a');
    a.href = '#';
    a.className = 'open-ns';
    a.textContent = n.ns;
    a.addEventListener('click', (ev) => { ev.preventDefault(); openNamespace(n.ns); });
    td.appendChild(a);
    tr.appendChild(td);
    cell(tr, n.rev);
    cell(tr, shortDigest(n.digest), 'digest');
    cell(tr, n.gray ? 'r' + n.gray.rev + ' to ' + n.gray.to : '');
    body.appendChild(tr);
  }
}

async function openNamespace(ns) {
  state.ns = ns;
  state.pending = [];
  renderPending();
  rows('diff');
  $('publish-result').textContent = '';
  $('ns-title').textContent = ns;
  $('view-rev').value = '';
  $('ns-view').hidden = false;
  await Promise.all([loadEntries(), loadHistory()]);
  follow(ns);
}

async function loadEntries() {
  const rev = $('view-rev').value.trim();
  const data = await api('GET', '/api/namespace?' + q(state.ns) + (rev ? '&rev=' + encodeURIComponent(rev) : ''));
  $('view-info').textContent = 'revision ' + data.rev + ', digest ' + shortDigest(data.digest);
  const body = rows('entries');
  for (const e of data.entries) {
    const tr = document.createElement('tr');
    tr.dataset.key = e.key;
    cell(tr, e.key, 'key');
    cell(tr, e.binary ? '(binary, base64) ' + e.value : e.value, 'value');
    body.appendChild(tr);
  }
}

// ------------------------------------------------------------------ change sets

function addChange(op) {
  const key = $('edit-key').value;
  if (!key) {
    $('publish-result').textContent = 'give a key';
    return;
  }
  state.pending = state.pending.filter((c) => c.key !== key);
  state.pending.push(op === 'put' ? { op, key, value: $('edit-value').value } : { op, key });
  $('edit-key').value = '';
  $('edit-value').value = '';
  renderPending();
}

function renderPending() {
  const ul = $('pending');
  ul.replaceChildren();
  for (const c of state.pending) {
    const li = document.createElement('li');
    li.textContent = c.op === 'put' ? 'set ' + c.key + ' = ' + c.value : 'delete ' + c.key;
    ul.appendChild(li);
  }
}

function renderDiff(list) {
  const body = rows('diff');
  for (const d of list) {
    const tr = document.createElement('tr');
    tr.dataset.key = d.key;
    cell(tr, d.key);
    cell(tr, d.before, 'before');
    cell(tr, d.after, 'after');
    body.appendChild(tr);
  }
}

async function preview() {
  try {
    renderDiff(await api('POST', '/api/preview?' + q(state.ns), { changes: state.pending }));
  } catch (e) {
    $('publish-result').textContent = e.message;
  }
}

async function publish() {
  const result = $('publish-result');
  result.className = '';
  try {
    const body = { changes: state.pending, message: $('publish-message').value };
    const to = $('publish-to').value.trim();
    if (to) {
      body.to = to;
    }
    const r = await api('POST', '/api/publish?' + q(state.ns), body);
    result.textContent = 'published revision ' + r.rev;
    result.className = 'ok';
    state.pending = [];
    renderPending();
    rows('diff');
    $('publish-message').value = '';
    await afterChange();
  } catch (e) {
    result.textContent = e.message;
    result.className = 'error';
  }
}

async function rollback(rev) {
  if (!window.confirm('Roll ' + state.ns + ' back to the content of revision ' + rev + '?')) {
    return;
  }
  const result = $('publish-result');
  try {
    const r = await api('POST', '/api/rollback?' + q(state.ns),
      { rev, message: $('rollback-message').value || 'rollback to revision ' + rev });
    result.textContent = 'rolled back: revision ' + r.rev;
    result.className = 'ok';
    await afterChange();
  } catch (e) {
    result.textContent = e.message;
    result.className = 'error';
  }
}

async function afterChange() {
  $('view-rev').value = '';
  await Promise.all([loadEntries(), loadHistory(), loadNamespaces()]);
}

// ------------------------------------------------------------------ history and diff

async function loadHistory() {
  const list = await api('GET', '/api/history?' + q(state.ns) + '&limit=1000');
  const body = rows('history');
  for (const r of list.slice().reverse()) {
    const tr = document.createElement('tr');
    tr.dataset.rev = r.rev;
    cell(tr, r.rev);
    cell(tr, when(r.time));
    cell(tr, r.author);
    cell(tr, r.message);
    cell(tr, r.gray ? r.gray.state + ' (' + r.gray.to + ')' : '');
    const td = document.createElement('td');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'rollback';
    b.textContent = 'Roll back to this';
    b.addEventListener('click', () => rollback(r.rev));
    td.appendChild(b);
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

async function showDiff() {
  try {
    renderDiff(await api('GET', '/api/diff?' + q(state.ns) + '&from=' + encodeURIComponent($('diff-from').value)
      + '&to=' + encodeURIComponent($('diff-to').value)));
  } catch (e) {
    $('publish-result').textContent = e.message;
  }
}

// ------------------------------------------------------------------ rollout, live

function follow(ns) {
  if (state.events) {
    state.events.close();
  }
  const es = new EventSource('/api/rollout/events?' + q(ns));
  es.addEventListener('rollout', (ev) => renderRollout(JSON.parse(ev.data)));
  state.events = es;
}

// Rows are updated in place (the stream sends a new rollout whenever a node reports), so what the
// reader is looking at does not flicker and keeps its place.
function renderRollout(r) {
  if (r.ns !== state.ns) {
    return;
  }
  $('rollout-rev').textContent = String(r.rev);
  const body = $('rollout').tBodies[0];
  const old = new Map([...body.rows].map((tr) => [tr.dataset.node, tr]));
  const classes = ['node', 'state', 'applied', 'digest', 'seen', 'gray'];
  let at = 0;
  for (const n of r.nodes) {
    let tr = old.get(n.node);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.node = n.node;
      for (const c of classes) {
        cell(tr, '', c);
      }
    }
    old.delete(n.node);
    const texts = [n.node, n.state, n.applied === null ? '-' : n.applied,
      n.applied === null ? '-' : (n.digestOk ? 'OK' : 'WRONG'),
      when(n.lastSeen), n.gray ? 'yes' : ''];
    texts.forEach((t, i) => {
      const td = tr.cells[i];
      if (td.textContent !== String(t)) {
        td.textContent = String(t);
      }
    });
    tr.cells[1].className = 'state state-' + n.state;
    if (body.rows[at] !== tr) {
      body.insertBefore(tr, body.rows[at] || null);
    }
    at++;
  }
  for (const tr of old.values()) {
    tr.remove();
  }
}

async function loadRefusals() {
  const list = await api('GET', '/api/refusals');
  const body = rows('refusals');
  for (const r of list) {
    const tr = document.createElement('tr');
    cell(tr, r.address);
    cell(tr, r.otherUsers ? '(several)' : r.user);
    cell(tr, r.reason);
    cell(tr, r.ports);
    cell(tr, r.count);
    cell(tr, when(r.last));
    body.appendChild(tr);
  }
}

// ------------------------------------------------------------------ start

document.addEventListener('DOMContentLoaded', async () => {
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  $('view-load').addEventListener('click', loadEntries);
  $('edit-add').addEventListener('click', () => addChange('put'));
  $('edit-delete').addEventListener('click', () => addChange('delete'));
  $('pending-clear').addEventListener('click', () => { state.pending = []; renderPending(); rows('diff'); });
  $('preview').addEventListener('click', preview);
  $('publish').addEventListener('click', publish);
  $('diff-show').addEventListener('click', showDiff);
  setInterval(() => { if (state.csrf) { loadRefusals().catch(() => {}); } }, 5000);
  try {
    signedIn(await api('GET', '/api/session'));
  } catch (e) {
    signedOut();
  }
});
