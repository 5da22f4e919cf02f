// Partners — the associations and services that refer participants (docs/domain.md#partner).
// Words: structure relais, association → partner.
// Shape: partners (name, contact, active flag); a participant's messages may go through their partner
//   (the letters themselves are notifications').
// Owns: partners.
// Calls: audit, auth; shared/.
export { activePartnerOptions, getPartner, findPartnerIdByName } from './repo.js';
export { PARTNER_READERS, PARTNER_WRITERS, PARTNER_WRITER_ROLES } from './policy.js';
export { createPartner, updatePartner } from './manage-partners.js';
