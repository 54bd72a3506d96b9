'use strict';
// The process image: every located variable's address, every forced one and every element
// that is not zero, per resource: the last inputs sent to the scan, the last outputs it published.
(() => {
  const { el, show, post } = window.vplc;
  const main = document.getElementById('main');
  // operators: write, force or release any address (%IX0.1, %QW2, %MD4)
  const address = el('input', { id: 'address', class: 'value-input', placeholder: '%IX0.0', 'aria-label': 'address' });
  const value = el('input', { id: 'address-value', class: 'value-input', placeholder: 'value', 'aria-label': 'value' });
  const act = (op) => () => post(op, op === 'unforce' ? { path: address.value } : { path: address.value, value: value.value }).catch(() => {});
  const tools = el('span', { id: 'address-tools', hidden: true }, address, value,
    el('button', { class: 'small write', type: 'button', onclick: act('write') }, 'Write'),
    el('button', { class: 'small force', type: 'button', onclick: act('force') }, 'Force'),
    el('button', { class: 'small unforce', type: 'button', onclick: act('unforce') }, 'Unforce'));
  const filter = el('select', { id: 'area' }, el('option', { value: '' }, 'all areas'), el('option', { value: 'I' }, '%I inputs'), el('option', { value: 'Q' }, '%Q outputs'), el('option', { value: 'M' }, '%M memory'));
  const body = el('div');
  main.append(el('div', { class: 'toolbar' }, filter, tools), body);
  let last;
  filter.addEventListener('change', () => last && render(last));

  function render(d) {
    last = d;
    const area = filter.value;
    body.replaceChildren(...Object.entries(d.resources).flatMap(([resource, rows]) => [
      el('h2', {}, `Resource ${resource}`),
      el('table', { class: 'image', 'data-resource': resource },
        el('tr', {}, el('th', {}, 'address'), el('th', { class: 'num' }, 'value'), el('th', {}, 'variables'), el('th', {}, '')),
        rows.filter((r) => !area || r.address[1] === area).map((r) => el('tr', { 'data-address': r.address, class: r.forced ? 'forced' : '' },
          el('td', {}, r.address), el('td', { class: 'num value' }, show(r.value)), el('td', {}, r.variables.join(', ')), el('td', {}, r.forced ? [el('span', { class: 'badge' }, 'forced'), el('span', { class: 'muted' }, ` under the force: ${show(r.ioValue)}`)] : '')))),
    ]));
  }

  window.vplc.start(render).then((session) => {
    tools.hidden = session.role !== 'operator';
  });
})();
