import { ReactNode } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Freshness } from '@opsportal/plugin-ops-common';
import { StaleNotice } from './StaleNotice';

/** Props of {@link OpsCard}. */
export interface OpsCardProps {
  title: ReactNode;
  subheader?: ReactNode;
  /** True while the first answer is awaited. */
  loading?: boolean;
  /** A failure to load anything at all. */
  error?: Error;
  /** Shown instead of the content when there is nothing to show (with how to add it). */
  empty?: ReactNode;
  /** Age and state of the data: a stale snapshot gets a notice, never a broken card. */
  freshness?: Freshness;
  action?: ReactNode;
  deepLink?: { title: string; link: string };
  variant?: 'gridItem' | 'fullHeight';
  children?: ReactNode;
}

/**
 * The frame every ops card uses, so that loading, empty, error and stale
 * states look and read the same everywhere.
 */
export function OpsCard(props: OpsCardProps) {
  const {
    title,
    subheader,
    loading,
    error,
    empty,
    freshness,
    action,
    deepLink,
    variant = 'gridItem',
    children,
  } = props;

  let body: ReactNode;
  if (loading) {
    body = <Progress aria-label="Loading" />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (empty) {
    body = empty;
  } else {
    body = (
      <>
        {freshness && <StaleNotice freshness={freshness} />}
        {children}
      </>
    );
  }

  return (
    <InfoCard
      title={title}
      subheader={subheader}
      action={action}
      deepLink={loading || error || empty ? undefined : deepLink}
      variant={variant}
    >
      <div aria-busy={loading ? 'true' : 'false'}>{body}</div>
    </InfoCard>
  );
}
