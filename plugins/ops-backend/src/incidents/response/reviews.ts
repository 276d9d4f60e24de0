/**
 * What the incident page needs of the reviews feature: whether an incident
 * needs a review, its review, and starting one. The reviews feature's
 * service implements it; the incident page reaches reviews only through it.
 */
export type { IncidentReviews } from '../../reviews';
