/**
 * The editor's own script, served at /communiques/editeur.js: a small Markdown toolbar (its
 * buttons exist only with JS; the cheat-sheet stays for everyone) and focus after htmx swaps a
 * repeated block (the new or moved row's first input). No inline handler, no eval.
 */
export const editorJs = `
(function () {
  function changed(area) { area.dispatchEvent(new Event('input', { bubbles: true })); }
  function wrap(area, before, after, placeholder) {
    var s = area.selectionStart, e = area.selectionEnd, v = area.value;
    var picked = v.slice(s, e) || placeholder;
    area.value = v.slice(0, s) + before + picked + after + v.slice(e);
    area.focus();
    area.setSelectionRange(s + before.length, s + before.length + picked.length);
    changed(area);
  }
  function list(area) {
    var s = area.selectionStart, e = area.selectionEnd, v = area.value;
    var start = v.lastIndexOf('\\n', s - 1) + 1;
    var lines = v.slice(start, e).split('\\n').map(function (l) { return l.indexOf('- ') === 0 ? l : '- ' + l; }).join('\\n');
    area.value = v.slice(0, start) + lines + v.slice(e);
    area.focus();
    area.setSelectionRange(start, start + lines.length);
    changed(area);
  }
  function setup(root) {
    root.querySelectorAll('[data-md-toolbar]').forEach(function (bar) {
      if (bar.getAttribute('data-ready')) return;
      var area = document.getElementById(bar.getAttribute('data-md-toolbar'));
      if (!area) return;
      bar.setAttribute('data-ready', '1');
      bar.setAttribute('role', 'toolbar');
      bar.setAttribute('aria-label', 'Mise en forme du texte');
      bar.setAttribute('aria-controls', area.id);
      [
        ['Gras', function () { wrap(area, '**', '**', 'texte en gras'); }],
        ['Italique', function () { wrap(area, '*', '*', 'texte en italique'); }],
        ['Lien', function () { wrap(area, '[', '](https://)', 'libellé du lien'); }],
        ['Liste', function () { list(area); }]
      ].forEach(function (b) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary';
        button.textContent = b[0];
        button.addEventListener('click', b[1]);
        bar.appendChild(button);
      });
      bar.hidden = false;
    });
  }
  function focusMovedRow() {
    var target = document.querySelector('.repeated-block [data-autofocus]');
    if (target) { target.removeAttribute('data-autofocus'); target.focus(); }
  }
  document.addEventListener('DOMContentLoaded', function () {
    setup(document);
    // After an add/remove/move posted without htmx: the row concerned, unless errors are shown.
    if (!document.querySelector('.error-summary')) focusMovedRow();
  });
  document.addEventListener('htmx:afterSettle', function () {
    setup(document);
    focusMovedRow();
  });
})();
`;
