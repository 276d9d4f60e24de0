import { z } from 'zod';
import { alarmReviewOutcomes } from './types';

/** Body of `POST /api/ops/alerts/reviews`; the note is required unless the outcome is `keep`. @public */
export const alarmReviewInputSchema = z
  .object({
    alarmName: z.string().trim().min(1).max(255),
    region: z.string().trim().min(1).max(64).optional(),
    entityRef: z.string().trim().min(1).max(255),
    outcome: z.enum(alarmReviewOutcomes),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine(v => v.outcome === 'keep' || (v.note ?? '').length > 0, {
    message: 'A note is required unless the outcome is keep',
    path: ['note'],
  });
