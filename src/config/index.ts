// The config package: CRD objects in, one validated Config out. Pure: no I/O, no clock, no logging.
export {
  advertisementCoversPool,
  advertisementSelectsService,
  advertisementsOfPool,
  poolsOfAdvertisement,
} from './advertisement-pools.js';
export { type CommunityValue, formatCommunity, parseCommunity } from './bgp-community.js';
export type * from './bgp-types.js';
export { type BgpObjects, buildBgpConfig } from './build-bgp-config.js';
export { buildConfig, compareNames } from './build-config.js';
export { ConfigErrorReason, type ErrorSink, errorsOf, formatConfigError, isWarning } from './config-error.js';
export * from './crd-types.js';
export { interfaceNameProblem } from './interface-name.js';
export type { LabelSelector, LabelSelectorRequirement, Labels } from './label-selector.js';
export { matchesAny, matchesSelector } from './label-selector.js';
export { type L2AdvertisementParse, parseL2Advertisement } from './parse-l2-advertisement.js';
export { parseLabelSelector, parseLabelSelectors } from './parse-label-selector.js';
export { MAX_PRIORITY, type PoolParse, parsePool, type RangeSource } from './parse-pool.js';
export { selectorImplies, selectorsImply } from './selector-implies.js';
export type * from './types.js';
