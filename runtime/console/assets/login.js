'use strict';
// The login form: posts the credentials as JSON, then goes to the page asked for.
(() => {
  const params = new URLSearchParams(location.search);
  if (params.get('expired')) document.getElementById('login-expired').hidden = false;
  const next = params.get('next');
  const target = next && /^\/[a-z0-9]+$/.test(next) ? next : '/overview';
  document.getElementById('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const error = document.getElementById('login-error');
    error.textContent = '';
    const body = { username: document.getElementById('username').value, password: document.getElementById('password').value };
    const r = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (r.ok) location.assign(target);
    else error.textContent = (await r.json().catch(() => ({ error: r.statusText }))).error;
  });
})();
