import type { ReleaseStatus } from './release';

/**
 * The review gate, in one place: a release whose brand requires review may be sent or scheduled
 * only once approved (or again once sent). The launch, the schedule's firing, the send dialog and
 * the editor's "send" action all ask this.
 */
export function awaitsApproval(brand: { readonly review: { readonly required: boolean } }, status: ReleaseStatus): boolean {
  return brand.review.required && status !== 'approved' && status !== 'sent';
}
