import {
  ChangeCategory,
  ChangeRequest,
  ChangeRisk,
  createChangeRequestSchema,
  CreateChangeRequestInput,
  fieldErrorsOf,
} from '@opsportal/plugin-ops-common';
import { fromLocalInput, toLocalInput } from '../format';

/** The change request form's fields, as the inputs hold them. */
export interface FormState {
  title: string;
  description: string;
  category: ChangeCategory;
  risk: ChangeRisk;
  standardType: string;
  justification: string;
  entityRefs: string[];
  plannedStart: string;
  plannedEnd: string;
  implementationPlan: string;
  rollbackPlan: string;
  testPlan: string;
}

export type Field = keyof FormState;

/** A message per field, e.g. "must be at least 3 characters". */
export type FieldErrors<F extends Field = Field> = Partial<Record<F, string>>;

/**
 * What a section of the form gets: all values (a section may read the
 * category), and the errors to show, a change and a blur for its own fields.
 */
export interface SectionProps<F extends Field> {
  values: FormState;
  errors: FieldErrors<F>;
  onChange: <K extends F>(field: K, value: FormState[K]) => void;
  onBlur: (field: F) => void;
}

export function initialState(entityRef?: string | null): FormState {
  return {
    title: '',
    description: '',
    category: 'normal',
    risk: 'medium',
    standardType: '',
    justification: '',
    entityRefs: entityRef ? [entityRef.toLocaleLowerCase('en-US')] : [],
    plannedStart: '',
    plannedEnd: '',
    implementationPlan: '',
    rollbackPlan: '',
    testPlan: '',
  };
}

export function stateOf(change: ChangeRequest): FormState {
  return {
    title: change.title,
    description: change.description,
    category: change.category,
    risk: change.risk,
    standardType: change.standardType ?? '',
    justification: change.justification ?? '',
    entityRefs: change.entityRefs,
    plannedStart: toLocalInput(change.plannedStart),
    plannedEnd: toLocalInput(change.plannedEnd),
    implementationPlan: change.implementationPlan,
    rollbackPlan: change.rollbackPlan,
    testPlan: change.testPlan,
  };
}

/** The request body the form stands for. */
export function bodyOf(state: FormState): CreateChangeRequestInput {
  return {
    title: state.title,
    description: state.description,
    category: state.category,
    risk: state.risk,
    standardType:
      state.category === 'standard' && state.standardType
        ? state.standardType
        : undefined,
    justification: state.justification.trim() ? state.justification : undefined,
    entityRefs: state.entityRefs,
    plannedStart: fromLocalInput(state.plannedStart),
    plannedEnd: fromLocalInput(state.plannedEnd),
    implementationPlan: state.implementationPlan,
    rollbackPlan: state.rollbackPlan,
    testPlan: state.testPlan,
  };
}

/** The API's own schema on the body, and what the form needs besides. */
export function validate(state: FormState): FieldErrors {
  const result = createChangeRequestSchema.safeParse(bodyOf(state));
  const errors: FieldErrors = result.success
    ? {}
    : (fieldErrorsOf(result.error) as FieldErrors);
  if (!state.plannedStart) errors.plannedStart = 'is required';
  if (!state.plannedEnd) errors.plannedEnd = 'is required';
  if (state.category === 'standard' && !state.standardType) {
    errors.standardType = 'is required for a standard change';
  }
  return errors;
}

/** "Title must be at least 3 characters"; policy messages are sentences already. */
export const sentence = (label: string, message: string) =>
  /^[A-Z]/.test(message)
    ? message
    : `${label} ${message}`.replace(/^(\w)/, c => c.toLocaleUpperCase('en-US'));
