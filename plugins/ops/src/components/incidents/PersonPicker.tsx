import { Ref } from 'react';
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

/** A person of the catalog, as the picker offers it. */
export interface PersonOption {
  ref: string;
  label: string;
}

function optionOf(entity: Entity): PersonOption {
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  return {
    ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    label:
      profile?.displayName ?? entity.metadata.title ?? entity.metadata.name,
  };
}

function fallbackOption(ref: string, label?: string): PersonOption {
  try {
    return { ref, label: label ?? parseEntityRef(ref).name };
  } catch {
    return { ref, label: label ?? ref };
  }
}

/** The catalog's users, by name; loaded once per picker. */
function usePeople() {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
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
    return items.map(optionOf).sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);
}

interface CommonProps {
  id: string;
  label: string;
  error?: string;
  helperText?: string;
  required?: boolean;
  /** The text input, e.g. to focus it when a dialog opens. */
  inputRef?: Ref<HTMLInputElement>;
  /** Names of people the catalog may not list (e.g. the current holder). */
  knownNames?: Record<string, string>;
}

/** Picks one person of the catalog, as a lower-case user entity ref. */
export function PersonPicker(
  props: CommonProps & {
    value: string | undefined;
    onChange: (ref: string | undefined) => void;
  },
) {
  const { value: options = [], loading } = usePeople();
  const byRef = new Map(options.map(o => [o.ref, o]));
  const selected = props.value
    ? byRef.get(props.value) ??
      fallbackOption(props.value, props.knownNames?.[props.value])
    : null;
  return (
    <Autocomplete
      id={props.id}
      loading={loading}
      options={options}
      value={selected}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.ref === b.ref}
      onChange={(_e, next) => props.onChange(next?.ref)}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          variant="outlined"
          margin="dense"
          inputRef={props.inputRef}
          required={props.required}
          error={Boolean(props.error)}
          helperText={props.error ?? props.helperText}
          placeholder="Search people in the catalog"
        />
      )}
    />
  );
}

/** Picks several people of the catalog, as lower-case user entity refs. */
export function PeoplePicker(
  props: CommonProps & {
    value: string[];
    onChange: (refs: string[]) => void;
  },
) {
  const { value: options = [], loading } = usePeople();
  const byRef = new Map(options.map(o => [o.ref, o]));
  const selected = props.value.map(
    ref => byRef.get(ref) ?? fallbackOption(ref, props.knownNames?.[ref]),
  );
  return (
    <Autocomplete
      id={props.id}
      multiple
      loading={loading}
      options={options}
      value={selected}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.ref === b.ref}
      onChange={(_e, next) => props.onChange(next.map(o => o.ref))}
      filterSelectedOptions
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          variant="outlined"
          margin="dense"
          inputRef={props.inputRef}
          required={props.required}
          error={Boolean(props.error)}
          helperText={props.error ?? props.helperText}
          placeholder={props.value.length ? '' : 'Search people in the catalog'}
        />
      )}
    />
  );
}
