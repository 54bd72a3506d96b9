'use strict';
// Determinism: per task, the rolling trend of start lateness and execution time (p99 and mean
// of each update period) and the histograms since start with p50, p99 and p99.9 marked.
(() => {
  const { el, us } = window.vplc;
  const main = document.getElementById('main');
  main.append(el('p', { class: 'muted' }, 'Lateness: actual start of a scan minus its ideal release. Trend points: p99 and mean of the scans in each update period. Histograms: every scan since start.'));
  const cards = new Map();
  const WIDTH = 540;

  function marksPlugin(get) {
    return {
      hooks: {
        draw: [(u) => {
          const ctx = u.ctx;
          const { top, height } = u.bbox;
          ctx.save();
          ctx.font = `${11 * devicePixelRatio}px system-ui`;
          for (const [label, v, color] of get()) {
            if (!(v > 0)) continue;
            const x = u.valToPos(v, 'x', true);
            ctx.strokeStyle = color;
            ctx.fillStyle = color;
            ctx.setLineDash([4, 3]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.fillText(`${label} ${us(v)} µs`, x + 4, top + 12 * devicePixelRatio + (label === 'p99' ? 14 : label === 'p99.9' ? 28 : 0) * devicePixelRatio);
          }
          ctx.restore();
        }],
      },
    };
  }

  function histogram(title, marks) {
    return new uPlot({
      title, width: WIDTH, height: 200,
      scales: { x: { time: false, distr: 3 }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [{ label: 'µs' }, { label: 'scans', size: 60 }],
      series: [{ label: 'µs' }, { label: 'scans', stroke: '#5b6b8c', fill: 'rgba(91,107,140,0.35)', paths: uPlot.paths.bars({ size: [0.8, 6] }), points: { show: false } }],
      legend: { show: false },
      plugins: [marksPlugin(marks)],
    }, [[], []]);
  }

  function card(name) {
    const c = { marks: { lateness: [], exec: [] } };
    c.root = el('div', { class: 'card', 'data-task': name, 'data-points': '0' }, el('h3', {}, `Task ${name}`));
    c.summary = el('div', { class: 'muted summary' });
    c.root.append(c.summary);
    const trendBox = el('div', { class: 'trend' });
    const latBox = el('div', { class: 'hist-lateness' });
    const execBox = el('div', { class: 'hist-exec' });
    c.root.append(el('div', { class: 'charts' }, trendBox, latBox, execBox));
    main.append(c.root);
    c.trend = new uPlot({
      title: 'Start lateness and execution time (µs)', width: WIDTH, height: 220,
      scales: { x: { time: true } },
      axes: [{}, { label: 'µs', size: 60 }],
      series: [{}, { label: 'lateness p99', stroke: '#cf222e', width: 1.5 }, { label: 'lateness mean', stroke: '#f08c8c' }, { label: 'exec p99', stroke: '#1f6feb', width: 1.5 }, { label: 'exec mean', stroke: '#8cb4f0' }],
    }, [[], [], [], [], []], trendBox);
    c.lateness = histogram('Start lateness since start', () => c.marks.lateness);
    latBox.append(c.lateness.root);
    c.exec = histogram('Execution time since start', () => c.marks.exec);
    execBox.append(c.exec.root);
    cards.set(name, c);
    return c;
  }

  const marks = (s) => [['p50', s.p50, '#1a7f37'], ['p99', s.p99, '#bf5700'], ['p99.9', s.p999, '#cf222e']];

  window.vplc.start((d) => {
    for (const [name, m] of Object.entries(d.tasks)) {
      const c = cards.get(name) || card(name);
      const pts = d.trends[name] || [];
      c.trend.setData([pts.map((p) => p.t / 1000), pts.map((p) => p.latenessP99Us), pts.map((p) => p.latenessMeanUs), pts.map((p) => p.execP99Us), pts.map((p) => p.execMeanUs)]);
      c.root.dataset.points = String(pts.length);
      c.marks.lateness = marks(m.latenessUs);
      c.marks.exec = marks(m.execUs);
      const h = d.histograms[name] || { lateness: [], exec: [] };
      c.lateness.setData([h.lateness.map((b) => Math.max(b[1], 0.001)), h.lateness.map((b) => b[2])]);
      c.exec.setData([h.exec.map((b) => Math.max(b[1], 0.001)), h.exec.map((b) => b[2])]);
      c.summary.textContent = `${m.cycles} scans, ${m.overruns} overruns · lateness p50 ${us(m.latenessUs.p50)} / p99 ${us(m.latenessUs.p99)} / p99.9 ${us(m.latenessUs.p999)} / max ${us(m.latenessUs.max)} µs · exec p50 ${us(m.execUs.p50)} / p99 ${us(m.execUs.p99)} / max ${us(m.execUs.max)} µs`;
    }
  });
})();
