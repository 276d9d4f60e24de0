import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import GetApp from '@material-ui/icons/GetApp';
import { KpiReport } from '@opsportal/plugin-ops-common';
import { downloadKpiCsv } from './exportCsv';
import { KpiDefinitionsButton } from './KpiDefinitionsDialog';
import { KpiPeriodPicker, KpiPeriodValue } from './KpiPeriodPicker';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
}));

/** Period picker, CSV export and the definitions, above every KPI view. */
export function KpiToolbar(props: {
  value: KpiPeriodValue;
  onChange: (value: KpiPeriodValue) => void;
  report?: KpiReport;
}) {
  const { value, onChange, report } = props;
  const classes = useStyles();
  return (
    <div className={classes.root}>
      <KpiPeriodPicker value={value} onChange={onChange} />
      <Button
        size="small"
        variant="outlined"
        startIcon={<GetApp />}
        disabled={!report}
        onClick={() => report && downloadKpiCsv(report)}
      >
        Export CSV
      </Button>
      <KpiDefinitionsButton
        targets={report?.targets}
        failureSeverities={report?.failureSeverities}
      />
    </div>
  );
}
