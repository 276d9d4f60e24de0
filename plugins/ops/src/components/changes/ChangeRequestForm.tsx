import { useParams, useSearchParams } from 'react-router-dom';
import {
  Content,
  ContentHeader,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Paper from '@material-ui/core/Paper';
import { makeStyles } from '@material-ui/core/styles';
import { ChangePolicy, ChangeRequest } from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { CategorySection } from './form/CategorySection';
import { FormActions, primaryActions } from './form/FormActions';
import { PlansSection } from './form/PlansSection';
import { FormState, initialState, stateOf } from './form/state';
import { useChangeForm } from './form/useChangeForm';
import { WhatSection } from './form/WhatSection';
import { WhenSection } from './form/WhenSection';

const useStyles = makeStyles(theme => ({
  paper: { padding: theme.spacing(3) },
}));

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
  const { mode, policy, existing } = props;
  const classes = useStyles();
  const form = useChangeForm(props);
  const { category } = form.fields.values;
  const editing = mode === 'edit' && existing;

  return (
    <Content>
      <ContentHeader
        title={editing ? `Edit ${existing.id}` : 'New change request'}
      />
      <Paper className={classes.paper}>
        <form
          aria-label={
            mode === 'edit' ? 'Edit change request' : 'New change request'
          }
          noValidate
          onSubmit={e => {
            e.preventDefault();
            form.send(
              mode === 'edit' ? undefined : primaryActions[category].action,
            );
          }}
        >
          <CategorySection {...form.fields} policy={policy} />
          <WhatSection {...form.fields} policy={policy} />
          <WhenSection
            {...form.fields}
            policy={policy}
            now={form.now}
            findings={form.findings}
            justified={form.justified}
            conflicts={form.conflicts}
          />
          <PlansSection
            {...form.fields}
            needsJustification={form.needsJustification}
          />
          <FormActions
            mode={mode}
            category={category}
            sending={form.sending}
            sendError={form.sendError}
            onSaveDraft={() => form.send()}
            onCancel={form.cancel}
          />
        </form>
      </Paper>
    </Content>
  );
}
