export { SecurityPage, SecurityCard } from './SecurityPage';
export { EntitySecurityCard } from './EntitySecurityCard';
