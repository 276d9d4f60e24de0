import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  Content,
  ContentHeader,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { makeStyles } from '@material-ui/core/styles';
import {
  activeChangeStatuses,
  blockingFindings,
  changeCategories,
  ChangeCategory,
  changeCategoryGuidance,
  changeLabels,
  ChangePolicy,
  ChangeRequest,
  changeRisks,
  ChangeRisk,
  checkChangePolicy,
  createChangeRequestSchema,
  CreateChangeRequestInput,
  describeMaintenanceWindow,
  fieldErrorsOf,
  suggestedMaintenanceWindow,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { opsApiRef } from '../../api';
import { EntityPicker } from './EntityPicker';
import {
  formatDateTime,
  formatPeriod,
  fromLocalInput,
  toLocalInput,
} from './format';
import { ConflictWarnings, PolicyFindings } from './PolicyFindings';
import { useChangesLinks } from './useChangesLinks';

const useStyles = makeStyles(theme => ({
  paper: { padding: theme.spacing(3) },
  section: { marginTop: theme.spacing(3) },
  guidance: {
    margin: theme.spacing(0, 0, 1, 4),
    color: theme.palette.text.secondary,
  },
  buttons: {
    display: 'flex',
    gap: theme.spacing(2),
    marginTop: theme.spacing(3),
    flexWrap: 'wrap',
  },
}));

interface FormState {
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

type Field = keyof FormState;

function initialState(entityRef?: string | null): FormState {
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

function stateOf(change: ChangeRequest): FormState {
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
function bodyOf(state: FormState): CreateChangeRequestInput {
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

function validate(state: FormState): Partial<Record<Field, string>> {
  const result = createChangeRequestSchema.safeParse(bodyOf(state));
  const errors: Partial<Record<Field, string>> = result.success
    ? {}
    : (fieldErrorsOf(result.error) as Partial<Record<Field, string>>);
  if (!state.plannedStart) errors.plannedStart = 'is required';
  if (!state.plannedEnd) errors.plannedEnd = 'is required';
  if (state.category === 'standard' && !state.standardType) {
    errors.standardType = 'is required for a standard change';
  }
  return errors;
}

/** "Title must be at least 3 characters"; policy messages are sentences already. */
const sentence = (label: string, message: string) =>
  /^[A-Z]/.test(message)
    ? message
    : `${label} ${message}`.replace(/^(\w)/, c => c.toLocaleUpperCase('en-US'));

/**
 * Files a change request, or edits a draft: category guidance from the
 * seed, a catalog entity picker, inline validation with the API's own
 * schema, and the policy's window, notice, freeze and conflict warnings
 * before anything is sent.
 */
export function ChangeRequestForm(props: { mode: 'create' | 'edit' }) {
  const opsApi = useApi(opsApiRef);
  const { id } = useParams();
  const [params] = useSearchParams();
  const existing = useAsync(
    async () =>
      props.mode === 'edit' && id ? opsApi.getChangeRequest(id) : undefined,
    [opsApi, id, props.mode],
  );
  const policy = useAsync(() => opsApi.getChangePolicy(), [opsApi]);

  if (existing.loading || policy.loading) {
    return <Progress aria-label="Loading the form" />;
  }
  const error = existing.error ?? policy.error;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <ChangeRequestFormBody
      mode={props.mode}
      policy={policy.value!}
      existing={existing.value?.change}
      initial={
        existing.value
          ? stateOf(existing.value.change)
          : initialState(params.get('entity'))
      }
    />
  );
}

function ChangeRequestFormBody(props: {
  mode: 'create' | 'edit';
  policy: ChangePolicy;
  existing?: ChangeRequest;
  initial: FormState;
}) {
  const { policy, existing } = props;
  const classes = useStyles();
  const opsApi = useApi(opsApiRef);
  const navigate = useNavigate();
  const links = useChangesLinks();
  const [state, setState] = useState<FormState>(props.initial);
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [attempted, setAttempted] = useState(false);
  const [attemptedAction, setAttemptedAction] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string>();
  const [now] = useState(() => new Date());

  const set = <K extends Field>(field: K, value: FormState[K]) =>
    setState(prev => ({ ...prev, [field]: value }));
  const touch = (field: Field) =>
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
  const policyErrors: Partial<Record<Field, string>> = {};
  if (attemptedAction) {
    for (const f of blocking) {
      if (f.field && !policyErrors[f.field]) policyErrors[f.field] = f.message;
    }
  }
  const shown = (field: Field): string | undefined =>
    (touched[field] || attempted ? errors[field] : undefined) ??
    policyErrors[field];
  const needsJustification = findings.some(f => f.severity === 'justify');
  const zone = policy.maintenanceWindow.timeZone;
  // The first window with due notice outside every freeze.
  const next = suggestedMaintenanceWindow(policy, now);

  // Overlapping changes on the same entities, looked up as the plan takes shape.
  const [conflictKey, setConflictKey] = useState('');
  useDebounce(
    () =>
      setConflictKey(
        periodValid && state.entityRefs.length
          ? JSON.stringify([
              state.entityRefs,
              body.plannedStart,
              body.plannedEnd,
            ])
          : '',
      ),
    400,
    [state.entityRefs.join(), body.plannedStart, body.plannedEnd, periodValid],
  );
  const conflicts = useAsync(async () => {
    if (!conflictKey) return [];
    const [entityRef, plannedFrom, plannedTo] = JSON.parse(conflictKey);
    const { items } = await opsApi.listChangeRequests({
      entityRef,
      plannedFrom,
      plannedTo,
      status: [...activeChangeStatuses],
      sort: 'plannedStart',
      order: 'asc',
      limit: 20,
    });
    return items.filter(c => c.id !== existing?.id);
  }, [conflictKey, opsApi]);

  useEffect(() => setSendError(undefined), [state]);

  const primary = {
    standard: { action: 'submit', label: 'Submit (pre-approved)' },
    normal: { action: 'submit', label: 'Submit for approval' },
    emergency: { action: 'start', label: 'Start emergency change now' },
  } as const;
  const primaryAction =
    props.mode === 'edit' ? undefined : primary[state.category].action;
  const primaryLabel = primary[state.category].label;

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
      if (props.mode === 'edit' && existing) {
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

  const localHint = (value: string) => {
    const iso = fromLocalInput(value);
    return iso ? `${formatDateTime(iso, zone)} (${zone})` : undefined;
  };

  const textField = (
    field: Field,
    label: string,
    options: { required?: boolean; multiline?: boolean; helper?: string } = {},
  ) => (
    <TextField
      id={`change-${field}`}
      label={label}
      value={state[field] as string}
      onChange={e => set(field, e.target.value as never)}
      onBlur={() => touch(field)}
      required={options.required}
      multiline={options.multiline}
      minRows={options.multiline ? 3 : undefined}
      fullWidth
      variant="outlined"
      margin="normal"
      error={Boolean(shown(field))}
      helperText={
        shown(field) ? sentence(label, shown(field)!) : options.helper
      }
    />
  );

  const planRequired = state.category === 'normal';
  // The schema's word on the text itself (e.g. a control character) comes
  // first; the policy's need for a justification after.
  const justificationError =
    touched.justification || attempted ? errors.justification : undefined;
  let justificationHelp: string | undefined;
  if (justificationError) {
    justificationHelp = sentence('Justification', justificationError);
  } else if (policyErrors.justification) {
    justificationHelp =
      'A justification is required: why this change cannot wait for a maintenance window or due notice.';
  } else if (needsJustification) {
    justificationHelp =
      'Why this change cannot wait for a maintenance window or due notice.';
  }

  return (
    <Content>
      <ContentHeader
        title={
          props.mode === 'edit' && existing
            ? `Edit ${existing.id}`
            : 'New change request'
        }
      />
      <Paper className={classes.paper}>
        <form
          aria-label={
            props.mode === 'edit' ? 'Edit change request' : 'New change request'
          }
          noValidate
          onSubmit={e => {
            e.preventDefault();
            send(primaryAction);
          }}
        >
          <FormControl component="fieldset" margin="normal">
            <FormLabel component="legend">Category</FormLabel>
            <RadioGroup
              aria-label="Category"
              name="category"
              value={state.category}
              onChange={e => set('category', e.target.value as ChangeCategory)}
            >
              {changeCategories.map(category => {
                const guidance = changeCategoryGuidance[category];
                return (
                  <div key={category}>
                    <FormControlLabel
                      value={category}
                      control={<Radio />}
                      label={`${changeLabels.category[category]}: ${guidance.summary}`}
                    />
                    <Typography variant="body2" className={classes.guidance}>
                      For example{' '}
                      {guidance.examples.join(', ').toLocaleLowerCase('en-US')}.{' '}
                      {guidance.process}
                    </Typography>
                  </div>
                );
              })}
            </RadioGroup>
          </FormControl>

          {state.category === 'standard' && (
            <TextField
              id="change-standardType"
              select
              label="Standard change type"
              value={state.standardType}
              onChange={e => set('standardType', e.target.value)}
              onBlur={() => touch('standardType')}
              required
              fullWidth
              variant="outlined"
              margin="normal"
              error={Boolean(shown('standardType'))}
              helperText={
                shown('standardType')
                  ? sentence('Standard change type', shown('standardType')!)
                  : policy.standardTypes.find(t => t.id === state.standardType)
                      ?.description ??
                    'One of the pre-approved kinds of change.'
              }
            >
              {policy.standardTypes.map(t => (
                <MenuItem key={t.id} value={t.id}>
                  {t.title}
                </MenuItem>
              ))}
            </TextField>
          )}

          {textField('title', 'Title', { required: true })}

          <Box mt={2} mb={1}>
            <EntityPicker
              id="change-entityRefs"
              label="Affected entities"
              value={state.entityRefs}
              onChange={refs => {
                set('entityRefs', refs);
                touch('entityRefs');
              }}
              onBlur={() => touch('entityRefs')}
              required
              error={
                shown('entityRefs') &&
                sentence('Affected entities', shown('entityRefs')!)
              }
              helperText="The services and resources the change touches."
            />
          </Box>

          <TextField
            id="change-risk"
            select
            label="Risk"
            value={state.risk}
            onChange={e => set('risk', e.target.value as ChangeRisk)}
            fullWidth
            variant="outlined"
            margin="normal"
            helperText={
              state.category === 'normal'
                ? `Needs ${policy.requiredApprovals[state.risk]} approval${
                    policy.requiredApprovals[state.risk] === 1 ? '' : 's'
                  } from someone other than you.`
                : undefined
            }
          >
            {changeRisks.map(r => (
              <MenuItem key={r} value={r}>
                {changeLabels.risk[r]}
              </MenuItem>
            ))}
          </TextField>

          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              <TextField
                id="change-plannedStart"
                type="datetime-local"
                label="Planned start"
                value={state.plannedStart}
                onChange={e => set('plannedStart', e.target.value)}
                onBlur={() => touch('plannedStart')}
                required
                fullWidth
                variant="outlined"
                margin="normal"
                InputLabelProps={{ shrink: true }}
                error={Boolean(shown('plannedStart'))}
                helperText={
                  shown('plannedStart')
                    ? sentence('Planned start', shown('plannedStart')!)
                    : localHint(state.plannedStart) ?? 'In your local time.'
                }
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <TextField
                id="change-plannedEnd"
                type="datetime-local"
                label="Planned end"
                value={state.plannedEnd}
                onChange={e => set('plannedEnd', e.target.value)}
                onBlur={() => touch('plannedEnd')}
                required
                fullWidth
                variant="outlined"
                margin="normal"
                InputLabelProps={{ shrink: true }}
                error={Boolean(shown('plannedEnd'))}
                helperText={
                  shown('plannedEnd')
                    ? sentence('Planned end', shown('plannedEnd')!)
                    : localHint(state.plannedEnd) ?? 'In your local time.'
                }
              />
            </Grid>
          </Grid>
          {state.category !== 'emergency' && next && (
            <Box
              display="flex"
              alignItems="center"
              flexWrap="wrap"
              style={{ gap: 8 }}
            >
              <Typography variant="body2" color="textSecondary">
                Maintenance window:{' '}
                {describeMaintenanceWindow(policy.maintenanceWindow)}. Next one
                with due notice: {formatPeriod(next.start, next.end, zone)}.
              </Typography>
              <Button
                size="small"
                variant="outlined"
                onClick={() => {
                  set('plannedStart', toLocalInput(next.start));
                  set('plannedEnd', toLocalInput(next.end));
                }}
              >
                Use this window
              </Button>
            </Box>
          )}

          <section
            className={classes.section}
            aria-label="Policy check"
            aria-live="polite"
          >
            <PolicyFindings
              findings={findings.filter(f => f.code !== 'missing-plan')}
              justified={Boolean(body.justification)}
            />
            <ConflictWarnings conflicts={conflicts.value ?? []} />
          </section>

          {state.category !== 'emergency' &&
            (needsJustification || state.justification) && (
              <TextField
                id="change-justification"
                label="Justification"
                value={state.justification}
                onChange={e => set('justification', e.target.value)}
                onBlur={() => touch('justification')}
                required={needsJustification}
                multiline
                minRows={2}
                fullWidth
                variant="outlined"
                margin="normal"
                error={Boolean(
                  justificationError ?? policyErrors.justification,
                )}
                helperText={justificationHelp}
              />
            )}

          {textField('description', 'Description', { multiline: true })}
          {textField('implementationPlan', 'Implementation plan', {
            multiline: true,
            required: planRequired,
            helper: 'The steps, in order.',
          })}
          {textField('rollbackPlan', 'Rollback plan', {
            multiline: true,
            required: planRequired,
            helper: 'How to undo the change if it goes wrong.',
          })}
          {textField('testPlan', 'Test plan', {
            multiline: true,
            required: planRequired,
            helper: 'How you will know the change worked.',
          })}

          {sendError && (
            <Box mt={2}>
              <Alert severity="error" role="alert">
                {sendError}
              </Alert>
            </Box>
          )}
          <FormHelperText>
            {state.category === 'normal' &&
              'Submitting sends the change to the approvers (SRE and DevOps).'}
            {state.category === 'emergency' &&
              'Starting records the change as in progress now; a post-implementation review follows.'}
          </FormHelperText>
          <div className={classes.buttons}>
            {props.mode === 'create' ? (
              <>
                <Button
                  type="submit"
                  variant="contained"
                  color={
                    state.category === 'emergency' ? 'secondary' : 'primary'
                  }
                  disabled={sending}
                >
                  {primaryLabel}
                </Button>
                <Button
                  variant="outlined"
                  disabled={sending}
                  onClick={() => send()}
                >
                  Save as draft
                </Button>
              </>
            ) : (
              <Button
                type="submit"
                variant="contained"
                color="primary"
                disabled={sending}
              >
                Save changes
              </Button>
            )}
            <Button
              disabled={sending}
              onClick={() =>
                navigate(existing ? links.detail(existing.id) : links.list)
              }
            >
              Cancel
            </Button>
          </div>
        </form>
      </Paper>
    </Content>
  );
}
