/**
 * Change management: the change request model, one state machine per
 * category, the policy (maintenance windows, freezes, notice, approvals), the
 * API schemas shared by the form and the backend, and the change measures.
 */

export * from './model';
export * from './policy';
export * from './windows';
export * from './workflow';
export * from './schemas';
export * from './measures';
