/**
 * The workspace's own script, served at /assets/workspace.js: focus management after htmx swaps
 * (focus goes to the new heading, or to the error summary), nothing else. Pages work without it.
 */
export const workspaceJs = `
(function () {
  function focusFirst(root) {
    var target = root.querySelector('[data-autofocus]') || root.querySelector('h1');
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }
  document.addEventListener('DOMContentLoaded', function () {
    var summary = document.querySelector('.error-summary');
    if (summary) summary.focus();
  });
  document.addEventListener('htmx:afterSwap', function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === 'contenu') focusFirst(target);
  });
})();
`;
