export {
  Allocator,
  type AllocatorSnapshot,
  type PoolUsage,
  type RestoreEntry,
  type RestoreResult,
} from './allocator.js';
export { ANNOTATION_PREFIXES, type AnnotationName } from './annotations.js';
export { requestWarnings } from './intent.js';
export type { Allocation, AllocationResult, Refusal, RefusalReason } from './refusal.js';
export {
  type BuiltServiceRequest,
  type IPFamilyPolicy,
  type ServiceLike,
  type ServicePort,
  type ServiceRequest,
  serviceRequestFrom,
} from './service-request.js';
