'use strict';
// What every console page shares: the session, requests with the CSRF token, the page's live
// update stream, and small DOM helpers. A page script calls vplc.start(onUpdate).
(() => {
  const page = document.body.dataset.page;
  let session;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  function toLogin(expired) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}${expired ? '&expired=1' : ''}`);
  }

  function notice(text, isError) {
    const n = document.getElementById('notice');
    n.textContent = text;
    n.className = isError ? 'error' : '';
    n.hidden = !text;
  }

  /** POST a write, force or unforce; resolves with the answer, shows the error message when refused. */
  async function post(op, body) {
    const r = await fetch(`/api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf }, body: JSON.stringify(body) });
    const answer = await r.json().catch(() => ({ error: r.statusText }));
    if (r.status === 401) toLogin(true);
    if (!r.ok) {
      notice(answer.error, true);
      throw new Error(answer.error);
    }
    notice('');
    return answer;
  }

  async function getJson(path) {
    const r = await fetch(path);
    if (r.status === 401) {
      toLogin(true);
      throw new Error('not logged in');
    }
    return r.json();
  }

  /** Numbers as the tables show them: µs with up to 3 significant decimals. */
  function us(v) {
    if (typeof v !== 'number') return '';
    return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  function show(v) {
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
    if (typeof v === 'string') return v;
    return String(v);
  }

  async function start(onUpdate) {
    for (const a of document.querySelectorAll('[data-nav]')) if (a.dataset.nav === page) a.classList.add('current');
    session = await getJson('/api/session');
    document.getElementById('who').textContent = `${session.user} (${session.role})`;
    document.getElementById('app-name').textContent = session.app;
    document.getElementById('logout').addEventListener('click', async () => {
      await fetch('/api/logout', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf }, body: '{}' });
      location.assign('/login');
    });
    const live = document.getElementById('live');
    const source = new EventSource(`/api/stream?page=${page}`);
    let updates = 0;
    source.addEventListener('update', (ev) => {
      updates++;
      live.textContent = `live · ${updates} updates`;
      document.body.dataset.updates = String(updates);
      onUpdate(JSON.parse(ev.data));
    });
    source.addEventListener('expired', () => {
      source.close();
      toLogin(true);
    });
    source.onerror = async () => {
      live.textContent = 'reconnecting…';
      // a stream refused for an expired session: EventSource would retry forever
      const r = await fetch('/api/session');
      if (r.status === 401) {
        source.close();
        toLogin(true);
      }
    };
    return session;
  }

  window.vplc = { el, post, getJson, start, us, show, notice, get session() { return session; } };
})();
