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

/** Kinds a change request can affect. */
const KINDS = ['Component', 'Resource', 'System', 'API'];

interface Option {
  ref: string;
  label: string;
  kind: string;
}

function optionOf(entity: Entity): Option {
  const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  return {
    ref,
    label: entity.metadata.title ?? entity.metadata.name,
    kind: entity.kind,
  };
}

function fallbackOption(ref: string): Option {
  try {
    const { kind, name } = parseEntityRef(ref);
    return { ref, label: name, kind };
  } catch {
    return { ref, label: ref, kind: '' };
  }
}

/**
 * Picks catalog entities (components, resources, systems, APIs) by name,
 * as lower-case entity refs.
 */
export function EntityPicker(props: {
  label: string;
  value: string[];
  onChange: (refs: string[]) => void;
  onBlur?: () => void;
  error?: string;
  helperText?: string;
  required?: boolean;
  id: string;
}) {
  const catalogApi = useApi(catalogApiRef);
  const { value: options = [], loading } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: KINDS },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items.map(optionOf).sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);

  const byRef = new Map(options.map(o => [o.ref, o]));
  const selected = props.value.map(
    ref => byRef.get(ref) ?? fallbackOption(ref),
  );

  return (
    <Autocomplete
      id={props.id}
      multiple
      loading={loading}
      options={options}
      value={selected}
      getOptionLabel={o => `${o.label} (${o.kind.toLocaleLowerCase('en-US')})`}
      getOptionSelected={(a, b) => a.ref === b.ref}
      groupBy={o => o.kind}
      onChange={(_e, next) => props.onChange(next.map(o => o.ref))}
      onBlur={props.onBlur}
      filterSelectedOptions
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          variant="outlined"
          required={props.required}
          error={Boolean(props.error)}
          helperText={props.error ?? props.helperText}
          placeholder={props.value.length ? '' : 'Search the catalog'}
        />
      )}
    />
  );
}
