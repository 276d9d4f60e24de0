/*
 * The entity cards, for the entity page's overview tab. Every card's loader
 * imports this one module, so the cards arrive in one chunk and render
 * together: their first requests go out at once and the API client sends
 * them as one (api/EntityOverviewBatcher). The cards keep their charts in
 * chunks of their own, loaded after the card's text.
 */
export { EntityOpsSetupCard } from './EntityOpsSetupCard';
export { EntityOnCallCard } from './oncall/EntityOnCallCard';
export { EntityIncidentsCard } from './incidents/EntityIncidentsCard';
export { EntitySloCard } from './slo/EntitySloCard';
export { EntityRunbooksCard } from './runbooks/EntityRunbooksCard';
export { EntityCapacityCard } from './capacity/EntityCapacityCard';
export { EntityKpiCard } from './kpis/EntityKpiCard';
