import type { Child } from 'hono/jsx';
import { errorFor, type FieldError, fieldId } from '../components/forms';

/**
 * The editor's inputs. Like the frame's TextField, plus a slot next to each input where the
 * live preview puts the error it finds for that field (htmx out-of-band swap), so a render or
 * validation error shows beside the field it names while the author types.
 */
export const liveErrorSlotId = (field: string) => `${fieldId(field)}-direct`;

export function LiveErrorSlot(props: { field: string; message?: string; oob?: boolean }) {
  return (
    <div id={liveErrorSlotId(props.field)} class="live-error" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.message ? (
        <p class="error-message">
          <span class="visually-hidden">Erreur dans l’aperçu : </span>
          {props.message}
        </p>
      ) : null}
    </div>
  );
}

interface EditorFieldProps {
  /** The form name, which is also the content path the schema's errors name. */
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly hint?: string;
  readonly errors?: readonly FieldError[];
  readonly required?: boolean;
  readonly maxlength?: number;
  /** The content path when it differs from the form name (the embargo). */
  readonly field?: string;
  readonly autofocus?: boolean;
}

function Frame(props: EditorFieldProps & { children: Child }) {
  const field = props.field ?? props.name;
  const id = fieldId(field);
  const error = errorFor(props.errors, field);
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`${id}-aide`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error-message" id={`${id}-erreur`}>
          <span class="visually-hidden">Erreur : </span>
          {error}
        </p>
      ) : null}
      {props.children}
      <LiveErrorSlot field={field} />
    </div>
  );
}

const describedBy = (props: EditorFieldProps) => {
  const field = props.field ?? props.name;
  const id = fieldId(field);
  return [props.hint ? `${id}-aide` : '', errorFor(props.errors, field) ? `${id}-erreur` : '', liveErrorSlotId(field)]
    .filter(Boolean)
    .join(' ');
};

export function Input(props: EditorFieldProps & { type?: string; list?: string }) {
  const field = props.field ?? props.name;
  return (
    <Frame {...props}>
      <input
        id={fieldId(field)}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        list={props.list}
        maxlength={props.maxlength}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={errorFor(props.errors, field) ? 'true' : undefined}
        aria-describedby={describedBy(props)}
        data-autofocus={props.autofocus ? true : undefined}
      />
    </Frame>
  );
}

export function Area(props: EditorFieldProps & { rows?: number; toolbar?: boolean }) {
  const field = props.field ?? props.name;
  return (
    <Frame {...props}>
      {props.toolbar ? <div class="md-toolbar" data-md-toolbar={fieldId(field)} hidden></div> : null}
      <textarea
        id={fieldId(field)}
        name={props.name}
        rows={props.rows ?? 4}
        maxlength={props.maxlength}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={errorFor(props.errors, field) ? 'true' : undefined}
        aria-describedby={describedBy(props)}
        data-autofocus={props.autofocus ? true : undefined}
      >
        {props.value ?? ''}
      </textarea>
    </Frame>
  );
}

export function Select(props: EditorFieldProps & { options: readonly { value: string; label: string }[] }) {
  const field = props.field ?? props.name;
  return (
    <Frame {...props}>
      <select
        id={fieldId(field)}
        name={props.name}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={errorFor(props.errors, field) ? 'true' : undefined}
        aria-describedby={describedBy(props)}
        data-autofocus={props.autofocus ? true : undefined}
      >
        {props.options.map((o) => (
          <option value={o.value} selected={(props.value ?? '') === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}
