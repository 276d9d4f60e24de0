import { CodeSnippet } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ANNOTATION_RUNBOOKS } from '@opsportal/plugin-ops-common';
import { EmptyAnnotation } from '../shared';

const LINK_EXAMPLE = `metadata:
  links:
    - url: https://wiki.example.com/runbooks/my-service
      title: 'Runbook: my-service outage'
      type: runbook`;

const FRONT_MATTER_EXAMPLE = `---
title: Payment processing failures above 5 %
owner: group:default/my-team
last_updated: 2026-10-14
severity: P1
alarms: [my-service-processing-failures]
---
# Payment processing failures above 5 %`;

/** How to add a runbook: the annotation, a link, and the front matter. */
export function RunbooksEmptyState(props: { compact?: boolean }) {
  return (
    <div>
      <EmptyAnnotation
        what="runbooks"
        annotation={ANNOTATION_RUNBOOKS}
        example="./docs/runbooks/"
      />
      <Typography variant="body2" paragraph style={{ marginTop: 16 }}>
        Or link a runbook that lives elsewhere:
      </Typography>
      <CodeSnippet language="yaml" text={LINK_EXAMPLE} showCopyCodeButton />
      {!props.compact && (
        <>
          <Typography variant="body2" paragraph style={{ marginTop: 16 }}>
            Start each markdown runbook with front matter naming the alarms it
            covers:
          </Typography>
          <CodeSnippet
            language="markdown"
            text={FRONT_MATTER_EXAMPLE}
            showCopyCodeButton
          />
        </>
      )}
    </div>
  );
}
