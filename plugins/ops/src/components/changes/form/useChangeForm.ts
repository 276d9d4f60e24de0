import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi } from '@backstage/core-plugin-api';
import {
  blockingFindings,
  ChangePolicy,
  ChangeRequest,
  checkChangePolicy,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../../api';
import { useChangesLinks } from '../useChangesLinks';
import {
  bodyOf,
  Field,
  FieldErrors,
  FormState,
  SectionProps,
  validate,
} from './state';
import { useConflicts } from './useConflicts';

/** What the field says when the policy wants a justification and has none. */
const justificationRequired =
  'A justification is required: why this change cannot wait for a maintenance window or due notice.';

/**
 * The change request form's state: the values, the API schema's errors
 * (shown once a field is touched or a send was tried), the change policy's
 * findings and overlapping changes, and sending it (create or update) or
 * leaving it.
 */
export function useChangeForm(options: {
  mode: 'create' | 'edit';
  policy: ChangePolicy;
  existing?: ChangeRequest;
  initial: FormState;
}) {
  const { mode, policy, existing } = options;
  const opsApi = useApi(opsApiRef);
  const navigate = useNavigate();
  const links = useChangesLinks();
  const [state, setState] = useState<FormState>(options.initial);
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [attempted, setAttempted] = useState(false);
  const [attemptedAction, setAttemptedAction] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string>();
  const [now] = useState(() => new Date());

  const onChange = <K extends Field>(field: K, value: FormState[K]) =>
    setState(prev => ({ ...prev, [field]: value }));
  const onBlur = (field: Field) =>
    setTouched(prev => ({ ...prev, [field]: true }));

  const errors = useMemo(() => validate(state), [state]);
  const body = bodyOf(state);
  const periodValid = Boolean(
    body.plannedStart &&
      body.plannedEnd &&
      Date.parse(body.plannedEnd) > Date.parse(body.plannedStart),
  );
  const findings = periodValid ? checkChangePolicy(body, policy, now) : [];
  const blocking = blockingFindings(findings, body.justification);
  // After a try to submit, what the policy needs shows at the fields too.
  const policyErrors: FieldErrors = {};
  if (attemptedAction) {
    for (const f of blocking) {
      if (f.field && !policyErrors[f.field]) {
        policyErrors[f.field] =
          f.field === 'justification' ? justificationRequired : f.message;
      }
    }
  }
  // The schema's word on a field comes first, the policy's after.
  const shown: FieldErrors = {};
  for (const field of Object.keys(state) as Field[]) {
    const message =
      (touched[field] || attempted ? errors[field] : undefined) ??
      policyErrors[field];
    if (message) shown[field] = message;
  }

  const conflicts = useConflicts({
    entityRefs: state.entityRefs,
    plannedStart: body.plannedStart,
    plannedEnd: body.plannedEnd,
    periodValid,
    exceptId: existing?.id,
  });

  useEffect(() => setSendError(undefined), [state]);

  const send = async (action?: 'submit' | 'start') => {
    setAttempted(true);
    if (action) setAttemptedAction(true);
    if (Object.keys(errors).length > 0) {
      setSendError('Some fields need attention: see the messages under them.');
      return;
    }
    if (action && blocking.length > 0) {
      setSendError(
        `The change cannot be ${
          action === 'start' ? 'started' : 'submitted'
        } yet: ${blocking.map(f => f.message).join(' ')}`,
      );
      return;
    }
    setSending(true);
    try {
      if (mode === 'edit' && existing) {
        const saved = await opsApi.updateChangeRequest(existing.id, {
          title: body.title,
          description: body.description,
          category: body.category,
          risk: body.risk,
          standardType: body.standardType ?? null,
          justification: body.justification ?? null,
          entityRefs: body.entityRefs,
          plannedStart: body.plannedStart,
          plannedEnd: body.plannedEnd,
          implementationPlan: body.implementationPlan,
          rollbackPlan: body.rollbackPlan,
          testPlan: body.testPlan,
          version: existing.version,
        });
        navigate(links.detail(saved.change.id));
      } else {
        const created = await opsApi.createChangeRequest({ ...body, action });
        navigate(links.detail(created.change.id));
      }
    } catch (e) {
      setSendError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  const fields: SectionProps<Field> = {
    values: state,
    errors: shown,
    onChange,
    onBlur,
  };
  return {
    fields,
    findings,
    justified: Boolean(body.justification),
    needsJustification: findings.some(f => f.severity === 'justify'),
    conflicts,
    now,
    send,
    sending,
    sendError,
    cancel: () => navigate(existing ? links.detail(existing.id) : links.list),
  };
}
