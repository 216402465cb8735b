import { Temporal } from 'temporal-polyfill';
import type { announcementTypes } from './release';

export type AnnouncementType = (typeof announcementTypes)[number];

/** A step relative to the event's day: J-60 at 10:00 is `{ offsetDays: -60, time: '10:00' }`. */
export interface PlanStepDefinition {
  readonly type: AnnouncementType;
  readonly offsetDays: number;
  readonly time: string;
}

/** Save-the-date J-60, invitation J-30, reminder J-7, day-of morning, thank-you J+1. */
export const defaultPlanSteps: readonly PlanStepDefinition[] = [
  { type: 'save-the-date', offsetDays: -60, time: '10:00' },
  { type: 'invitation', offsetDays: -30, time: '10:00' },
  { type: 'reminder', offsetDays: -7, time: '10:00' },
  { type: 'day-of', offsetDays: 0, time: '08:00' },
  { type: 'thank-you', offsetDays: 1, time: '10:00' },
];

export interface PlanStep extends PlanStepDefinition {
  /** Local wall time of the send, in the event's time zone. */
  readonly localSendAt: string;
  readonly releaseId: string;
  readonly campaignId: string;
}

export interface AnnouncementPlan {
  readonly id: string;
  /** The release that describes the event (its `event` is the source of every step). */
  readonly sourceReleaseId: string;
  readonly eventStart: string;
  readonly timeZone: string;
  readonly listIds: readonly string[];
  readonly steps: readonly PlanStep[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The local send time of a step for an event starting at `eventStart` (local, `YYYY-MM-DDTHH:mm`). */
export function stepLocalTime(eventStart: string, step: PlanStepDefinition): string {
  const day = Temporal.PlainDate.from(eventStart.slice(0, 10)).add({ days: step.offsetDays });
  return `${day.toString()}T${step.time}`;
}

/** Shifts a local date-time by the whole days between two event starts (the event moved). */
export function shiftLocal(local: string, fromStart: string, toStart: string): string {
  const days = Temporal.PlainDate.from(fromStart.slice(0, 10)).until(Temporal.PlainDate.from(toStart.slice(0, 10))).days;
  return Temporal.PlainDateTime.from(local).add({ days }).toString({ smallestUnit: 'minute' });
}
