import type { Child } from 'hono/jsx';
import { ZodError } from 'zod';
import { DomainError } from '../../../domain/errors';
import { zodIssues } from '../../error-responses';
import { csrfFieldName } from '../workspace-env';

/** One invalid field: `field` is the path the API names (e.g. `event.venue.name`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The id of the input for a field path, so that error links land on it. */
export const fieldId = (field: string) => `champ-${field.replace(/[^a-zA-Z0-9_-]+/g, '-')}`;

/**
 * The French messages of what a use-case threw, per field: the same messages the API gives.
 * Returns undefined for errors the user cannot fix (they go to the error page).
 */
export function fieldErrorsOf(error: unknown): FieldError[] | undefined {
  if (error instanceof ZodError) return zodIssues(error);
  if (error instanceof DomainError) {
    const field = (error as { field?: string }).field;
    return [{ field: field ?? '', message: error.message }];
  }
  if (error instanceof Error && error.name === 'RenderError') {
    const field = (error as { field?: string }).field;
    return [{ field: field ?? '', message: error.message }];
  }
  return undefined;
}

export const errorFor = (errors: readonly FieldError[] | undefined, field: string) => errors?.find((e) => e.field === field)?.message;

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={csrfFieldName} value={props.token} />;
}

/**
 * Above a form with errors: a summary that takes focus and links to each invalid field
 * (GOV.UK Frontend's error summary pattern).
 */
export function ErrorSummary(props: { errors?: readonly FieldError[] }) {
  if (!props.errors || props.errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} aria-labelledby="titre-erreurs" data-autofocus>
      <h2 id="titre-erreurs">Il y a un problème</h2>
      <ul>
        {props.errors.map((e) => (
          <li>{e.field ? <a href={`#${fieldId(e.field)}`}>{e.message}</a> : e.message}</li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  readonly name: string;
  readonly label: string;
  readonly value?: string | number;
  readonly hint?: string;
  readonly error?: string;
  readonly required?: boolean;
  /** Path named by the API's errors, when it differs from the form name. */
  readonly field?: string;
}

function FieldFrame(props: FieldProps & { children: Child }) {
  const id = fieldId(props.field ?? props.name);
  return (
    <div class={props.error ? 'field field-error' : 'field'}>
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`${id}-aide`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="error-message" id={`${id}-erreur`}>
          <span class="visually-hidden">Erreur : </span>
          {props.error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

const describedBy = (props: FieldProps) => {
  const id = fieldId(props.field ?? props.name);
  return [props.hint ? `${id}-aide` : '', props.error ? `${id}-erreur` : ''].filter(Boolean).join(' ') || undefined;
};

export function TextField(props: FieldProps & { type?: string; maxlength?: number; autocomplete?: string }) {
  return (
    <FieldFrame {...props}>
      <input
        id={fieldId(props.field ?? props.name)}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value === undefined ? '' : String(props.value)}
        maxlength={props.maxlength}
        autocomplete={props.autocomplete}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
    </FieldFrame>
  );
}

export function TextArea(props: FieldProps & { rows?: number; maxlength?: number }) {
  return (
    <FieldFrame {...props}>
      <textarea
        id={fieldId(props.field ?? props.name)}
        name={props.name}
        rows={props.rows ?? 4}
        maxlength={props.maxlength}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.value === undefined ? '' : String(props.value)}
      </textarea>
    </FieldFrame>
  );
}

export function SelectField(props: FieldProps & { options: readonly { value: string; label: string }[] }) {
  return (
    <FieldFrame {...props}>
      <select
        id={fieldId(props.field ?? props.name)}
        name={props.name}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.options.map((o) => (
          <option value={o.value} selected={String(props.value ?? '') === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
