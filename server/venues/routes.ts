import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { notFound } from '../shared/errors.js';
import {
  BookingCreateBody,
  BookingIdParams,
  BookingList,
  BookingListQuery,
  BookingView,
  ImportIdParams,
  VenueCreateBody,
  VenueImportConfirmed,
  VenueImportPreview,
  VenueIdParams,
  VenueList,
  VenueListQuery,
  VenuePatchBody,
  VenueView,
} from './schemas.js';
import { getBooking, getVenue, listBookings, listVenues } from './repo.js';
import { presentBooking, presentVenue } from './presenter.js';
import { createVenue, updateVenue } from './manage-venues.js';
import { cancelBooking, confirmBookingIn, createBooking } from './bookings.js';
import { confirmVenueImport, previewVenueImport } from './import-venues.js';
import { obj } from '../shared/schema.js';
import { Type } from '@sinclair/typebox';
import { Override } from '../shared/override.js';
import { VENUE_READERS, VENUE_WRITERS } from './policy.js';

export function venueRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/venues',
      access: VENUE_READERS,
      tags: ['venues'],
      summary:
        'Venues: search by name (q), capacity at least (minCapacity), commune, free/paid (cost), needed attributes (needs)',
      query: VenueListQuery,
      responses: { 200: { description: 'A page of venues', schema: VenueList } },
      handler: async (req, res) => {
        const page = await listVenues(deps.db, req.query);
        res.json({ items: page.items.map(presentVenue), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/venues',
      access: VENUE_WRITERS,
      tags: ['venues'],
      summary: 'Add a venue',
      body: VenueCreateBody,
      responses: { 201: { description: 'Created', schema: VenueView } },
      handler: async (req, res) => {
        res.status(201).json(await createVenue(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/venues/imports',
      access: VENUE_WRITERS,
      tags: ['venues'],
      summary:
        'Read a CSV or XLSX of venues (field `file`): preview with per-row errors; nothing is written before confirmation',
      upload: { field: 'file', maxBytes: 5 * 1024 * 1024 },
      body: obj({}),
      responses: {
        201: {
          description: 'Preview (id, validCount, errorCount, report of rows and fields)',
          schema: VenueImportPreview,
        },
      },
      handler: async (req, res) => {
        res.status(201).json(
          await previewVenueImport(deps, req.ctx.acting, {
            file: (req as unknown as { file?: { buffer: Buffer } }).file,
          }),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/venues/imports/:id/confirm',
      access: VENUE_WRITERS,
      tags: ['venues'],
      summary: 'Write the valid lines of a previewed import as venues (once)',
      params: ImportIdParams,
      responses: { 200: { description: 'Confirmed (created count)', schema: VenueImportConfirmed } },
      errors: ['venue_import_not_pending', 'venue_import_expired'],
      handler: async (req, res) => {
        res.json(await confirmVenueImport(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/venues/:id',
      access: VENUE_READERS,
      tags: ['venues'],
      summary: 'One venue',
      params: VenueIdParams,
      responses: { 200: { description: 'Venue', schema: VenueView } },
      handler: async (req, res) => {
        const v = await getVenue(deps.db, req.params.id);
        if (!v) throw notFound('Lieu');
        res.json(presentVenue(v));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/venues/:id',
      access: VENUE_WRITERS,
      tags: ['venues'],
      summary: 'Change a venue (active: false hides it from searches)',
      params: VenueIdParams,
      body: VenuePatchBody,
      responses: { 200: { description: 'Venue', schema: VenueView } },
      handler: async (req, res) => {
        res.json(await updateVenue(deps, req.ctx.acting, { id: req.params.id, patch: req.body }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/bookings',
      access: VENUE_READERS,
      tags: ['bookings'],
      summary: 'Bookings by venue, session or status',
      query: BookingListQuery,
      responses: { 200: { description: 'A page of bookings', schema: BookingList } },
      handler: async (req, res) => {
        const page = await listBookings(deps.db, req.query);
        res.json({ items: page.items.map(presentBooking), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/bookings',
      access: VENUE_WRITERS,
      tags: ['bookings'],
      summary:
        'Hold a venue (option, expires after 7 days) for a session or a time range; cost by the venue’s cost mode',
      body: BookingCreateBody,
      responses: { 201: { description: 'Option', schema: BookingView } },
      errors: ['session_cancelled', 'session_already_booked', 'booking_overlap', 'booking_overlap_with'],
      handler: async (req, res) => {
        res.status(201).json(await createBooking(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/bookings/:id',
      access: VENUE_READERS,
      tags: ['bookings'],
      summary: 'One booking',
      params: BookingIdParams,
      responses: { 200: { description: 'Booking', schema: BookingView } },
      handler: async (req, res) => {
        const b = await getBooking(deps.db, req.params.id);
        if (!b) throw notFound('Réservation');
        res.json(presentBooking(b));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/bookings/:id/confirm',
      access: VENUE_WRITERS,
      tags: ['bookings'],
      summary:
        'Confirm an option (an overlap names the other booking’s session and time); its cost is committed on the budget (over a budget line: finance repeats with override.reason)',
      params: BookingIdParams,
      body: obj({ override: Type.Optional(Override) }),
      responses: { 200: { description: 'Confirmed', schema: BookingView } },
      idempotent: true,
      errors: [
        'booking_overlap',
        'booking_overlap_with',
        'booking_cancelled',
        'booking_option_expired',
        'session_cancelled',
        'budget_exceeded_requires_override',
        'override_forbidden',
      ],
      handler: async (req, trx) => ({
        status: 200,
        body: await confirmBookingIn(trx, deps, req.ctx.acting, {
          bookingId: req.params.id,
          override: req.body.override,
        }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/bookings/:id/cancel',
      access: VENUE_WRITERS,
      tags: ['bookings'],
      summary: 'Cancel a booking (idempotent)',
      params: BookingIdParams,
      responses: { 200: { description: 'Cancelled', schema: BookingView } },
      handler: async (req, res) => {
        res.json(await cancelBooking(deps, req.ctx.acting, req.params.id));
      },
    }),
  ];
}
