import Alert from '@material-ui/lab/Alert';
import { RunbookProblem } from '@opsportal/plugin-ops-common';

/** What kept runbooks from being read, so that their authors can fix it. */
export function RunbookProblems(props: { problems: RunbookProblem[] }) {
  if (props.problems.length === 0) return null;
  return (
    <Alert severity="warning" style={{ marginBottom: 8 }}>
      {props.problems.length === 1
        ? 'One runbook problem:'
        : `${props.problems.length} runbook problems:`}
      <ul style={{ margin: 0, paddingLeft: 20 }} aria-label="Runbook problems">
        {props.problems.map((problem, index) => (
          <li key={index}>
            <code>{problem.location}</code>: {problem.message}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
