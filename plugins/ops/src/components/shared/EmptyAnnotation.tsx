import { CodeSnippet } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** Empty state that shows the annotation to add to catalog-info.yaml. */
export function EmptyAnnotation(props: {
  what: string;
  annotation: string;
  example: string;
  docs?: string;
}) {
  const yaml = `metadata:\n  annotations:\n    ${props.annotation}: ${props.example}`;
  return (
    <div>
      <Typography variant="body2" paragraph>
        No {props.what} for this entity yet. Add the{' '}
        <code>{props.annotation}</code> annotation to its{' '}
        <code>catalog-info.yaml</code>:
      </Typography>
      <CodeSnippet language="yaml" text={yaml} showCopyCodeButton />
      {props.docs && (
        <Typography variant="body2">
          <a href={props.docs} target="_blank" rel="noopener noreferrer">
            Read about the annotation
          </a>
        </Typography>
      )}
    </div>
  );
}
