// Runs in the browser page (plain JavaScript, injected as is: no transpiler helpers).
// window.renderAndMeasure(text) renders Mermaid text into #diagram with mermaid's default
// configuration, fitted to the page width (mermaid's useMaxWidth), and measures what a reader
// sees: sizes, every label's box and text height, the boxes of states and composite states.
/* global window, document, getComputedStyle */
window.renderAndMeasure = async (source) => {
  const { svg } = await window.mermaid.render(`diagram${Date.now()}`, source);
  const host = document.getElementById('diagram');
  host.innerHTML = svg;
  const element = host.querySelector('svg');
  const viewBox = element.viewBox.baseVal;
  const fitted = element.getBoundingClientRect();
  const scale = fitted.width / viewBox.width;
  const boxOf = (rect) => ({ x: rect.x, y: rect.y, width: rect.width, height: rect.height });
  const labels = [];
  for (const span of element.querySelectorAll('span.nodeLabel, span.edgeLabel')) {
    const text = (span.textContent ?? '').trim();
    if (text === '') continue;
    const kind = span.classList.contains('edgeLabel') ? 'edge' : span.closest('.cluster-label') ? 'group' : 'state';
    const fontSize = Number.parseFloat(getComputedStyle(span.querySelector('p') ?? span).fontSize);
    labels.push({ kind, text, box: boxOf(span.getBoundingClientRect()), textHeight: fontSize * scale });
  }
  const groups = {};
  for (const cluster of element.querySelectorAll('g.statediagram-cluster[data-id]')) {
    const outer = cluster.querySelector('rect.outer') ?? cluster.querySelector('rect');
    if (outer) groups[cluster.dataset.id] = boxOf(outer.getBoundingClientRect());
  }
  const states = {};
  // Mermaid names a state's node `<svg id>-state-<state id>-<n>`.
  for (const node of element.querySelectorAll(`g.node[id^="${element.id}-state-"]`)) {
    const id = node.id.slice(`${element.id}-state-`.length).replace(/-\d+$/, '');
    const shape = node.querySelector('rect, path, circle');
    states[id] = { ...boxOf(node.getBoundingClientRect()), fill: shape ? getComputedStyle(shape).fill : '' };
  }
  return {
    svg: host.innerHTML,
    natural: { width: viewBox.width, height: viewBox.height },
    fitted: { width: fitted.width, height: fitted.height },
    scale,
    labels,
    groups,
    states,
  };
};
