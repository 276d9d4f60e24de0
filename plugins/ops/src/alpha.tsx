/**
 * The ops portal for Backstage's new frontend system. The extensions live
 * in ./alpha/ by kind: apis, entity cards, entity content (tabs) and pages
 * (with their nav entries).
 *
 * @packageDocumentation
 */
import { opsPlugin } from './alpha/plugin';

export default opsPlugin;
