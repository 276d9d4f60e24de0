import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { AlarmFlag } from '@opsportal/plugin-ops-common';
import { flagLabels } from './helpers';

const useStyles = makeStyles(theme => ({
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  bad: {
    borderColor: theme.palette.warning.dark,
    color: theme.palette.warning.dark,
  },
}));

/** An alarm's flags as outlined chips whose text says what is wrong. */
export function FlagChips(props: { flags: AlarmFlag[] }) {
  const classes = useStyles();
  if (props.flags.length === 0) return <>–</>;
  return (
    <ul
      className={classes.chips}
      aria-label="Flags"
      style={{ listStyle: 'none', margin: 0, padding: 0 }}
    >
      {props.flags.map(flag => (
        <li key={flag}>
          <Chip
            size="small"
            variant="outlined"
            className={classes.bad}
            label={flagLabels[flag]}
          />
        </li>
      ))}
    </ul>
  );
}
