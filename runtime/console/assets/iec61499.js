'use strict';
// IEC 61499: each resource's FB network drawn as SVG, with live values on the data pins and, on
// each event pin, the events that passed it (and the time of the last one), as 4diac's
// monitoring shows them.
(() => {
  const { el, getJson, show } = window.vplc;
  const main = document.getElementById('main');
  const NS = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const views = new Map(); // resource key → { pins: Map('FB.PIN' → text element), events: Map('FB.EVENT' → text element), header }
  // counts as they fit beside a pin: exact below a million, then M (the exact one is in the tooltip)
  const compact = (n) => (n < 1e6 ? n.toLocaleString('en-US') : `${(n / 1e6).toFixed(n < 1e8 ? 1 : 0)}M`);
  const seconds = (ns) => `${(ns / 1e9).toFixed(3)} s`;

  function draw(net) {
    const header = el('p', { class: 'muted' });
    const svg = svgEl('svg', { class: 'network', width: net.width, height: net.height, viewBox: `0 0 ${net.width} ${net.height}`, 'data-resource': net.key });
    const pins = new Map();
    const events = new Map();
    const at = new Map();
    const eventCount = (fb, p, attrs) => {
      const t = svgEl('text', { class: 'pin-count', 'data-event-pin': `${fb.name}.${p.name}`, 'data-count': '', ...attrs }, '');
      t.append(svgEl('title', {}, `${fb.name}.${p.name}: not counted yet`));
      events.set(`${fb.name}.${p.name}`, t);
      return t;
    };
    for (const fb of net.fbs) {
      const g = svgEl('g', { class: 'fb', 'data-fb': fb.name, transform: `translate(${fb.x},${fb.y})` });
      g.append(svgEl('rect', { class: 'body', width: fb.width, height: fb.height, rx: 4 }));
      g.append(svgEl('text', { class: 'title', x: fb.width / 2, y: 13, 'text-anchor': 'middle' }, fb.name));
      g.append(svgEl('text', { class: 'ftype', x: fb.width / 2, y: 26, 'text-anchor': 'middle' }, fb.type));
      for (const p of fb.inputs) {
        g.append(svgEl('text', { x: 5, y: p.y + 4, fill: p.kind === 'event' ? '#2f7d32' : '#1d2330' }, p.name));
        at.set(`in:${fb.name}.${p.name}`, [fb.x, fb.y + p.y]);
        if (p.kind === 'data') {
          const v = svgEl('text', { class: 'pin-value', x: -4, y: p.y + 4, 'text-anchor': 'end', 'data-pin': `${fb.name}.${p.name}` }, '');
          g.append(v);
          pins.set(`${fb.name}.${p.name}`, v);
        } else if (p.kind === 'event') {
          g.append(eventCount(fb, p, { x: -4, y: p.y + 4, 'text-anchor': 'end' }));
        }
      }
      for (const p of fb.outputs) {
        g.append(svgEl('text', { x: fb.width - 5, y: p.y + 4, 'text-anchor': 'end', fill: p.kind === 'event' ? '#2f7d32' : '#1d2330' }, p.name));
        at.set(`out:${fb.name}.${p.name}`, [fb.x + fb.width, fb.y + p.y]);
        if (p.kind === 'data') {
          const v = svgEl('text', { class: 'pin-value', x: fb.width + 4, y: p.y - 2, 'data-pin': `${fb.name}.${p.name}` }, '');
          g.append(v);
          pins.set(`${fb.name}.${p.name}`, v);
        } else if (p.kind === 'event') {
          g.append(eventCount(fb, p, { x: fb.width + 4, y: p.y - 2 }));
        }
      }
      svg.append(g);
    }
    for (const c of net.connections) {
      const a = at.get(`out:${c.from.fb}.${c.from.port}`);
      const b = at.get(`in:${c.to.fb}.${c.to.port}`);
      if (!a || !b) continue;
      const mid = b[0] > a[0] ? (a[0] + b[0]) / 2 : a[0] + 16;
      const d = b[0] > a[0] ? `M${a[0]},${a[1]} H${mid} V${b[1]} H${b[0]}` : `M${a[0]},${a[1]} H${mid} V${Math.max(a[1], b[1]) + 30} H${b[0] - 16} V${b[1]} H${b[0]}`;
      svg.prepend(svgEl('path', { class: c.kind, d }));
    }
    main.append(el('h2', {}, `Resource ${net.key}`), header, svg);
    views.set(net.key, { pins, events, header });
  }

  (async () => {
    await window.vplc.start(update);
    const nets = await getJson('/api/networks');
    if (nets.length === 0) main.append(el('p', { class: 'muted' }, 'The application has no IEC 61499 resource.'));
    for (const n of nets) draw(n);
  })();

  function update(d) {
    for (const [key, r] of Object.entries(d.resources)) {
      const v = views.get(key);
      if (!v) continue;
      const since = d.countingSince ? ` · events per pin counted since ${new Date(d.countingSince).toLocaleTimeString()}` : '';
      v.header.textContent = `${r.state}${r.events ? ` · ${r.events.delivered} events delivered · ${r.events.missedTicks} missed ticks` : ''}${r.pins ? since : ''}`;
      v.header.dataset.delivered = r.events ? String(r.events.delivered) : '0';
      for (const [pin, text] of v.pins) {
        const value = r.vars[pin];
        const s = value === undefined ? '' : show(value);
        if (text.textContent !== s) text.textContent = s;
      }
      // [count, resource time of the last event in ns (-1: none)]; a pin that passed events
      // since the last update is marked
      for (const [pin, text] of v.events) {
        const c = r.pins?.[pin];
        if (!c) continue;
        const [count, lastNs] = c;
        const before = text.dataset.count === '' ? count : Number(text.dataset.count);
        text.dataset.count = String(count);
        text.dataset.lastNs = String(lastNs);
        text.classList.toggle('fired', count > before);
        const label = compact(count);
        if (text.firstChild?.nodeType !== Node.TEXT_NODE) text.prepend(document.createTextNode(label));
        else if (text.firstChild.textContent !== label) text.firstChild.textContent = label;
        text.lastChild.textContent = `${pin}: ${count.toLocaleString('en-US')} events${lastNs >= 0 ? `, the last at ${seconds(lastNs)} (resource time)` : ''}`;
      }
    }
  }
})();
