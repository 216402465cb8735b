/** The workspace's style sheet, served at /assets/workspace.css. Colours meet WCAG 2.1 AA contrast on white. */
export const workspaceCss = `
:root { --brand: #00557f; --text: #1a1a1a; --muted: #4a4a4a; --error: #b00020; --ok: #1d6b2f; --border: #8a8a8a; --light: #f3f5f7; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); line-height: 1.5; background: #fff; }
a { color: var(--brand); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus, [tabindex]:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
.skip-link { position: absolute; left: -10000px; top: 0; background: #ffbf47; color: #000; padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { left: 0.5rem; }
.site-header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: 0.6rem 1.5rem; background: var(--brand); color: #fff; flex-wrap: wrap; }
.site-header .brand { display: flex; align-items: center; gap: 0.8rem; }
.site-header .brand img { background: #fff; padding: 2px; border-radius: 2px; }
.brand-name { font-weight: 700; font-size: 1.1rem; }
.product { opacity: 0.95; border-left: 1px solid #fff; padding-left: 0.8rem; }
.account { display: flex; align-items: center; gap: 0.8rem; }
.account .role { font-size: 0.9rem; }
.link-button { background: none; border: 0; color: inherit; text-decoration: underline; cursor: pointer; font: inherit; padding: 0; }
.site-header .link-button { color: #fff; }
.main-nav { background: var(--light); border-bottom: 1px solid #d0d4d8; padding: 0 1.5rem; }
.main-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.2rem; }
.main-nav a { display: block; padding: 0.7rem 0.9rem; text-decoration: none; color: var(--text); border-bottom: 4px solid transparent; }
.main-nav a[aria-current="page"] { border-bottom-color: var(--brand); font-weight: 700; }
.main-nav a:hover { text-decoration: underline; }
main { padding: 1.5rem; max-width: 80rem; margin: 0 auto; }
main:focus { outline: none; }
.site-footer { padding: 1rem 1.5rem; color: var(--muted); font-size: 0.9rem; border-top: 1px solid #d0d4d8; }
h1 { font-size: 1.8rem; margin: 0 0 1rem; line-height: 1.2; }
h2 { font-size: 1.35rem; margin: 1.5rem 0 0.6rem; }
h3 { font-size: 1.1rem; margin: 1rem 0 0.4rem; }
.notice-region .notice { margin: 1rem 1.5rem 0; padding: 0.8rem 1rem; border-left: 6px solid var(--ok); background: #eef7f0; }
.error-summary { border: 4px solid var(--error); padding: 1rem 1.2rem; margin-bottom: 1.5rem; }
.error-summary h2 { margin-top: 0; color: var(--error); }
.error-summary a { color: var(--error); font-weight: 600; }
.field { margin-bottom: 1.1rem; }
.field label, .label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.field-error { border-left: 4px solid var(--error); padding-left: 0.8rem; }
.error-message { color: var(--error); font-weight: 600; margin: 0.2rem 0; }
.hint { color: var(--muted); margin: 0.1rem 0 0.3rem; font-size: 0.95rem; }
input[type="text"], input[type="email"], input[type="password"], input[type="url"], input[type="date"], input[type="time"], input[type="datetime-local"], input[type="search"], input[type="number"], select, textarea {
  font: inherit; padding: 0.45rem 0.55rem; border: 2px solid var(--border); border-radius: 0; width: 100%; max-width: 40rem; background: #fff; color: var(--text); }
textarea { min-height: 6rem; }
[aria-invalid="true"] { border-color: var(--error); }
button, .button { display: inline-block; font: inherit; font-weight: 600; padding: 0.55rem 1.1rem; border: 2px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; border-radius: 2px; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.danger, .button.danger { background: var(--error); border-color: var(--error); color: #fff; }
button:disabled { opacity: 0.6; cursor: not-allowed; }
.actions { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; margin: 1rem 0; }
form.inline { display: inline; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #d0d4d8; vertical-align: top; }
th { background: var(--light); }
.status { display: inline-block; padding: 0.1rem 0.5rem; border: 1px solid currentColor; border-radius: 2px; font-size: 0.9rem; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #d0d4d8; padding: 1rem; }
.card h2 { margin-top: 0; font-size: 1.15rem; }
.muted { color: var(--muted); }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
progress { width: 100%; max-width: 30rem; height: 1.2rem; }
.editor-layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
@media (max-width: 70rem) { .editor-layout { grid-template-columns: 1fr; } }
.preview-frame { border: 1px solid var(--border); background: #fff; }
fieldset { border: 1px solid #d0d4d8; margin: 0 0 1rem; padding: 0.8rem 1rem; }
legend { font-weight: 700; padding: 0 0.3rem; }
.repeat-item { border-top: 1px dashed #d0d4d8; padding-top: 0.6rem; margin-top: 0.6rem; }
.tabs [role="tablist"] { display: flex; gap: 0.3rem; }
.diff-del { background: #fde8e8; text-decoration: line-through; }
.diff-ins { background: #e6f4ea; }
.pagination { display: flex; gap: 1rem; margin: 1rem 0; }
`;
