export { Allocator, type PoolUsage } from './allocator.js';
export type { AllocationResult, RefusalReason } from './refusal.js';
export { type ServiceLike, type ServiceRequest, serviceRequestFrom } from './service-request.js';
