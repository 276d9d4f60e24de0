import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import HelpOutline from '@material-ui/icons/HelpOutline';
import {
  DEFAULT_KPI_TARGETS,
  formatKpiTarget,
  KPI_DEFINITIONS,
  KpiTargets,
  Severity,
} from '@opsportal/plugin-ops-common';
import { useId, useState } from 'react';

/** "KPI definitions": every KPI's definition, source and target, one click away. */
export function KpiDefinitionsButton(props: {
  targets?: KpiTargets;
  failureSeverities?: Severity[];
}) {
  const [open, setOpen] = useState(false);
  const titleId = useId();
  const targets = props.targets ?? DEFAULT_KPI_TARGETS;
  const failures = (props.failureSeverities ?? ['P1', 'P2']).join(' and ');
  return (
    <>
      <Button
        size="small"
        startIcon={<HelpOutline />}
        onClick={() => setOpen(true)}
      >
        KPI definitions
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        aria-labelledby={titleId}
        maxWidth="md"
      >
        <DialogTitle id={titleId}>KPI definitions</DialogTitle>
        <DialogContent dividers>
          <Typography variant="body2" paragraph>
            Failures are incidents of severity {failures}. Incidents count for
            the period they were created in; changes for the period they
            finished in. The trend compares with the previous period of the same
            length (a month in progress: the same days of the month before).
            docs/kpis.md explains each KPI in full.
          </Typography>
          <dl>
            {KPI_DEFINITIONS.map(d => (
              <div key={d.id}>
                <Typography component="dt" variant="subtitle2">
                  {d.name} — target {formatKpiTarget(d.id, targets[d.id])}
                </Typography>
                <Typography component="dd" variant="body2" paragraph>
                  {d.definition} <em>Source: {d.source}.</em>
                </Typography>
              </div>
            ))}
          </dl>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} color="primary">
            Close
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
