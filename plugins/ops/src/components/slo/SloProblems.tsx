import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { SloProblem } from '@opsportal/plugin-ops-common';

function where(problem: SloProblem): string {
  if (!problem.source) return '';
  return `${problem.source}${problem.line ? `, line ${problem.line}` : ''}: `;
}

/** Problems with the SLO definitions: errors and warnings up front, notes below. */
export function SloProblems({ problems }: { problems: SloProblem[] }) {
  const serious = problems.filter(p => p.severity !== 'info');
  const notes = problems.filter(p => p.severity === 'info');
  if (problems.length === 0) return null;
  return (
    <div>
      {serious.length > 0 && (
        <Alert severity="error" role="alert" style={{ marginTop: 8 }}>
          <Typography variant="body2" component="p">
            Problems with the SLO definitions:
          </Typography>
          <ul style={{ margin: 0, paddingLeft: 16 }}>
            {serious.map((p, i) => (
              <li key={i}>
                <Typography variant="body2">
                  {where(p)}
                  {p.message}
                </Typography>
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {notes.length > 0 && (
        <List dense aria-label="Notes on the SLO definitions">
          {notes.map((p, i) => (
            <ListItem key={i} disableGutters>
              <ListItemText
                secondary={`${where(p)}${p.message}`}
                secondaryTypographyProps={{ variant: 'caption' }}
              />
            </ListItem>
          ))}
        </List>
      )}
    </div>
  );
}
