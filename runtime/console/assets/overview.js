'use strict';
// Overview: resources and their tasks, faults with where they happened, I/O devices.
(() => {
  const { el, us } = window.vplc;
  const main = document.getElementById('main');
  const sections = {
    resources: el('table', { id: 'resources' }),
    tasks: el('table', { id: 'tasks' }),
    faults: el('div', { id: 'faults' }),
    devices: el('table', { id: 'devices' }),
  };
  main.append(el('h2', {}, 'Resources'), sections.resources, el('h2', {}, 'Tasks'), sections.tasks, el('h2', {}, 'Faults'), sections.faults, el('h2', {}, 'I/O devices'), sections.devices);

  function fill(table, head, rows) {
    table.replaceChildren(el('tr', {}, head.map(([h, cls]) => el('th', { class: cls }, h))), ...rows);
  }

  window.vplc.start((d) => {
    fill(sections.resources, [['resource'], ['kind'], ['state'], ['forced', 'num'], ['events delivered', 'num']], d.resources.map((r) =>
      el('tr', { 'data-resource': r.name },
        el('td', {}, r.name), el('td', {}, r.kind), el('td', { class: `state state-${r.state}` }, r.state),
        el('td', { class: r.forced ? 'num forced' : 'num' }, r.forced), el('td', { class: 'num' }, r.events ? r.events.delivered : ''))));
    const tasks = d.resources.flatMap((r) => r.tasks.map((t) => ({ ...t, resource: r.name })));
    fill(sections.tasks, [['resource'], ['task'], ['interval', 'num'], ['state'], ['cycles', 'num'], ['overruns', 'num'], ['faults', 'num'], ['exec p50 µs', 'num'], ['exec p99 µs', 'num'], ['exec max µs', 'num'], ['lateness p50 µs', 'num'], ['lateness p99 µs', 'num'], ['lateness max µs', 'num']], tasks.map((t) =>
      el('tr', { 'data-task': t.name },
        el('td', {}, t.resource), el('td', {}, t.name), el('td', { class: 'num' }, t.intervalMs ? `${t.intervalMs} ms` : 'events'),
        el('td', { class: t.faulted ? 'state-faulted' : 'state-running' }, t.faulted ? 'faulted' : 'running'),
        el('td', { class: 'num cycles' }, t.cycles), el('td', { class: 'num' }, t.overruns), el('td', { class: 'num' }, t.faults + t.watchdogFaults),
        el('td', { class: 'num' }, us(t.execUs.p50)), el('td', { class: 'num' }, us(t.execUs.p99)), el('td', { class: 'num' }, us(t.execUs.max)),
        el('td', { class: 'num' }, us(t.latenessUs.p50)), el('td', { class: 'num' }, us(t.latenessUs.p99)), el('td', { class: 'num' }, us(t.latenessUs.max)))));
    sections.faults.replaceChildren(d.faults.length === 0 ? el('p', { class: 'muted' }, 'none') :
      el('table', {}, el('tr', {}, ['kind', 'resource', 'task', 'POU', 'where', 'detail'].map((h) => el('th', {}, h))),
        d.faults.map((f) => el('tr', { class: 'fault' }, el('td', { class: 'error' }, f.kind), el('td', {}, f.resource || ''), el('td', {}, f.task || ''), el('td', {}, f.pou), el('td', {}, `${f.file}:${f.line}`), el('td', {}, f.detail || '')))));
    fill(sections.devices, [['device'], ['ok'], ['requests', 'num'], ['errors', 'num'], ['reconnects', 'num'], ['round trip p50 ms', 'num'], ['p99 ms', 'num'], ['max ms', 'num'], ['last error']], d.devices.map((v) =>
      el('tr', { 'data-device': v.device, 'data-ok': v.ok ? '1' : '0' },
        el('td', {}, v.device), el('td', {}, el('span', { class: v.ok ? 'ok-bit on' : 'ok-bit' }), v.ok ? 'ok' : 'not answering'),
        el('td', { class: 'num' }, v.requests), el('td', { class: 'num errors' }, v.errors), el('td', { class: 'num' }, v.reconnects),
        el('td', { class: 'num' }, v.roundTripMs.p50.toFixed(2)), el('td', { class: 'num' }, v.roundTripMs.p99.toFixed(2)), el('td', { class: 'num' }, v.roundTripMs.max.toFixed(2)),
        el('td', { class: 'error' }, v.lastError))));
    if (d.devices.length === 0) sections.devices.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'no I/O devices configured')));
  });
})();
