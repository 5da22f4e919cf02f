export { activePartnerOptions, getPartner, findPartnerIdByName } from './repo.js';
export { PARTNER_READERS, PARTNER_WRITERS, PARTNER_WRITER_ROLES } from './policy.js';
export { createPartner, updatePartner } from './manage-partners.js';
