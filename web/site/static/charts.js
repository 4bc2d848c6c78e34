// Draws the charts of a page with ECharts (served by the service itself).
// Each chart's options are JSON in a <script type="application/json">
// block: parsed as data, never run, so names from uploads stay text. The
// table under each chart has the same numbers; without JavaScript the
// tables are all there is.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  if (typeof window.echarts === 'undefined') {
    document.documentElement.classList.remove('js');
    return;
  }
  var MINUS = '\u2212';
  var formats = {};
  function fmt(v, decimals) {
    if (v === null || v === undefined || v === '-' || isNaN(v)) { return '–'; }
    var f = formats[decimals];
    if (!f) {
      f = formats[decimals] = new Intl.NumberFormat('sv-SE', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    }
    return f.format(v).replace(/-/g, MINUS);
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function yValue(p) {
    var v = p.value;
    if (Array.isArray(v)) { v = v[1]; }
    return v;
  }
  function list(x) { return Array.isArray(x) ? x : (x ? [x] : []); }

  function draw(el) {
    var src = document.getElementById(el.getAttribute('data-chart'));
    if (!src) { return; }
    var opt = JSON.parse(src.textContent);
    var decimals = parseInt(el.getAttribute('data-decimals') || '0', 10);
    var unit = el.getAttribute('data-unit') || '';
    list(opt.xAxis).forEach(function (ax) {
      if (ax.type === 'value') { // years: no digit grouping
        ax.axisLabel = Object.assign({}, ax.axisLabel, { formatter: function (v) { return String(v); } });
      }
    });
    list(opt.yAxis).forEach(function (ax) {
      ax.nameTextStyle = Object.assign({}, ax.nameTextStyle, { align: 'left' });
      ax.axisLabel = Object.assign({}, ax.axisLabel, { formatter: function (v) { return fmt(v, Math.min(decimals, 2)); } });
    });
    opt.tooltip = Object.assign({}, opt.tooltip, {
      // Built from escaped text only: series names come from uploads.
      formatter: function (params) {
        params = list(params);
        if (!params.length) { return ''; }
        var head = params[0].axisValueLabel !== undefined ? params[0].axisValueLabel : params[0].axisValue;
        var out = '<strong>' + esc(head) + '</strong>';
        params.forEach(function (p) {
          var v = yValue(p);
          if (v === null || v === undefined || v === '-') { return; }
          out += '<br>' + p.marker + esc(p.seriesName) + ': ' + esc(fmt(v, decimals)) + (unit ? ' ' + esc(unit) : '');
        });
        return out;
      }
    });
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(opt);
    window.addEventListener('resize', function () { chart.resize(); });
  }
  function start() {
    var els = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) { draw(els[i]); }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
