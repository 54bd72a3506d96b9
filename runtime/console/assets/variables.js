'use strict';
// Variables: the program/FB/struct tree with live values, a search, and (for operators) write,
// force and release. Forced values are marked wherever they appear.
(() => {
  const { el, post, getJson, show } = window.vplc;
  const main = document.getElementById('main');
  const rows = new Map(); // resource + '\0' + path → { row, value, leaf }
  const search = el('input', { type: 'search', id: 'search', placeholder: 'search variables…' });
  const forcedBox = el('div', { id: 'forced-list' });
  const tree = el('div', { id: 'tree' });
  main.append(el('div', { class: 'toolbar' }, search), el('h2', {}, 'Forced'), forcedBox, el('h2', {}, 'Variables'), tree);
  let operator = false;
  let lastForced = {};

  function folder(parent, cache, key, label) {
    if (!cache.has(key)) {
      const d = el('details', { open: true, 'data-folder': key }, el('summary', {}, label));
      d._children = new Map();
      parent.append(d);
      cache.set(key, d);
    }
    return cache.get(key);
  }

  function leafRow(leaf) {
    const value = el('span', { class: 'value' }, '…');
    const name = leaf.path.split('.').pop();
    const row = el('div', { class: 'var-row', 'data-path': leaf.path, 'data-resource': leaf.resource },
      el('span', { class: 'name', title: leaf.path }, name, leaf.address ? el('span', { class: 'muted' }, ` ${leaf.address}`) : ''),
      el('span', { class: 'type' }, leaf.type), value);
    if (operator && leaf.writable) {
      const input = el('input', { class: 'value-input', 'aria-label': `value for ${leaf.path}`, placeholder: leaf.type });
      const act = (op) => async () => {
        const body = { resource: leaf.resource, path: leaf.path };
        if (op !== 'unforce') body.value = input.value;
        await post(op, body).catch(() => {});
      };
      row.append(el('span', { class: 'actions' }, input,
        el('button', { class: 'small write', type: 'button', onclick: act('write') }, 'Write'),
        el('button', { class: 'small force', type: 'button', onclick: act('force') }, 'Force'),
        el('button', { class: 'small unforce', type: 'button', onclick: act('unforce') }, 'Unforce')));
    } else row.append(el('span'));
    rows.set(`${leaf.resource}\0${leaf.path}`, { row, value, leaf });
    return row;
  }

  function renderForced(forced) {
    const items = Object.entries(forced).flatMap(([r, f]) => Object.entries(f).map(([p, v]) => ({ r, p, v })));
    forcedBox.replaceChildren(items.length === 0 ? el('p', { class: 'muted' }, 'nothing is forced') :
      el('table', {}, el('tr', {}, el('th', {}, 'resource'), el('th', {}, 'forced'), el('th', {}, 'value'), el('th', {}, '')),
        items.map(({ r, p, v }) => el('tr', { 'data-forced': p }, el('td', {}, r), el('td', { class: 'forced' }, p), el('td', { class: 'forced' }, show(v)),
          el('td', {}, operator ? el('button', { class: 'small', type: 'button', onclick: () => post('unforce', { resource: r, path: p }).catch(() => {}) }, 'Unforce') : '')))));
    if (operator && items.length) forcedBox.append(el('button', { class: 'small', id: 'unforce-all', type: 'button', onclick: () => post('unforce', { path: '*' }).catch(() => {}) }, 'Release all forces'));
  }

  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    for (const { row, leaf } of rows.values()) row.hidden = q !== '' && !leaf.path.toLowerCase().includes(q);
    for (const d of tree.querySelectorAll('details')) d.hidden = q !== '' && !d.querySelector('.var-row:not([hidden])');
  });

  (async () => {
    const session = await window.vplc.start(update);
    operator = session.role === 'operator';
    const leaves = await getJson('/api/variables');
    const cache = new Map();
    const resources = new Set(leaves.map((l) => l.resource));
    for (const leaf of leaves) {
      let parent = resources.size > 1 ? folder(tree, cache, leaf.resource, `Resource ${leaf.resource}`) : tree;
      const parts = leaf.path.split('.');
      let key = leaf.resource;
      for (let i = 0; i < parts.length - 1; i++) {
        key += `.${parts[i]}`;
        parent = folder(parent, cache, key, parts[i]);
      }
      parent.append(leafRow(leaf));
    }
    renderForced(lastForced);
  })();

  function update(d) {
    for (const [resource, values] of Object.entries(d.values)) {
      const forced = d.forced[resource] || {};
      const forcedKeys = new Set(Object.keys(forced).map((k) => k.toUpperCase()));
      for (const [path, v] of Object.entries(values)) {
        const r = rows.get(`${resource}\0${path}`);
        if (!r) continue;
        const text = show(v);
        if (r.value.textContent !== text) r.value.textContent = text;
        const isForced = forcedKeys.has(path.toUpperCase()) || (r.leaf.address && forcedKeys.has(r.leaf.address));
        r.row.classList.toggle('is-forced', Boolean(isForced));
        if (isForced && !r.row.querySelector('.badge')) r.row.children[0].append(el('span', { class: 'badge' }, 'F'));
        if (!isForced) r.row.querySelector('.badge')?.remove();
      }
    }
    if (JSON.stringify(d.forced) !== JSON.stringify(lastForced)) {
      lastForced = d.forced;
      renderForced(d.forced);
    }
  }
})();
