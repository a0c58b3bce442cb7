export { Acl, type AclAccess, type AclRule, type Principal } from './acl.js';
export { filterCovers, filtersIntersect } from './filters.js';
