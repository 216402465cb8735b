/**
 * The editor's and review page's own styles, served at /communiques/editeur.css (the frame's
 * stylesheet stays the frame's): form beside preview, repeated blocks, diffs marked by more than
 * colour (ins/del are also announced in words), live errors beside their field.
 */
export const editorCss = `
.editor-layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 2rem; }
@media (min-width: 1200px) { .editor-layout { grid-template-columns: minmax(0, 1fr) minmax(0, 680px); } .preview { position: sticky; top: 0.5rem; align-self: start; max-height: calc(100vh - 1rem); overflow: auto; } }
.editor-form fieldset { border: 1px solid var(--border); padding: 0.8rem 1rem; margin: 0 0 1.2rem; }
.editor-form legend { font-weight: 700; padding: 0 0.3rem; }
.editor-form input[type="text"], .editor-form input[type="url"], .editor-form input[type="email"], .editor-form input[type="tel"], .editor-form textarea { width: 100%; max-width: 48rem; box-sizing: border-box; }
.block-rows { list-style: none; padding: 0; margin: 0 0 0.6rem; }
.block-row { background: var(--light); }
.row-actions { display: flex; gap: 0.4rem; flex-wrap: wrap; }
.form-actions { display: flex; align-items: center; gap: 1rem; margin: 0.6rem 0 1.2rem; }
.save-state { color: var(--muted); }
.live-error:empty { display: none; }
.md-toolbar { display: flex; gap: 0.3rem; margin-bottom: 0.3rem; }
.md-toolbar[hidden] { display: none; }
.cheat-sheet { margin-bottom: 0.8rem; }
.conflict-panel { border-left: 6px solid var(--error); background: #fdf0f1; padding: 0.6rem 1rem; margin-bottom: 1.2rem; }
.notice-inline, .review-comment { border-left: 6px solid var(--brand); background: var(--light); padding: 0.6rem 1rem; }
.preview-tabs ul { display: flex; flex-wrap: wrap; gap: 0.8rem; list-style: none; padding: 0; }
.preview-pane { margin-bottom: 1.5rem; }
.preview-pane iframe { border: 1px solid var(--border); background: #fff; max-width: 100%; }
.preview-text, .diff-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.preview-text { max-height: 40rem; overflow: auto; background: var(--light); padding: 0.6rem; }
.field-diff { border-collapse: collapse; width: 100%; }
.field-diff th, .field-diff td { border: 1px solid var(--border); padding: 0.4rem; vertical-align: top; text-align: left; }
.field-diff ins { background: #dff3e4; text-decoration: underline; }
.field-diff del { background: #fbe3e4; text-decoration: line-through; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }
.review-decision form { margin-bottom: 1.2rem; }
`;
