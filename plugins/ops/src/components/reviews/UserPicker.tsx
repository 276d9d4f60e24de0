import { useApi } from '@backstage/core-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';

interface Person {
  ref: string;
  label: string;
}

function personOf(entity: Entity): Person {
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  return {
    ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    label:
      profile?.displayName ?? entity.metadata.title ?? entity.metadata.name,
  };
}

function fallbackPerson(ref: string, name?: string): Person {
  try {
    return { ref, label: name ?? parseEntityRef(ref).name };
  } catch {
    return { ref, label: name ?? ref };
  }
}

/**
 * Picks one person (a catalog User) by name; the value is the user's
 * lower-case entity ref. A ref the catalog does not list (yet) still shows,
 * by the name given or the ref's name.
 */
export function UserPicker(props: {
  id: string;
  label: string;
  value?: string;
  /** The current value's display name, when known. */
  valueName?: string;
  onChange: (ref: string | undefined) => void;
  required?: boolean;
  disabled?: boolean;
  error?: string;
  helperText?: string;
}) {
  const catalogApi = useApi(catalogApiRef);
  const { value: options = [], loading } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'User' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items.map(personOf).sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);

  const wanted = props.value?.toLocaleLowerCase('en-US');
  const selected = props.value
    ? options.find(o => o.ref === wanted) ??
      fallbackPerson(props.value, props.valueName)
    : null;

  return (
    <Autocomplete
      id={props.id}
      loading={loading}
      options={options}
      value={selected}
      disabled={props.disabled}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.ref === b.ref}
      onChange={(_e, next) => props.onChange(next?.ref)}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          variant="outlined"
          margin="normal"
          required={props.required}
          error={Boolean(props.error)}
          helperText={props.error ?? props.helperText}
          placeholder={props.value ? '' : 'Search people in the catalog'}
        />
      )}
    />
  );
}
