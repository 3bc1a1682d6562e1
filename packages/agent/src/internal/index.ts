/**
 * `@claude-code-server/agent/internal`: pieces the server builds on (store leases held and renewed for
 * one owner). Not semver-stable: any release may change or remove them.
 */
export { HeldLease, LeaseTaker, type LeaseWaitOptions } from '../lease.js';
