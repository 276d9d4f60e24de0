// Defined in ../availability, which the plugin's entry points import
// without this module's dependencies.
export { isKpisAvailable, isTeamKpisAvailable } from '../availability';
